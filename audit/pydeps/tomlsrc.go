package pydeps

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// fileProblem is a problem with a whole file or one of its lines. Messages
// say what is wrong without quoting file content, which may hold secrets
// (index URLs with tokens).
func fileProblem(file string, line int, format string, a ...any) error {
	return &LineError{File: file, Line: line, Msg: fmt.Sprintf(format, a...)}
}

// decodeTOML decodes a TOML file into a generic document, keeping the
// order its keys appear in.
func decodeTOML(data []byte, file string) (map[string]any, []toml.Key, []string, error) {
	text, bad := decodeText(data)
	if bad != "" {
		return nil, nil, nil, fileProblem(file, 0, "%s", bad)
	}
	doc := map[string]any{}
	md, err := toml.Decode(text, &doc)
	if err != nil {
		line := 0
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line = pe.Position.Line
		}
		return nil, nil, nil, fileProblem(file, line, "not valid TOML")
	}
	return doc, md.Keys(), splitLines(text), nil
}

// table walks nested tables by key; nil when any step is missing or not a
// table.
func table(doc map[string]any, keys ...string) map[string]any {
	cur := doc
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

// keysUnder lists, in file order, the direct sub-keys of the table at prefix.
func keysUnder(keys []toml.Key, prefix ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		if len(k) != len(prefix)+1 {
			continue
		}
		match := true
		for i, p := range prefix {
			if k[i] != p {
				match = false
				break
			}
		}
		if last := k[len(k)-1]; match && !seen[last] {
			seen[last] = true
			out = append(out, last)
		}
	}
	return out
}

// keyLine finds the line defining key inside the [header] table, for
// evidence; 0 when it cannot be told (dotted keys, inline tables).
func keyLine(lines []string, header, key string) int {
	in := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			in = strings.ReplaceAll(strings.Trim(t, "[] \t"), " ", "") == header
			continue
		}
		if !in {
			continue
		}
		for _, k := range []string{key, `"` + key + `"`, "'" + key + "'"} {
			if rest, ok := strings.CutPrefix(t, k); ok {
				if rest = strings.TrimSpace(rest); strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ".") {
					return i + 1
				}
			}
		}
	}
	return 0
}

// stringLine finds the first line at or after from (0-based) holding the
// quoted string s; it returns the 1-based line, or 0.
func stringLine(lines []string, from int, s string) int {
	for i := max(from, 0); i < len(lines); i++ {
		if strings.Contains(lines[i], `"`+s+`"`) || strings.Contains(lines[i], "'"+s+"'") {
			return i + 1
		}
	}
	return 0
}

func headerLine(lines []string, header string) int {
	for i, l := range lines {
		if strings.ReplaceAll(strings.Trim(strings.TrimSpace(l), "[] \t"), " ", "") == header && strings.HasPrefix(strings.TrimSpace(l), "[") {
			return i + 1
		}
	}
	return 0
}

// parsePyproject reads [project] dependencies and optional-dependencies
// (PEP 621) and [tool.poetry.dependencies].
func parsePyproject(data []byte, file string) ([]Requirement, []error) {
	doc, keys, lines, err := decodeTOML(data, file)
	if err != nil {
		return nil, []error{err}
	}
	var reqs []Requirement
	var errs []error
	pep621 := func(list any, key, group string) {
		items, ok := list.([]any)
		if !ok {
			errs = append(errs, fileProblem(file, 0, "%s is not a list of strings", key))
			return
		}
		from := headerLine(lines, "project")
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				errs = append(errs, fileProblem(file, 0, "%s holds a non-string", key))
				continue
			}
			line := stringLine(lines, from, s)
			if line > 0 {
				from = line
			}
			r, err := fromPEP508(s)
			if err != nil {
				errs = append(errs, fileProblem(file, line, "%s: %v", snippet(s), err))
				continue
			}
			r.Group, r.File, r.Line = group, file, line
			reqs = append(reqs, r)
		}
	}
	if project := table(doc, "project"); project != nil {
		if deps, ok := project["dependencies"]; ok {
			pep621(deps, "[project].dependencies", "")
		}
		if opt := table(project, "optional-dependencies"); opt != nil {
			for _, extra := range keysUnder(keys, "project", "optional-dependencies") {
				pep621(opt[extra], "[project].optional-dependencies."+extra, "optional:"+Name(extra))
			}
		}
	}
	if deps := table(doc, "tool", "poetry", "dependencies"); deps != nil {
		for _, name := range keysUnder(keys, "tool", "poetry", "dependencies") {
			if Name(name) == "python" {
				continue // the interpreter, not a package
			}
			r, err := tableDependency(name, deps[name], poetrySpec)
			line := keyLine(lines, "tool.poetry.dependencies", name)
			if err != nil {
				errs = append(errs, fileProblem(file, line, "dependency %s: %v", snippet(name), err))
				continue
			}
			r.File, r.Line = file, line
			reqs = append(reqs, r)
		}
	}
	return reqs, errs
}

// parsePipfile reads Pipfile's [packages]; [dev-packages] are not installed
// on Heroku.
func parsePipfile(data []byte, file string) ([]Requirement, []error) {
	doc, keys, lines, err := decodeTOML(data, file)
	if err != nil {
		return nil, []error{err}
	}
	var reqs []Requirement
	var errs []error
	pkgs := table(doc, "packages")
	for _, name := range keysUnder(keys, "packages") {
		r, err := tableDependency(name, pkgs[name], pipfileSpec)
		line := keyLine(lines, "packages", name)
		if err != nil {
			errs = append(errs, fileProblem(file, line, "package %s: %v", snippet(name), err))
			continue
		}
		r.File, r.Line = file, line
		reqs = append(reqs, r)
	}
	return reqs, errs
}

// specFunc reads a version constraint of Poetry or Pipfile syntax: the
// specifier to show, whether it pins one version, and that version.
type specFunc func(s string) (spec string, pinned bool, version string, err error)

// poetrySpec reads Poetry's constraint syntax: "2.3.2", "==2.3.2" and
// "=2.3.2" pin; "^2.3", "~2.3", "2.3.*", ">=2,<3", "*" do not.
func poetrySpec(s string) (string, bool, string, error) {
	s = strings.TrimSpace(s)
	v := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "=="), "="))
	if _, ok := parseVersion(v); ok && !strings.HasPrefix(s, "===") {
		return s, true, v, nil
	}
	return s, false, "", nil
}

// pipfileSpec reads a Pipfile version: "*" or a pip specifier; a bare
// version means exactly that version.
func pipfileSpec(s string) (string, bool, string, error) {
	s = strings.TrimSpace(s)
	if s == "*" || s == "" {
		return s, false, "", nil
	}
	if s[0] >= '0' && s[0] <= '9' {
		s = "==" + s
	}
	r, err := fromPEP508("x" + s)
	if err != nil {
		return s, false, "", err
	}
	return r.Specifier, r.Pinned, r.Version, nil
}

// tableDependency reads one entry of a Poetry or Pipfile dependency table:
// a version string, a table (version, extras, markers, optional, git, path,
// url/file, editable), or (Poetry) a list of such tables for different
// Pythons, which pins only when every alternative does.
func tableDependency(key string, v any, spec specFunc) (Requirement, error) {
	if !validName(key) {
		return Requirement{}, errors.New("invalid package name")
	}
	r := Requirement{Name: Name(key)}
	switch v := v.(type) {
	case string:
		sp, pinned, ver, err := spec(v)
		if err != nil {
			return r, err
		}
		r.Specifier, r.Pinned, r.Version = sp, pinned, ver
		r.Raw = key + " = " + strconvQuote(v)
		return r, nil
	case map[string]any:
		return tableEntry(r, key, v, spec)
	case []any:
		var specs []string
		r.Pinned = len(v) > 0
		for _, alt := range v {
			m, ok := alt.(map[string]any)
			if !ok {
				return r, errors.New("a list entry is not a table")
			}
			a, err := tableEntry(Requirement{Name: r.Name}, key, m, spec)
			if err != nil {
				return r, err
			}
			specs = append(specs, a.Specifier)
			r.URL = r.URL || a.URL
			if !a.Pinned || r.Version != "" && a.Version != r.Version {
				r.Pinned = false
			}
			r.Version = a.Version
		}
		if !r.Pinned {
			r.Version = ""
		}
		r.Specifier = strings.Join(specs, " || ")
		r.Raw = key + " = [" + r.Specifier + "]"
		return r, nil
	}
	return r, fmt.Errorf("unexpected %T value", v)
}

func tableEntry(r Requirement, key string, m map[string]any, spec specFunc) (Requirement, error) {
	str := func(k string) string { s, _ := m[k].(string); return s }
	if b, _ := m["optional"].(bool); b {
		r.Group = "optional"
	}
	if b, _ := m["editable"].(bool); b {
		r.Editable = true
	}
	if b, _ := m["develop"].(bool); b {
		r.Editable = true
	}
	for _, e := range asStrings(m["extras"]) {
		if validName(e) {
			r.Extras = append(r.Extras, Name(e))
		}
	}
	r.Marker = str("markers")
	switch {
	case str("git") != "":
		ref := str("rev")
		if ref == "" {
			ref = str("ref") // Pipfile's spelling
		}
		if ref == "" {
			ref = str("tag")
		}
		r.URL = true
		r.Pinned = hexRef.MatchString(ref) || releaseRef.MatchString(ref)
		r.Raw = key + " = {git = " + strconvQuote(maskCredentials(str("git"))) + "}"
	case str("path") != "":
		r.URL, r.Pinned, r.target = true, true, str("path")
		r.Raw = key + " = {path = " + strconvQuote(str("path")) + "}"
	case str("url") != "" || str("file") != "":
		u := str("url")
		if u == "" {
			u = str("file")
		}
		ref := directRef(r.Name, u)
		r.URL, r.Pinned, r.Version = true, ref.Pinned, ref.Version
		r.Raw = key + " = {url = " + strconvQuote(maskCredentials(u)) + "}"
	default:
		ver := str("version")
		if ver == "" {
			ver = "*"
		}
		sp, pinned, v, err := spec(ver)
		if err != nil {
			return r, err
		}
		r.Specifier, r.Pinned, r.Version = sp, pinned, v
		r.Raw = key + " = {version = " + strconvQuote(ver) + "}"
	}
	return r, nil
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// parseTOMLLock reads poetry.lock or uv.lock: [[package]] name and version.
// Poetry's dev-only and optional packages get a Group; they are not part of
// a default install.
func parseTOMLLock(data []byte, file string) ([]Requirement, error) {
	doc, _, lines, err := decodeTOML(data, file)
	if err != nil {
		return nil, err
	}
	var headers []int
	for i, l := range lines {
		if strings.TrimSpace(l) == "[[package]]" {
			headers = append(headers, i+1)
		}
	}
	var pkgs []map[string]any
	switch list := doc["package"].(type) {
	case nil:
	case []map[string]any:
		pkgs = list
	case []any: // package = [{...}, ...], inline
		for _, x := range list {
			m, ok := x.(map[string]any)
			if !ok {
				return nil, fileProblem(file, 0, "[[package]] is not a list of tables")
			}
			pkgs = append(pkgs, m)
		}
	default:
		return nil, fileProblem(file, 0, "[[package]] is not a list of tables")
	}
	var out []Requirement
	for i, p := range pkgs {
		name, _ := p["name"].(string)
		if !validName(name) {
			continue
		}
		r := Requirement{Name: Name(name), File: file, Pinned: true}
		r.Version, _ = p["version"].(string)
		r.Raw = name
		if r.Version != "" {
			r.Raw += "==" + r.Version
		}
		if i < len(headers) {
			r.Line = headers[i]
		}
		if cat, _ := p["category"].(string); cat == "dev" {
			r.Group = "dev"
		}
		if groups := asStrings(p["groups"]); len(groups) > 0 && !contains(groups, "main") {
			r.Group = groups[0]
		}
		if b, _ := p["optional"].(bool); b && r.Group == "" {
			r.Group = "optional"
		}
		out = append(out, r)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parsePipfileLock reads Pipfile.lock's "default" section (what
// "pipenv install --deploy" installs), sorted by name as pipenv writes it.
func parsePipfileLock(data []byte, file string) ([]Requirement, error) {
	text, bad := decodeText(data)
	if bad != "" {
		return nil, fileProblem(file, 0, "%s", bad)
	}
	var lock struct {
		Default map[string]struct {
			Version string `json:"version"`
			Git     string `json:"git"`
			Ref     string `json:"ref"`
		} `json:"default"`
	}
	if err := json.Unmarshal([]byte(text), &lock); err != nil {
		line := 0
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = 1 + strings.Count(text[:min(int(se.Offset), len(text))], "\n")
		}
		return nil, fileProblem(file, line, "not valid Pipfile.lock JSON")
	}
	names := make([]string, 0, len(lock.Default))
	for n := range lock.Default {
		names = append(names, n)
	}
	sort.Strings(names)
	lines := splitLines(text)
	from := 0
	for i, l := range lines {
		if strings.Contains(l, `"default"`) {
			from = i
			break
		}
	}
	var out []Requirement
	for _, n := range names {
		if !validName(n) {
			continue
		}
		e := lock.Default[n]
		r := Requirement{Name: Name(n), File: file, Pinned: true, Raw: n}
		r.Version = strings.TrimPrefix(strings.TrimPrefix(e.Version, "==="), "==")
		if e.Version != "" {
			r.Raw += e.Version
		}
		if e.Git != "" {
			r.URL = true
			r.Raw = n + " @ " + maskCredentials(e.Git)
			if e.Ref != "" {
				r.Raw += "@" + e.Ref
			}
		}
		r.Line = stringLine(lines, from, n)
		out = append(out, r)
	}
	return out, nil
}

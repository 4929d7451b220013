package pydeps

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Requirement is one package an app asks for, from any of the files read.
type Requirement struct {
	Name      string   // normalised (see Name); "" when a direct reference names no package
	Raw       string   // the requirement as written (no hashes, credentials masked), for evidence
	Specifier string   // e.g. "==2.3.2", ">=1.4,<2", "^2.3" (Poetry), "" when none
	Pinned    bool     // exactly one == (or ===) version, no wildcard; see the package doc for URLs
	Version   string   // the pinned version when Pinned (or the locked version from a lock file)
	Extras    []string // normalised
	Marker    string   // environment marker text, if any
	URL       bool     // a direct reference: name @ url, a VCS URL, a path or archive
	Editable  bool     // -e
	Group     string   // "" for what a default install gets; else the extra or group ("optional:dev", "dev")
	File      string   // where it was read
	Line      int      // 1-based; 0 when not known

	target string // for a local path: the path as written, to tell "-e ." installs the app itself
}

// parseRequirementLine parses the requirement part of a requirements file
// line, following pip's order: a URL, then a name @ url or name specifier,
// then a local path or archive file.
func parseRequirementLine(line string) (Requirement, error) {
	sep := ";"
	if isURL(line) {
		sep = "; " // URLs may hold ";"; a marker after a URL needs the space
	}
	spec, marker := line, ""
	if i := strings.Index(line, sep); i >= 0 {
		spec, marker = line[:i], trimSpace(line[i+len(sep):])
	}
	spec = trimSpace(spec)
	var r Requirement
	var err error
	switch {
	case spec == "":
		return r, errors.New("no requirement before the marker")
	case isURL(spec):
		r = directRef("", spec)
	case looksLikePEP508URL(spec) || !looksLikeLocal(spec):
		r, err = fromPEP508(spec)
		if err != nil {
			return r, err
		}
	default:
		p, extras, err := splitExtras(spec)
		if err != nil {
			return r, err
		}
		r = localRef(p)
		r.Extras = extras
	}
	if marker != "" {
		r.Marker = marker
	}
	r.Raw = maskCredentials(line)
	return r, nil
}

// parseEditable parses the value of -e: a local project directory (or
// file: URL), or a VCS URL.
func parseEditable(v string) (Requirement, error) {
	v = trimSpace(v)
	if v == "" {
		return Requirement{}, errors.New("empty editable")
	}
	p, extras, err := splitExtras(v)
	if err != nil {
		return Requirement{}, err
	}
	var r Requirement
	switch {
	case isVCS(p) || strings.HasPrefix(strings.ToLower(p), "file:"):
		r = directRef("", p)
	case isURL(p) && !strings.HasPrefix(strings.ToLower(p), "file:"):
		return r, errors.New("an editable must be a local project or a VCS URL (git+https://...)")
	default:
		r = localRef(p)
	}
	r.Extras = extras
	r.Editable = true
	r.Raw = "-e " + maskCredentials(v)
	return r, nil
}

// pep508 is a PEP 508 dependency specification.
type pep508 struct {
	name    string
	extras  []string
	clauses []clause
	url     string
	marker  string
}

type clause struct{ op, ver string }

var specOps = []string{"===", "==", "!=", "<=", ">=", "~=", "<", ">"}

// parsePEP508 parses "name[extras] specifiers ; marker" or
// "name[extras] @ url ; marker". Whitespace is allowed between the parts,
// and specifiers may be wrapped in parentheses (the old style).
func parsePEP508(s string) (pep508, error) {
	var p pep508
	s = trimSpace(s)
	i := 0
	for i < len(s) && (isAlnum(s[i]) || s[i] == '.' || s[i] == '_' || s[i] == '-') {
		i++
	}
	if i == 0 {
		return p, errors.New("expected a package name")
	}
	if !validName(s[:i]) {
		return p, fmt.Errorf("invalid package name %s", snippet(s[:i]))
	}
	p.name = Name(s[:i])
	rest := strings.TrimLeftFunc(s[i:], isSpace)
	if strings.HasPrefix(rest, "[") {
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return p, errors.New("unclosed [ in extras")
		}
		extras, err := parseExtras(rest[1:j])
		if err != nil {
			return p, err
		}
		p.extras = extras
		rest = strings.TrimLeftFunc(rest[j+1:], isSpace)
	}
	if strings.HasPrefix(rest, "@") {
		rest = strings.TrimLeftFunc(rest[1:], isSpace)
		j := strings.IndexFunc(rest, isSpace)
		if j < 0 {
			j = len(rest)
		}
		p.url, rest = rest[:j], strings.TrimLeftFunc(rest[j:], isSpace)
		if p.url == "" {
			return p, errors.New("empty URL after @")
		}
		if rest != "" {
			if rest[0] != ';' {
				return p, errors.New("unexpected text after the URL")
			}
			p.marker = trimSpace(rest[1:])
		}
		return p, nil
	}
	spec := rest
	if j := strings.IndexByte(rest, ';'); j >= 0 {
		spec, p.marker = rest[:j], trimSpace(rest[j+1:])
	}
	spec = trimSpace(spec)
	if strings.HasPrefix(spec, "(") {
		if !strings.HasSuffix(spec, ")") {
			return p, errors.New("unclosed ( in the version specifier")
		}
		spec = trimSpace(spec[1 : len(spec)-1])
	}
	if spec == "" {
		return p, nil
	}
	for _, c := range strings.Split(spec, ",") {
		cl, err := parseClause(trimSpace(c))
		if err != nil {
			return p, err
		}
		p.clauses = append(p.clauses, cl)
	}
	return p, nil
}

func parseExtras(s string) ([]string, error) {
	if trimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	for _, e := range strings.Split(s, ",") {
		e = trimSpace(e)
		if !validName(e) {
			return nil, fmt.Errorf("invalid extra %s", snippet(e))
		}
		out = append(out, Name(e))
	}
	return out, nil
}

// parseClause parses one "op version" clause. Versions must be PEP 440
// (with .* after == and !=), or hold a ${VAR} reference pip expands at
// install time; === takes any text.
func parseClause(c string) (clause, error) {
	if c == "" {
		return clause{}, errors.New("empty version clause")
	}
	for _, op := range specOps {
		if !strings.HasPrefix(c, op) {
			continue
		}
		v := trimSpace(c[len(op):])
		switch {
		case v == "":
			return clause{}, fmt.Errorf("no version after %s", op)
		case strings.IndexFunc(v, isSpace) >= 0:
			return clause{}, fmt.Errorf("invalid version %s", snippet(v))
		case op == "===" || strings.Contains(v, "${"):
			return clause{op, v}, nil
		}
		base := v
		if op == "==" || op == "!=" {
			base = strings.TrimSuffix(v, ".*")
		}
		if _, ok := parseVersion(base); !ok {
			return clause{}, fmt.Errorf("invalid version %s", snippet(v))
		}
		return clause{op, v}, nil
	}
	return clause{}, fmt.Errorf("expected a version operator (==, >=, ~=, ...) in %s", snippet(c))
}

// fromPEP508 builds a Requirement from a PEP 508 string.
func fromPEP508(s string) (Requirement, error) {
	p, err := parsePEP508(s)
	if err != nil {
		return Requirement{}, err
	}
	r := Requirement{Name: p.name, Extras: p.extras, Marker: p.marker, Raw: maskCredentials(trimSpace(s))}
	if p.url != "" {
		ref := directRef(p.name, p.url)
		ref.Extras, ref.Marker, ref.Raw = r.Extras, r.Marker, r.Raw
		return ref, nil
	}
	specs := make([]string, len(p.clauses))
	exact := 0
	for i, c := range p.clauses {
		specs[i] = c.op + c.ver
		if (c.op == "==" || c.op == "===") && !strings.Contains(c.ver, "*") {
			exact++
			r.Version = c.ver
		}
	}
	r.Specifier = strings.Join(specs, ",")
	r.Pinned = exact == 1
	if !r.Pinned || strings.Contains(r.Version, "${") {
		r.Version = "" // unknown until pip expands the variable
	}
	return r, nil
}

var extrasRe = regexp.MustCompile(`^(.+)(\[[^\]]*\])$`)

// splitExtras splits "path[a,b]" into the path and its extras.
func splitExtras(s string) (string, []string, error) {
	m := extrasRe.FindStringSubmatch(s)
	if m == nil {
		return s, nil, nil
	}
	extras, err := parseExtras(m[2][1 : len(m[2])-1])
	return m[1], extras, err
}

func stripExtras(s string) string {
	p, _, _ := splitExtras(s)
	return p
}

var vcsSchemes = []string{"git", "hg", "svn", "bzr"}

// isURL reports whether pip reads s as a URL: a web, file or VCS scheme.
func isURL(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	switch scheme = strings.ToLower(scheme); scheme {
	case "http", "https", "file", "ftp", "git", "svn":
		return true
	}
	return isVCSScheme(scheme)
}

func isVCSScheme(scheme string) bool {
	for _, v := range vcsSchemes {
		if strings.HasPrefix(scheme, v+"+") {
			return true
		}
	}
	return false
}

// isVCS reports whether s is a VCS URL (git+https://..., git://...).
func isVCS(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	scheme = strings.ToLower(scheme)
	return scheme == "git" || scheme == "svn" || isVCSScheme(scheme)
}

// looksLikePath is pip's test: a path separator, or a leading dot.
func looksLikePath(s string) bool {
	return strings.Contains(s, "/") || strings.HasPrefix(s, ".")
}

// looksLikeLocal reports whether a requirement line names a local directory
// or archive. pip asks the file system whether a path-like line is a
// directory; without one, a path is anything path-like holding none of the
// characters of a version specifier or marker.
func looksLikeLocal(s string) bool {
	if isArchive(stripExtras(s)) {
		return true
	}
	return looksLikePath(s) && !strings.ContainsAny(s, "<>=!~;@ \t")
}

// looksLikePEP508URL reports "name @ url" (or "name[x]@url"), which pip
// prefers over reading the text as a path.
func looksLikePEP508URL(s string) bool {
	before, _, ok := strings.Cut(s, "@")
	if !ok {
		return false
	}
	before = trimSpace(before)
	if m := extrasRe.FindStringSubmatch(before); m != nil {
		before = trimSpace(m[1])
	}
	return validName(before)
}

var archiveExts = []string{".whl", ".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma"}

// isArchive reports a file name pip installs as an archive.
func isArchive(s string) bool {
	_, ok := archiveStem(s)
	return ok
}

// archiveStem returns the base name of s without its archive extension.
func archiveStem(s string) (string, bool) {
	base := path.Base(s)
	lower := strings.ToLower(base)
	for _, ext := range archiveExts {
		if strings.HasSuffix(lower, ext) {
			return base[:len(base)-len(ext)], true
		}
	}
	return "", false
}

var (
	hexRef     = regexp.MustCompile(`^[0-9a-fA-F]{7,64}$`)
	releaseRef = regexp.MustCompile(`^[vV]?\d+(\.\d+)+([-._+]?[A-Za-z0-9]+)*$`)
	sdistRe    = regexp.MustCompile(`^(.+?)-(\d[^-]*)$`)
)

// directRef builds the Requirement for a URL; name is the PEP 508 name when
// the URL came as "name @ url".
func directRef(name, u string) Requirement {
	r := Requirement{Name: name, URL: true}
	body, frag, _ := strings.Cut(u, "#")
	params := fragmentParams(frag)
	if name == "" {
		if egg := params["egg"]; egg != "" {
			r.Name = eggName(egg)
		}
	}
	lower := strings.ToLower(body)
	switch {
	case !isURL(body):
		return mergeLocal(r, localRef(body)) // name @ ./path
	case strings.HasPrefix(lower, "file:"):
		p := strings.TrimPrefix(body[len("file:"):], "//")
		r = mergeLocal(r, localRef(p))
		return r
	case isVCS(body):
		repo, ref := vcsParts(body)
		scheme, _, _ := strings.Cut(lower, ":")
		r.Pinned = hexRef.MatchString(ref) || releaseRef.MatchString(ref) ||
			strings.HasPrefix(scheme, "svn") && allDigits(ref)
		if r.Name == "" {
			r.Name = Name(strings.TrimSuffix(path.Base(repo), ".git"))
		}
		return r
	}
	// An archive on a web server.
	for k := range params {
		switch k {
		case "sha1", "sha224", "sha256", "sha384", "sha512", "md5":
			r.Pinned = true
		}
	}
	stem, isArch := archiveStem(urlPath(body))
	n, v := fileNameVersion(urlPath(body))
	if r.Name == "" {
		r.Name = n
	}
	if v != "" {
		r.Version, r.Pinned = v, true
	} else if isArch && (hexRef.MatchString(stem) || releaseRef.MatchString(stem)) {
		r.Pinned = true
	}
	if r.Name == "" {
		// A GitHub-style archive: .../OWNER/REPO/archive/REF.zip.
		segs := strings.Split(urlPath(body), "/")
		for i := len(segs) - 1; i > 0; i-- {
			if segs[i] == "archive" && validName(segs[i-1]) {
				r.Name = Name(segs[i-1])
				break
			}
		}
	}
	return r
}

// localRef is a path inside the app: it ships with the app, so it is pinned.
func localRef(p string) Requirement {
	r := Requirement{URL: true, Pinned: true, target: p}
	r.Name, r.Version = fileNameVersion(p)
	return r
}

func mergeLocal(r, local Requirement) Requirement {
	if r.Name != "" {
		local.Name = r.Name
	}
	return local
}

// fileNameVersion reads the name and version from a wheel or sdist file name
// (Flask_WTF-1.2.1-py3-none-any.whl, Flask-WTF-1.2.1.tar.gz).
func fileNameVersion(p string) (string, string) {
	stem, ok := archiveStem(p)
	if !ok {
		return "", ""
	}
	if strings.HasSuffix(strings.ToLower(p), ".whl") {
		parts := strings.Split(stem, "-")
		if len(parts) >= 5 && validName(parts[0]) {
			if _, ok := parseVersion(parts[1]); ok {
				return Name(parts[0]), parts[1]
			}
		}
		return "", ""
	}
	if m := sdistRe.FindStringSubmatch(stem); m != nil && validName(m[1]) {
		if _, ok := parseVersion(m[2]); ok {
			return Name(m[1]), m[2]
		}
	}
	return "", ""
}

// vcsParts splits a VCS URL (no fragment) into the repository and the @ref
// that follows its path, if any.
func vcsParts(u string) (string, string) {
	rest := u
	if _, after, ok := strings.Cut(u, "://"); ok {
		rest = after
	} else if _, after, ok := strings.Cut(u, ":"); ok {
		rest = after
	}
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return rest, ""
	}
	p := rest[slash:]
	if at := strings.LastIndexByte(p, '@'); at >= 0 {
		return rest[:slash] + p[:at], p[at+1:]
	}
	return rest, ""
}

// urlPath is the path of a web URL, without query.
func urlPath(u string) string {
	rest := u
	if _, after, ok := strings.Cut(u, "://"); ok {
		rest = after
	}
	rest, _, _ = strings.Cut(rest, "?")
	if slash := strings.IndexByte(rest, '/'); slash >= 0 {
		return rest[slash:]
	}
	return ""
}

func fragmentParams(frag string) map[string]string {
	out := map[string]string{}
	for _, kv := range strings.Split(frag, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k != "" {
			out[strings.ToLower(k)] = v
		}
	}
	return out
}

// eggName reads the project name from an #egg= fragment, which may carry
// extras or, in old files, a -version suffix.
func eggName(egg string) string {
	egg, _, _ = strings.Cut(egg, "[")
	if m := sdistRe.FindStringSubmatch(egg); m != nil && validName(m[1]) {
		egg = m[1]
	}
	if !validName(egg) {
		return ""
	}
	return Name(egg)
}

// maskCredentials replaces the user-info of every scheme://user:secret@host
// in s with "***", keeping "git@" (an SSH user name, not a secret) and
// ${VAR} references (resolved at install time, not secrets themselves).
func maskCredentials(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+3])
		s = s[i+3:]
		end := strings.IndexAny(s, "/?# \t")
		if end < 0 {
			end = len(s)
		}
		at := strings.LastIndexByte(s[:end], '@')
		if at < 0 {
			continue
		}
		if user := s[:at]; user == "git" || onlyVarRefs(user) {
			b.WriteString(user)
		} else {
			b.WriteString("***")
		}
		b.WriteByte('@')
		s = s[at+1:]
	}
}

var varRefs = regexp.MustCompile(`^(\$\{[A-Z0-9_]+\}|:)+$`)

func onlyVarRefs(s string) bool { return varRefs.MatchString(s) }

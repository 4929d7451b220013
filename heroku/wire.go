package heroku

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"time"
)

// The API's bodies are decoded into these wire types, not heroku-go's: they
// hold only the fields the audit reads, and they accept every shape
// Heroku's own clients accept (generation as "cedar" or {"id","name"}, ids
// as strings or numbers, a release version as a number or a string, null
// wherever the schema says string). A list is decoded item by item, so one
// odd item costs only itself (see decodeItems).

// flexString is a JSON string, number or null (""). Ids come in all three.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case isNull(b):
		return nil
	case b[0] == '"':
		v, err := jsonString(b)
		*s = flexString(v)
		return err
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9':
		*s = flexString(b)
		return nil
	}
	return typeError(b, s)
}

func (*flexString) jsonExpected() string { return "a string or a number" }

// flexInt is a JSON integer, a string holding one, or null (0). A release
// version comes as 40 or "40".
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return typeError(b, n)
	}
	*n = flexInt(v)
	return nil
}

func (*flexInt) jsonExpected() string { return "an integer (or a string holding one)" }

// jsonString decodes a JSON string literal.
func jsonString(b []byte) (string, error) {
	var v string
	err := json.Unmarshal(b, &v)
	return v, err
}

// flexName is a reference to a named resource: {"id": ..., "name": ...}, a
// bare name string ("generation": "cedar"), or null. Only the name is kept.
type flexName string

func (n *flexName) UnmarshalJSON(b []byte) error {
	switch {
	case isNull(b):
		return nil
	case b[0] == '"':
		v, err := jsonString(b)
		*n = flexName(v)
		return err
	case b[0] == '{':
		var v struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*n = flexName(v.Name)
		return nil
	}
	return typeError(b, n)
}

func (*flexName) jsonExpected() string { return "a string or an object" }

// flexTime is an RFC 3339 timestamp or null (the zero time).
type flexTime struct{ time.Time }

func (t *flexTime) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	var s string
	if b[0] != '"' || json.Unmarshal(b, &s) != nil {
		return typeError(b, t)
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return typeError(b, t)
	}
	t.Time = v
	return nil
}

func (*flexTime) jsonExpected() string { return "an RFC 3339 timestamp" }

func isNull(b []byte) bool { return string(b) == "null" }

// typeError is what a flexible type answers for a value it cannot take: the
// decoder adds the field's path to it. It names the JSON kind, never the
// value.
func typeError(b []byte, target any) error {
	return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeOf(target).Elem()}
}

func jsonKind(b []byte) string {
	switch b = bytes.TrimSpace(b); {
	case len(b) == 0:
		return "nothing"
	case b[0] == '"':
		return "string"
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "array"
	case b[0] == 't' || b[0] == 'f':
		return "bool"
	case b[0] == 'n':
		return "null"
	}
	return "number"
}

// wireApp is an app record: GET /apps/{app}, and the items of GET /apps and
// GET /teams/{team}/apps (team-app records: no acm, no generation).
type wireApp struct {
	ID                   flexString `json:"id"`
	Name                 string     `json:"name"`
	Stack                flexName   `json:"stack"`
	BuildStack           flexName   `json:"build_stack"`
	Region               flexName   `json:"region"`
	Generation           flexName   `json:"generation"`
	ACM                  bool       `json:"acm"`
	Maintenance          bool       `json:"maintenance"`
	Team                 flexName   `json:"team"`
	Organization         flexName   `json:"organization"`
	Space                flexName   `json:"space"`
	WebURL               string     `json:"web_url"`
	BuildpackDescription string     `json:"buildpack_provided_description"`
}

type wireFormation struct {
	Type     string   `json:"type"`
	Command  string   `json:"command"`
	Quantity flexInt  `json:"quantity"`
	Size     string   `json:"size"`
	DynoSize flexName `json:"dyno_size"`
}

type wireDyno struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	State string `json:"state"`
	Size  string `json:"size"`
}

type wireAddon struct {
	Name         string   `json:"name"`
	AddonService flexName `json:"addon_service"`
	Plan         flexName `json:"plan"`
	State        string   `json:"state"`
	ConfigVars   []string `json:"config_vars"`
	App          struct {
		ID   flexString `json:"id"`
		Name string     `json:"name"`
	} `json:"app"`
}

type wireBuildpack struct {
	Ordinal   flexInt `json:"ordinal"`
	Buildpack struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"buildpack"`
}

type wireDomain struct {
	Hostname        string   `json:"hostname"`
	Kind            string   `json:"kind"`
	ACMStatus       string   `json:"acm_status"`
	ACMStatusReason string   `json:"acm_status_reason"`
	SNIEndpoint     flexName `json:"sni_endpoint"`
}

type wireSNIEndpoint struct {
	Name    string `json:"name"`
	SSLCert struct {
		ACM       bool     `json:"acm"`
		ExpiresAt flexTime `json:"expires_at"`
	} `json:"ssl_cert"`
	Domains []string `json:"domains"`
}

type wireFeature struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
}

type wireRelease struct {
	ID      flexString `json:"id"`
	Version flexInt    `json:"version"`
	Status  string     `json:"status"`
	Current bool       `json:"current"`
	Slug    *struct {
		ID flexString `json:"id"`
	} `json:"slug"`
	Artifacts []struct {
		Type string `json:"type"`
	} `json:"artifacts"`
}

type wireSlug struct {
	ID                   flexString        `json:"id"`
	ProcessTypes         map[string]string `json:"process_types"`
	Stack                flexName          `json:"stack"`
	Size                 *flexInt          `json:"size"`
	BuildpackDescription string            `json:"buildpack_provided_description"`
	Blob                 struct {
		Method string `json:"method"`
		URL    string `json:"url"`
	} `json:"blob"`
}

type wirePipeline struct {
	ID flexString `json:"id"`
}

type wireCoupling struct {
	App struct {
		ID flexString `json:"id"`
	} `json:"app"`
	Stage string `json:"stage"`
}

// decodeError says why a body, or one item of a list, could not be read:
// the JSON field path and the type expected there. It never holds a value.
type decodeError struct {
	Field    string // "generation", "release.version"; "" for the whole body or item
	Expected string // "a string or an object"; "" when the JSON itself is broken
	Offset   int64  // where broken JSON broke, when known
}

func (e *decodeError) Error() string {
	switch {
	case e.Expected == "" && e.Offset > 0:
		return fmt.Sprintf("not valid JSON (at byte %d)", e.Offset)
	case e.Expected == "":
		return "not valid JSON"
	case e.Field == "":
		return "expected " + e.Expected
	}
	// Paths are made of our own field names; cleaned all the same.
	return fmt.Sprintf("field %q: expected %s", cleanText(e.Field, "", maxField), e.Expected)
}

// maxField bounds a field path in a message.
const maxField = 120

// describe turns a json error into a decodeError (nil stays nil).
func describe(err error) *decodeError {
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return &decodeError{Field: te.Field, Expected: expectedOf(te.Type)}
	case errors.As(err, &se):
		return &decodeError{Offset: se.Offset}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &decodeError{}
	}
	return &decodeError{}
}

// expectedOf names, for people, the JSON a Go type takes.
func expectedOf(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	if e, ok := reflect.New(t).Interface().(interface{ jsonExpected() string }); ok {
		return e.jsonExpected()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return expectedOf(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "another type"
}

// decodeObject decodes one body into v.
func decodeObject(body []byte, v any) *decodeError {
	return describe(json.Unmarshal(body, v))
}

// skippedItem is one item of a list that could not be read.
type skippedItem struct {
	Index int    // in the page
	Label string // its name, hostname or id when readable, cleaned; else ""
	Err   *decodeError
}

// decodeItems decodes a list body item by item. An item that cannot be
// read is left out and reported in skipped; only a body that is not a JSON
// array at all (or null, read as empty) fails. one accepts a lone object
// as a list of one (an endpoint Heroku answers both ways).
func decodeItems[T any](body []byte, one bool, token string) ([]T, []skippedItem, *decodeError) {
	b := bytes.TrimSpace(body)
	if one && len(b) > 0 && b[0] == '{' {
		b = append(append([]byte{'['}, b...), ']')
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return nil, nil, describe(err)
	}
	items := make([]T, 0, len(raws))
	var skipped []skippedItem
	for i, raw := range raws {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			skipped = append(skipped, skippedItem{Index: i, Label: itemLabel(raw, token), Err: describe(err)})
			continue
		}
		items = append(items, v)
	}
	return items, skipped, nil
}

// maxLabel bounds an item's name in a notice.
const maxLabel = 60

// itemLabel names a list item that could not be decoded by what identifies
// it, when that much can be read: name, hostname, id or (formation) type.
func itemLabel(raw json.RawMessage, token string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	for _, k := range []string{"name", "hostname", "id", "type"} {
		var s flexString
		if v, ok := m[k]; ok && json.Unmarshal(v, &s) == nil && s != "" {
			return cleanText(string(s), token, maxLabel)
		}
	}
	return ""
}

// decodeConfigVars reads a config-vars body: names to string values, null
// for unset. A value of any other type is left out and its name returned.
func decodeConfigVars(body []byte) (map[string]string, []string, *decodeError) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, nil, describe(err)
	}
	out := make(map[string]string, len(raw))
	var odd []string
	for k, v := range raw {
		if isNull(bytes.TrimSpace(v)) {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			odd = append(odd, k)
			continue
		}
		out[k] = s
	}
	return out, odd, nil
}

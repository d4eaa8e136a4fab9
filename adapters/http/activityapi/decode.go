package activityapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/domain/shared"
)

// Fields are the flat string fields of a WeChat-side request body.
type Fields map[string]string

// readFields reads a WeChat-side body: a JSON object of strings, numbers
// or booleans (read as their text; null is refused), or a form (application/x-www-form-urlencoded). As the
// seed's own samples do, a JSON body may quote with single quotes or with
// typographic quotes; such a body is read only when it is not valid JSON as
// it stands. allowed names the fields the route takes; others are refused.
func readFields(r *http.Request, allowed ...string) (Fields, error) {
	body, err := httpkit.ReadBody(r)
	if err != nil {
		return nil, err
	}
	f, err := parseFields(r.Header.Get("Content-Type"), body)
	if err != nil {
		return nil, err
	}
	for k := range f {
		if k != "access_token" && k != "access_type" && !slices.Contains(allowed, k) {
			return nil, shared.Invalid(k, "unknown field %q", k)
		}
	}
	// Text no database stores is named here by its wire name (member_icon),
	// not later by the decoded request's (icon).
	if err := httpkit.CheckText(map[string]string(f)); err != nil {
		return nil, err
	}
	return f, nil
}

func parseFields(contentType string, body []byte) (Fields, error) {
	f := Fields{}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return f, nil
	}
	ct, _, _ := mime.ParseMediaType(contentType)
	if ct == "application/x-www-form-urlencoded" || (ct != "application/json" && trimmed[0] != '{') {
		vals, err := url.ParseQuery(string(trimmed))
		if err != nil {
			return nil, shared.Invalid("body", "malformed form body: %v", err)
		}
		for k, v := range vals {
			if len(v) > 1 {
				return nil, shared.Invalid(k, "%s is given %d times; give it once", k, len(v))
			}
			f[k] = v[0]
		}
		return f, nil
	}
	return f, decodeLooseJSON(trimmed, f)
}

// errBody replays a body read error to the decoder.
type errBody struct{ err error }

func (e errBody) Read([]byte) (int, error) { return 0, e.err }

func decodeLooseJSON(body []byte, f Fields) error {
	raw := map[string]any{}
	err := strictObject(body, &raw)
	if err != nil {
		if fixed, ok := normaliseQuotes(body); ok && strictObject(fixed, &raw) == nil {
			err = nil
		}
	}
	if err != nil {
		return err
	}
	for k, v := range raw {
		switch x := v.(type) {
		case string:
			f[k] = x
		case json.Number:
			f[k] = x.String()
		case bool:
			f[k] = map[bool]string{true: "true", false: "false"}[x]
		case nil:
			return shared.Invalid(k, "%s must not be null: give a value or leave the field out", k)
		default:
			return shared.Invalid(k, "%s must be a string or a number", k)
		}
	}
	return nil
}

func strictObject(body []byte, dst *map[string]any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return shared.Invalid("body", "request body must be a JSON object, not %s", typ.Value)
		}
		return shared.Invalid("body", "malformed JSON: %v", err)
	}
	if dec.More() {
		return shared.Invalid("body", "request body holds more than one JSON value")
	}
	if *dst == nil {
		return shared.Invalid("body", "request body must be a JSON object, not null")
	}
	return nil
}

// normaliseQuotes rewrites a body quoted with ' or with “ ” into JSON: it
// turns typographic quotes into ", and single-quoted strings into
// double-quoted ones. It reports false when there was nothing to rewrite.
func normaliseQuotes(body []byte) ([]byte, bool) {
	s := strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'").Replace(string(body))
	var out strings.Builder
	var quote rune
	escaped := false
	for _, c := range s {
		switch {
		case escaped:
			escaped = false
			out.WriteRune(c)
		case quote != 0 && c == '\\':
			escaped = true
			out.WriteRune(c)
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
			out.WriteRune('"')
		case quote != 0 && c == quote:
			quote = 0
			out.WriteRune('"')
		case quote == '\'' && c == '"':
			out.WriteString(`\"`)
		default:
			out.WriteRune(c)
		}
	}
	fixed := out.String()
	return []byte(fixed), fixed != string(body)
}

// field reads one field with a length limit on the text as sent, and
// returns it trimmed of surrounding spaces.
func (f Fields) field(name string, max int) (string, error) {
	if err := httpkit.MaxLen(name, f[name], max); err != nil {
		return "", err
	}
	return strings.TrimSpace(f[name]), nil
}

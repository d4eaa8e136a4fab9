package httpkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/shared"
)

func asError(err error, target **shared.Error) bool { return errors.As(err, target) }

// DecodeJSON reads the request body into dst strictly: one JSON object, no
// unknown fields, types as declared. Every failure is a domain error that
// names the problem (and the field when there is one); an empty body is one.
func DecodeJSON(r *http.Request, dst any) error {
	return decodeJSON(r, dst, shared.Invalid("body", "request body is empty; send a JSON object"))
}

// DecodeOptionalJSON is DecodeJSON for a body the client may leave out: an
// empty body leaves dst as it is.
func DecodeOptionalJSON(r *http.Request, dst any) error {
	return decodeJSON(r, dst, nil)
}

// decodeJSON is DecodeJSON answering an empty body with whenEmpty.
func decodeJSON(r *http.Request, dst any, whenEmpty error) error {
	body, err := ReadBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return whenEmpty
	}
	if bytes.Contains(body, []byte(`\u0000`)) {
		return nulError(body)
	}
	if err := refuseNull(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return shared.Invalid("body", "request body holds more than one JSON value")
	}
	return nil
}

// ReadBody reads the whole request body. A body over the server's limit
// (http.MaxBytesReader) is ErrBodyTooLarge naming the limit; any other read
// failure is a domain error on the field "body".
func ReadBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if tooBig, ok := BodyTooLarge(err); ok {
			return nil, tooBig
		}
		return nil, shared.Invalid("body", "could not read request body")
	}
	return body, nil
}

// BodyTooLarge reports whether err comes from reading a body over the
// server's limit (http.MaxBytesReader), and returns it as ErrBodyTooLarge
// naming the limit. Every reader of a body (JSON, fields, forms) maps the
// limit through it.
func BodyTooLarge(err error) (*shared.Error, bool) {
	var tooBig *http.MaxBytesError
	if !errors.As(err, &tooBig) {
		return nil, false
	}
	return ErrBodyTooLarge.WithMessage("request body is larger than %d bytes", tooBig.Limit), true
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var own *shared.Error
	switch {
	case errors.As(err, &own):
		// A field's own decoder (e.g. a list of ids) said what is wrong.
		return own
	case errors.As(err, &syn):
		return shared.Invalid("body", "malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return shared.Invalid("body", "malformed JSON: unexpected end of input")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return shared.Invalid("body", "request body must be a JSON object, not %s", typ.Value)
		}
		return shared.Invalid(typ.Field, "%s must be %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return shared.Invalid(name, "unknown field %q", name)
	default:
		return shared.Invalid("body", "malformed JSON: %v", err)
	}
}

func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"):
		return "a whole number"
	case strings.HasPrefix(k, "float"):
		return "a number"
	case k == "string":
		return "a string"
	case k == "bool":
		return "true or false"
	case k == "slice":
		return "an array"
	default:
		return "a " + k
	}
}

// MaxLen checks a string field's length in characters.
func MaxLen(field, v string, max int) error {
	if n := len([]rune(v)); n > max {
		return shared.Invalid(field, "%s is too long (%d characters, at most %d)", field, n, max)
	}
	return nil
}

// Required checks that a string field is present and not blank.
func Required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return shared.Invalid(field, "%s is required", field)
	}
	return nil
}

// ParseID reads a positive integer id from a path or query value.
func ParseID(field, v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, shared.Invalid(field, "%s must be a positive integer, got %q", field, v)
	}
	return id, nil
}

// PathID reads the positive integer id in the route's path parameter name.
func PathID(r *http.Request, name string) (int64, error) {
	return ParseID(name, chi.URLParam(r, name))
}

// PathText reads the text path parameter name as the client meant it. When
// the request's path holds escapes Go would not write itself (%2B for +),
// chi matches on the escaped path and its parameters are still escaped:
// they are unescaped here, and only then.
func PathText(r *http.Request, name string) (string, error) {
	v := chi.URLParam(r, name)
	if r.URL.RawPath == "" {
		return v, nil
	}
	u, err := url.PathUnescape(v)
	if err != nil {
		return "", shared.Invalid(name, "%s is not a valid escaped path segment", name)
	}
	return u, nil
}

// OptionalPathID is PathID for a parameter only some of the routes sharing
// a decoder have: 0 when the route has none.
func OptionalPathID(r *http.Request, name string) (int64, error) {
	if chi.URLParam(r, name) == "" {
		return 0, nil
	}
	return PathID(r, name)
}

// QueryValue returns a query parameter's value, "" when it is left out. A
// parameter given but empty (page_no=) is refused rather than read as left
// out, so that a client's blank form field is not silently a default.
func QueryValue(q url.Values, name string) (string, error) {
	vs, ok := q[name]
	if !ok {
		return "", nil
	}
	if strings.TrimSpace(vs[0]) == "" {
		return "", shared.Invalid(name, "%s is empty: give a value or leave the parameter out", name)
	}
	return vs[0], nil
}

// Pagination bounds.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// ParsePage reads page_no (default 1) and page_size (default 20, at most
// MaxPageSize) from the query.
func ParsePage(r *http.Request) (kit.Page, error) {
	p := kit.Page{No: 1, Size: DefaultPageSize}
	q := r.URL.Query()
	for _, name := range []string{"page_no", "page_size"} {
		if _, err := QueryValue(q, name); err != nil {
			return p, err
		}
	}
	if v := q.Get("page_no"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, shared.Invalid("page_no", "page_no must be a whole number from 1, got %q", v)
		}
		p.No = n
	}
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			return p, shared.Invalid("page_size", "page_size must be a whole number from 1 to %d, got %q", MaxPageSize, v)
		}
		p.Size = n
	}
	return p, nil
}

// PageOf is the seed's pagination envelope.
type PageOf[T any] struct {
	Total       int64 `json:"total"`
	Pages       int64 `json:"pages"`
	CurrentPage int   `json:"current_page"`
	PageSize    int   `json:"page_size"`
	Data        []T   `json:"data"`
}

// NewPage builds the pagination envelope; Data is never null.
func NewPage[T any](p kit.Page, total int64, items []T) PageOf[T] {
	if items == nil {
		items = []T{}
	}
	pages := (total + int64(p.Size) - 1) / int64(p.Size)
	return PageOf[T]{Total: total, Pages: pages, CurrentPage: p.No, PageSize: p.Size, Data: items}
}

// RenderPage builds the pagination envelope of items rendered one by one.
func RenderPage[S, D any](p kit.Page, total int64, items []S, render func(S) D) PageOf[D] {
	return NewPage(p, total, renderAll(items, render))
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// The status is on its way: an encoding error can only mean the client
	// has gone, and there is nobody left to tell.
	_ = json.NewEncoder(w).Encode(v)
}

// refuseNull refuses a JSON null anywhere in body, naming the top-level
// field it is under: no field of a request is nullable, and decoding null
// would silently read it as the field's default. Leave a field out instead.
// A body that is not well-formed JSON is left to the decoder to report.
func refuseNull(body []byte) error {
	if !bytes.Contains(body, []byte("null")) {
		return nil
	}
	type level struct{ object, wantKey bool }
	var stack []level
	field := ""
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			if stack[n-1].wantKey {
				stack[n-1].wantKey = false
				if n == 1 {
					field, _ = tok.(string)
				}
				continue
			}
			stack[n-1].wantKey = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, level{object: true, wantKey: true})
		case json.Delim('['):
			stack = append(stack, level{})
		case nil:
			if field == "" {
				return shared.Invalid("body", "request body must be a JSON object, not null")
			}
			return shared.Invalid(field, "%s must not be null: give a value or leave the field out", field)
		}
	}
}

// nulError names the field whose text holds a NUL character: no database
// the service supports stores one in a text column.
func nulError(body []byte) error {
	var fields map[string]any
	if json.Unmarshal(body, &fields) == nil {
		for name, v := range fields {
			if str, ok := v.(string); ok && strings.ContainsRune(str, 0) {
				return shared.Invalid(name, "%s must not contain NUL characters", name)
			}
		}
	}
	return shared.Invalid("body", "text must not contain NUL characters")
}

package wxapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/domain/shared"
)

// readBody reads the whole body; an empty one is ErrEmptyBody.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if tooBig, ok := httpkit.BodyTooLarge(err); ok {
			return nil, tooBig
		}
		return nil, ErrFormat.WithMessage("could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, ErrEmptyBody.WithMessage("request body is empty; send a JSON object")
	}
	return body, nil
}

// decodeJSON decodes body strictly (httpkit.DecodeJSON) into dst; every
// failure is a format error (11001) naming the field when there is one.
func decodeJSON(r *http.Request, body []byte, dst any) error {
	clone := r.Clone(r.Context())
	clone.Body = io.NopCloser(bytes.NewReader(body))
	return asFormat(httpkit.DecodeJSON(clone, dst))
}

// asFormat turns a decoding error into ErrFormat, keeping its field and
// message; the body-size error keeps its own code.
func asFormat(err error) error {
	e, ok := httpkit.AsError(err)
	if !ok || e.Code == httpkit.ErrBodyTooLarge.Code {
		return err
	}
	f := ErrFormat.WithMessage("%s", e.Message)
	f.Field = e.Field
	return f
}

// isJSON reports whether the request says it carries JSON.
func isJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/json"
}

// formValues parses the query and a form body together.
func formValues(r *http.Request) (map[string][]string, error) {
	if err := r.ParseForm(); err != nil {
		if tooBig, ok := httpkit.BodyTooLarge(err); ok {
			return nil, tooBig
		}
		return nil, ErrFormat.WithMessage("the form or query string does not parse: %v", err)
	}
	// Text no database stores is named here by its form key (project), not
	// later by the decoded request's field (name). A key's first value is
	// the one read; token is the credential, which authentication reads
	// (and the Authorization header, when given, overrides).
	first := make(map[string]string, len(r.Form))
	for k, vs := range r.Form {
		if len(vs) > 0 && k != "token" {
			first[k] = vs[0]
		}
	}
	if err := httpkit.CheckText(first); err != nil {
		return nil, err
	}
	return r.Form, nil
}

func parseID(form map[string][]string, name string, required bool) (int64, error) {
	vs := form[name]
	if len(vs) == 0 {
		if !required {
			return 0, nil
		}
		return 0, shared.Invalid(name, "%s is required", name)
	}
	if strings.TrimSpace(vs[0]) == "" {
		if !required {
			return 0, shared.Invalid(name, "%s is empty: give an id or leave the parameter out", name)
		}
		return 0, shared.Invalid(name, "%s is required", name)
	}
	id, err := strconv.ParseInt(strings.TrimSpace(vs[0]), 10, 64)
	if err != nil {
		return 0, ErrFormat.WithMessage("%s must be a whole number, got %q", name, vs[0])
	}
	if id <= 0 {
		return 0, shared.Invalid(name, "%s must be positive, got %d", name, id)
	}
	return id, nil
}

// lenientJSON decodes a JSON body into dst with the standard library only,
// for receivers that must tolerate fields added later.
func lenientJSON(body []byte, dst any) error {
	if err := json.Unmarshal(body, dst); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			f := ErrFormat.WithMessage("%s must be %s, not %s", typ.Field, typ.Type.Kind(), typ.Value)
			f.Field = typ.Field
			return f
		}
		return ErrFormat.WithMessage("malformed JSON: %v", err)
	}
	return nil
}

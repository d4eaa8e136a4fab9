package httpkit

import (
	"net/http"
	"strings"

	"github.com/campushub/campushub/domain/shared"
)

// Family is one API family (app, wx, activity): it owns path prefixes and
// writes every error in its own envelope.
type Family interface {
	// Prefixes lists the path prefixes the family owns, e.g. "/api/".
	Prefixes() []string
	// WriteError answers err in the family's envelope with the mapped status.
	WriteError(w http.ResponseWriter, r *http.Request, err error)
}

// Errors raised by the router itself; families map them to their codes.
var (
	ErrRouteNotFound    = shared.NewError(shared.KindNotFound, "route_not_found", "path not found")
	ErrMethodNotAllowed = shared.NewError(shared.KindInvalid, "method_not_allowed", "method not supported")
	ErrBodyTooLarge     = shared.NewError(shared.KindInvalid, "body_too_large", "request body is too large")
	ErrInternal         = shared.NewError(shared.KindInternal, "internal", "internal error")
)

// Families picks the family owning a path: the longest matching prefix, or
// the first family when none matches.
type Families []Family

// For returns the family that owns path.
func (fs Families) For(path string) Family {
	var best Family
	bestLen := -1
	for _, f := range fs {
		for _, p := range f.Prefixes() {
			if strings.HasPrefix(path, p) && len(p) > bestLen {
				best, bestLen = f, len(p)
			}
		}
	}
	if best == nil && len(fs) > 0 {
		return fs[0]
	}
	return best
}

// NotFound answers an unknown route in the owning family's envelope.
func (fs Families) NotFound(w http.ResponseWriter, r *http.Request) {
	fs.For(r.URL.Path).WriteError(w, r, ErrRouteNotFound.WithMessage("path %s does not exist", r.URL.Path))
}

// MethodNotAllowed answers a known route called with the wrong method; the
// message names the methods the route serves when the Allow header is set.
func (fs Families) MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	err := ErrMethodNotAllowed.WithMessage("method %s is not supported on %s", r.Method, r.URL.Path)
	if allow := w.Header().Get("Allow"); allow != "" {
		err = ErrMethodNotAllowed.WithMessage("method %s is not supported on %s; use %s", r.Method, r.URL.Path, allow)
	}
	fs.For(r.URL.Path).WriteError(w, r, err)
}

// statusByKind is the HTTP status of each domain error kind; a kind not
// listed (internal, or none at all) is 500.
var statusByKind = map[shared.Kind]int{
	shared.KindInvalid:         http.StatusBadRequest,
	shared.KindNotFound:        http.StatusNotFound,
	shared.KindUnauthenticated: http.StatusUnauthorized,
	shared.KindForbidden:       http.StatusForbidden,
	shared.KindConflict:        http.StatusConflict,
	shared.KindRateLimited:     http.StatusTooManyRequests,
	shared.KindLocked:          http.StatusLocked,
	shared.KindUnavailable:     http.StatusServiceUnavailable,
}

// StatusOf is the HTTP status for a domain error kind.
func StatusOf(err error) int {
	if st, ok := statusByKind[shared.KindOf(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// Status maps router errors precisely (405, 413) and domain errors by kind.
func Status(err error) int {
	switch {
	case isCode(err, ErrMethodNotAllowed.Code):
		return http.StatusMethodNotAllowed
	case isCode(err, ErrBodyTooLarge.Code):
		return http.StatusRequestEntityTooLarge
	}
	return StatusOf(err)
}

func isCode(err error, code string) bool {
	e, ok := AsError(err)
	return ok && e.Code == code
}

// AsError returns the domain error inside err.
func AsError(err error) (*shared.Error, bool) {
	var e *shared.Error
	if err == nil {
		return nil, false
	}
	if ok := asError(err, &e); ok {
		return e, true
	}
	return nil, false
}

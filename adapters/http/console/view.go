package console

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
)

// view is what every template gets: the language, who is signed in, the
// page's data, and a form's values and errors when one is shown again.
type view struct {
	Lang      string
	Path      string
	Who       string
	Kind      string // "manager", "org" or "" when signed out
	Flash     string
	Data      any
	Form      url.Values
	Errors    map[string]string // by form field; "" for the form as a whole
	RequestID string
}

// T translates a message key; args fill its verbs.
func (v *view) T(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m.in(v.Lang)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Err is the error shown next to a field.
func (v *view) Err(field string) string { return v.Errors[field] }

// Val is a field's value as the visitor typed it.
func (v *view) Val(field string) string { return v.Form.Get(field) }

// Active marks the navigation entry of the current section.
func (v *view) Active(prefix string) bool { return strings.HasPrefix(v.Path, Prefix+prefix) }

func (h *Handler) newView(r *http.Request) *view {
	lang := h.lang(r)
	return &view{Lang: lang, Path: r.URL.Path, Form: url.Values{}, Errors: map[string]string{},
		RequestID: httpkit.RequestID(r.Context())}
}

func parseTemplates(clock httpkit.Clock) (*template.Template, error) {
	funcs := template.FuncMap{
		"time":             clock.Format,
		"feedbackStatuses": func() []int { return []int{0, 1, 2} },
		"deliveryStatuses": func() []string { return []string{"pending", "held", "succeeded", "failed"} },
		"activityKinds":    func() []string { return []string{"signin", "message", "lottery"} },
		"has":              func(f url.Values, key, val string) bool { return slices.Contains(f[key], val) },
		"meetingStatus":    func(v *view, m activity.Meeting) meetingStatus { return meetingStatus{V: v, Meeting: m} },
	}
	t := template.New("console").Funcs(funcs)
	sub, err := fs.Sub(assets, "assets/templates")
	if err != nil {
		return nil, err
	}
	return t.ParseFS(sub, "*.html")
}

// render writes a whole page; the template runs into a buffer first so a
// failure never leaves half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	var buf bytes.Buffer
	if err := h.tmpl.ExecuteTemplate(&buf, name, v); err != nil {
		h.cfg.Log.ErrorContext(r.Context(), "console: rendering a page failed", "page", name, "error", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// parseForm reads a posted form; a body over the limit or a broken one is
// answered here.
func (h *Handler) parseForm(w http.ResponseWriter, r *http.Request, v *view) bool {
	if err := r.ParseForm(); err != nil {
		if _, tooLarge := httpkit.BodyTooLarge(err); tooLarge {
			h.fail(w, r, v, httpkit.ErrBodyTooLarge)
		} else {
			h.fail(w, r, v, shared.Invalid("", "the form could not be read: %v", err))
		}
		return false
	}
	v.Form = url.Values(maps.Clone(r.PostForm)) // the page may drop a secret from what it shows back
	return true
}

// formError shows the form page name again with the error next to its
// field (or next to fallback when the form has no such field).
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, v *view, name string, err error, fallback string) {
	h.formFail(w, r, v, err, fallback, func(status int) { h.render(w, r, status, name, v) })
}

// formFail shows the page of a failed form again through again: a
// domain error goes next to its field with its kind's status; anything
// else (a database that is down) gets the error page.
func (h *Handler) formFail(w http.ResponseWriter, r *http.Request, v *view, err error, fallback string, again func(status int)) {
	if !userError(err) {
		h.fail(w, r, v, err)
		return
	}
	e, _ := httpkit.AsError(err)
	field := e.Field
	if field == "" || !v.Form.Has(field) {
		field = fallback
	}
	v.Errors[field] = v.message(err)
	again(httpkit.StatusOf(err))
}

// act answers a button that acts on the thing the path's {id} names (close
// it, delete it): do acts, and on success the browser is sent to the page
// next names; a bad id or a failed action gets the error page.
func (h *Handler) act(w http.ResponseWriter, r *http.Request, v *view, do func(ctx context.Context, id int64) error, next func(id int64) string) {
	id, err := pathID(r, "id")
	if err == nil {
		err = do(r.Context(), id)
	}
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.redirect(w, r, next(id))
}

// editFail is formFail for a form that changes one stored thing: when
// that thing is missing or not the caller's, the error page answers
// instead of the form.
func (h *Handler) editFail(w http.ResponseWriter, r *http.Request, v *view, err error, fallback string, again func(status int)) {
	if k := shared.KindOf(err); k == shared.KindNotFound || k == shared.KindForbidden {
		h.fail(w, r, v, err)
		return
	}
	h.formFail(w, r, v, err, fallback, again)
}

// fail answers a request that cannot go on with an error page in words;
// internal errors are logged with the request id, which the page shows.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status := httpkit.Status(err)
	if status >= 500 {
		h.cfg.Log.ErrorContext(r.Context(), "console: request failed", "path", r.URL.Path, "error", err.Error())
	}
	v.Data = errorData{Status: status, Message: v.message(err)}
	h.render(w, r, status, "error", v)
}

type errorData struct {
	Status  int
	Message string
}

// notFound answers a path no console route serves, or 405 with an Allow
// header when other methods are served on it.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r)
	if allowed := h.allowed(r); len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		h.fail(w, r, v, httpkit.ErrMethodNotAllowed.WithMessage("%s", v.T("error.method")))
		return
	}
	h.fail(w, r, v, shared.NotFound(v.T("error.no_page")).WithMessage("%s", v.T("error.no_page")))
}

// allowed lists the methods a console route other than the catch-all
// serves on r's path (HEAD wherever GET is).
func (h *Handler) allowed(r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" && pattern != Prefix+"/" {
			out = append(out, m)
		}
	}
	return out
}

// crossOrigin answers a form posted from another site.
func (h *Handler) crossOrigin(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r)
	h.fail(w, r, v, shared.Forbidden("%s", v.T("error.cross_origin")))
}

// pathID reads a numeric path value.
func pathID(r *http.Request, name string) (int64, error) {
	return httpkit.ParseID(name, r.PathValue(name))
}

// userError reports whether err is a domain error about the request (bad
// input, a conflict, a missing thing) rather than a fault of the service.
func userError(err error) bool {
	e, ok := httpkit.AsError(err)
	return ok && e.Kind != shared.KindInternal && e.Kind != shared.KindUnavailable
}

// statusOf is the HTTP status of a domain error's kind.
func statusOf(err error) int { return httpkit.StatusOf(err) }

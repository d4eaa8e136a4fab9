package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/console"
	"github.com/campushub/campushub/domain/shared"
)

// CookieName is the session cookie.
const CookieName = "campushub_console"

// page is a console page or form action; ctx carries the signed-in caller.
type page func(w http.ResponseWriter, r *http.Request, v *view)

// secure reports whether the request reached us over TLS, directly or via
// a proxy that says so.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (h *Handler) setSession(w http.ResponseWriter, r *http.Request, id string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: id, Path: Prefix + "/", Expires: expires, MaxAge: int(time.Until(expires).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(r),
	})
}

func (h *Handler) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: "", Path: Prefix + "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(r),
	})
}

func sessionID(r *http.Request) string {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return ""
	}
	return c.Value
}

// signedIn resolves the request's session; ok is false when there is none
// (the answer has then been written).
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request, v *view) (console.Session, context.Context, bool) {
	sess, p, err := h.svc.Console.Resolve(r.Context(), sessionID(r))
	if err != nil {
		if shared.KindOf(err) == shared.KindUnauthenticated {
			h.clearSession(w, r)
			h.toLogin(w, r, errors.Is(err, console.ErrExpired))
			return sess, nil, false
		}
		h.fail(w, r, v, err)
		return sess, nil, false
	}
	ctx := r.Context()
	switch sess.Kind {
	case console.KindManager:
		ctx = auth.WithPrincipal(ctx, p)
		v.Who = v.T("who.manager", p.AccountID)
	case console.KindOrg:
		ctx = appactivity.WithCaller(ctx, appactivity.Caller{Kind: appactivity.CallerOrg, OrgID: sess.OrgID})
	}
	v.Kind = string(sess.Kind)
	return sess, ctx, true
}

// toLogin sends a visitor without a session to the sign-in page; htmx
// requests are told to load it as a whole page.
func (h *Handler) toLogin(w http.ResponseWriter, r *http.Request, expired bool) {
	target := Prefix + "/login"
	q := url.Values{}
	if r.Method == http.MethodGet && r.URL.Path != Prefix+"/" {
		q.Set("next", r.URL.RequestURI())
	}
	if expired {
		q.Set("expired", "1")
	}
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// manager guards a manager page.
func (h *Handler) manager(p page) http.Handler {
	return h.guard(console.KindManager, p)
}

// org guards an organisation page.
func (h *Handler) org(p page) http.Handler {
	return h.guard(console.KindOrg, p)
}

func (h *Handler) guard(kind console.Kind, p page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := h.newView(r)
		sess, ctx, ok := h.signedIn(w, r, v)
		if !ok {
			return
		}
		if sess.Kind != kind {
			msg := "error.managers_only"
			if kind == console.KindOrg {
				msg = "error.orgs_only"
			}
			h.fail(w, r.WithContext(ctx), v, shared.Forbidden("%s", v.T(msg)))
			return
		}
		r = r.WithContext(ctx)
		if kind == console.KindOrg {
			o, err := h.svc.Activity.OwnOrg(ctx)
			if err != nil {
				h.fail(w, r, v, err)
				return
			}
			v.Who = o.Name
		}
		p(w, r, v)
	})
}

// safeNext accepts only a path inside the console as a place to return to.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix+"/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}

// home sends a visitor to their first page.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	sess, _, err := h.svc.Console.Resolve(r.Context(), sessionID(r))
	switch {
	case err != nil:
		http.Redirect(w, r, Prefix+"/login", http.StatusSeeOther)
	case sess.Kind == console.KindOrg:
		http.Redirect(w, r, Prefix+"/org", http.StatusSeeOther)
	default:
		http.Redirect(w, r, Prefix+"/overview", http.StatusSeeOther)
	}
}

type loginData struct {
	Next    string
	Expired bool
	Tab     string // "manager" or "org"
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r)
	q := r.URL.Query()
	v.Data = loginData{Next: safeNext(q.Get("next")), Expired: q.Get("expired") != "", Tab: "manager"}
	if q.Get("signed_out") != "" {
		v.Flash = v.T("flash.signed_out")
	}
	h.render(w, r, http.StatusOK, "login", v)
}

// login signs a manager in; the account's lockout applies.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r)
	if !h.parseForm(w, r, v) {
		return
	}
	next := safeNext(r.PostFormValue("next"))
	v.Data = loginData{Next: next, Tab: "manager"}
	v.Form.Del("password")
	if !h.signInAllowed(w, r, v, "account") {
		return
	}
	area := strings.TrimSpace(r.PostFormValue("area"))
	if area == "" {
		area = "86"
	}
	in, err := h.svc.Console.SignInManager(r.Context(), area, strings.TrimSpace(r.PostFormValue("account")), r.PostFormValue("password"))
	if err != nil {
		h.formError(w, r, v, "login", err, "account")
		return
	}
	h.setSession(w, r, in.ID, in.Session.ExpiresAt)
	if next == "" || strings.HasPrefix(next, Prefix+"/org") {
		next = Prefix + "/overview"
	}
	h.redirect(w, r, next)
}

// loginOrg signs an organisation in with one of its tokens.
func (h *Handler) loginOrg(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r)
	if !h.parseForm(w, r, v) {
		return
	}
	v.Data = loginData{Tab: "org"}
	v.Form.Del("token")
	if !h.signInAllowed(w, r, v, "token") {
		return
	}
	in, err := h.svc.Console.SignInOrg(r.Context(), r.PostFormValue("token"))
	if err != nil {
		h.formError(w, r, v, "login", err, "token")
		return
	}
	h.setSession(w, r, in.ID, in.Session.ExpiresAt)
	h.redirect(w, r, Prefix+"/org")
}

// signInAllowed applies the sign-in limit; over it the form is shown again
// with the reason next to field and a Retry-After header.
func (h *Handler) signInAllowed(w http.ResponseWriter, r *http.Request, v *view, field string) bool {
	if h.cfg.SignInLimit == nil {
		return true
	}
	err := h.cfg.SignInLimit(r)
	if err == nil {
		return true
	}
	httpkit.SetRetryAfter(w, err)
	h.formError(w, r, v, "login", err, field)
	return false
}

// logout ends the session in the database and in the browser.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.svc.Console.SignOut(r.Context(), sessionID(r)); err != nil {
		h.fail(w, r, h.newView(r), err)
		return
	}
	h.clearSession(w, r)
	h.redirect(w, r, Prefix+"/login?signed_out=1")
}

// language remembers a visitor's language choice.
func (h *Handler) language(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("to")
	if lang != "zh" && lang != "en" {
		h.fail(w, r, h.newView(r), shared.Invalid("to", "to must be zh or en"))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: Prefix + "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(r)})
	next := safeNext(r.URL.Query().Get("next"))
	if next == "" {
		next = Prefix + "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// redirect answers a successful form with a redirect (Post/Redirect/Get).
func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// Package console is the web console: a driving adapter that serves
// server-rendered pages under /console/ for managers (overview, pushes,
// feedback, FAQ, 微校 relay, organisations) and for organisations (their
// activities, meetings, members and lotteries). Pages call the same module
// services as the JSON API, never the API over HTTP and never storage; a
// signed-in session is kept in the database, forms are protected against
// cross-site requests, and htmx (embedded, pinned) swaps pages in place.
package console

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appactivity "github.com/campushub/campushub/app/activity"
	appconsole "github.com/campushub/campushub/app/console"
	appcontent "github.com/campushub/campushub/app/content"
	apppush "github.com/campushub/campushub/app/push"
	appwx "github.com/campushub/campushub/app/wxrelay"
)

//go:embed assets
var assets embed.FS

// Prefix is where the console is served.
const Prefix = "/console"

// Services are the use cases the console calls.
type Services struct {
	Console  *appconsole.Service
	Push     *apppush.Service
	Content  *appcontent.Service
	Relay    *appwx.Service
	Activity *appactivity.Service
}

// Config configures the console.
type Config struct {
	// Language is "zh" or "en" to fix the language, "" to follow the
	// browser's Accept-Language (Chinese when it names neither).
	Language string
	Clock    httpkit.Clock
	Log      *slog.Logger
	// SignInLimit, when set, is asked before every sign-in attempt; an error
	// (a rate limit) is shown on the sign-in form, with Retry-After.
	SignInLimit func(r *http.Request) error
}

// Handler serves the console.
type Handler struct {
	svc  Services
	cfg  Config
	tmpl *template.Template
	mux  *http.ServeMux
	h    http.Handler
}

// New returns the console's handler for paths under Prefix.
func New(svc Services, cfg Config) (*Handler, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	tmpl, err := parseTemplates(cfg.Clock)
	if err != nil {
		return nil, err
	}
	h := &Handler{svc: svc, cfg: cfg, tmpl: tmpl, mux: http.NewServeMux()}
	h.routes()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(h.crossOrigin))
	h.h = securityHeaders(cop.Handler(h.mux))
	return h, nil
}

// Mount implements server.Mounter: every path under /console/ (a wildcard
// mount, so the OpenAPI document, which describes the JSON APIs, leaves it
// out).
func (h *Handler) Mount(r chi.Router) { r.Handle(Prefix+"/*", h) }

// ServeHTTP serves one console request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.h.ServeHTTP(w, r) }

func (h *Handler) routes() {
	static, _ := fs.Sub(assets, "assets/static")
	files := http.StripPrefix(Prefix+"/static/", http.FileServerFS(static))
	h.mux.Handle("GET "+Prefix+"/static/", cacheStatic(files))

	h.mux.HandleFunc("GET "+Prefix+"/{$}", h.home)
	h.mux.HandleFunc("GET "+Prefix+"/login", h.loginPage)
	h.mux.HandleFunc("POST "+Prefix+"/login", h.login)
	h.mux.HandleFunc("POST "+Prefix+"/login/org", h.loginOrg)
	h.mux.HandleFunc("POST "+Prefix+"/logout", h.logout)
	h.mux.HandleFunc("GET "+Prefix+"/lang", h.language)

	m := func(pattern string, p page) { h.mux.Handle(pattern, h.manager(p)) }
	m("GET "+Prefix+"/overview", h.overview)
	m("GET "+Prefix+"/pushes", h.pushes)
	m("POST "+Prefix+"/pushes", h.sendPush)
	m("GET "+Prefix+"/pushes/{id}", h.pushDetail)
	m("GET "+Prefix+"/feedback", h.feedbackList)
	m("GET "+Prefix+"/feedback/{id}", h.feedbackDetail)
	m("POST "+Prefix+"/feedback/{id}/reply", h.reply)
	m("GET "+Prefix+"/faq", h.faqList)
	m("POST "+Prefix+"/faq", h.createFAQ)
	m("GET "+Prefix+"/faq/{id}", h.faqEdit)
	m("POST "+Prefix+"/faq/{id}", h.updateFAQ)
	m("POST "+Prefix+"/faq/{id}/delete", h.deleteFAQ)
	m("GET "+Prefix+"/categories", h.categoryList)
	m("POST "+Prefix+"/categories", h.createCategory)
	m("POST "+Prefix+"/categories/{id}", h.updateCategory)
	m("POST "+Prefix+"/categories/{id}/delete", h.deleteCategory)
	m("GET "+Prefix+"/relay", h.projects)
	m("POST "+Prefix+"/relay", h.addProject)
	m("GET "+Prefix+"/relay/{id}", h.project)
	m("POST "+Prefix+"/relay/{id}", h.updateProject)
	m("POST "+Prefix+"/relay/{id}/rotate", h.rotateSecret)
	m("POST "+Prefix+"/relay/{id}/replay-failed", h.replayFailed)
	m("GET "+Prefix+"/relay/deliveries/{id}", h.delivery)
	m("POST "+Prefix+"/relay/deliveries/{id}/replay", h.replay)
	m("GET "+Prefix+"/orgs", h.orgs)
	m("POST "+Prefix+"/orgs", h.createOrg)
	m("GET "+Prefix+"/orgs/{id}", h.orgDetail)
	m("POST "+Prefix+"/orgs/{id}/tokens", h.issueToken)
	m("POST "+Prefix+"/orgs/{id}/tokens/{token}/revoke", h.revokeToken)

	o := func(pattern string, p page) { h.mux.Handle(pattern, h.org(p)) }
	o("GET "+Prefix+"/org", h.orgHome)
	o("POST "+Prefix+"/org/activities", h.createActivity)
	o("GET "+Prefix+"/org/activities/{id}", h.activityDetail)
	o("POST "+Prefix+"/org/activities/{id}", h.updateActivity)
	o("POST "+Prefix+"/org/activities/{id}/close", h.closeActivity)
	o("GET "+Prefix+"/org/activities/{id}/members.csv", h.exportMembers)
	o("POST "+Prefix+"/org/activities/{id}/draw", h.draw)
	o("GET "+Prefix+"/org/meetings", h.meetings)
	o("POST "+Prefix+"/org/meetings", h.createMeeting)
	o("GET "+Prefix+"/org/meetings/{id}", h.meetingDetail)
	o("POST "+Prefix+"/org/meetings/{id}", h.renameMeeting)
	o("POST "+Prefix+"/org/meetings/{id}/close", h.closeMeeting)
	o("POST "+Prefix+"/org/meetings/{id}/delete", h.deleteMeeting)
	o("POST "+Prefix+"/org/meetings/{id}/users", h.authoriseUsers)
	o("POST "+Prefix+"/org/meetings/{id}/users/revoke", h.revokeUser)

	h.mux.HandleFunc(Prefix+"/", h.notFound)
}

// securityHeaders keeps console pages out of frames and other origins'
// scripts, and out of shared caches.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		if !strings.HasPrefix(r.URL.Path, Prefix+"/static/") {
			hd.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// cacheStatic lets browsers keep the static files for an hour.
func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

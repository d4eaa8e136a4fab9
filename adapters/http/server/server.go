// Package server assembles the HTTP handlers: the public one with common
// middleware, health and readiness probes, the OpenAPI document, and the routes
// every API family mounts, with unknown paths and methods answered in the
// owning family's envelope; and the private operations one with Prometheus
// metrics and profiles.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/campushub/campushub/adapters/http/httpkit"
)

// Mounter adds a family's or module's routes to the router.
type Mounter interface {
	Mount(r chi.Router)
}

// MountFunc adapts a function to Mounter.
type MountFunc func(r chi.Router)

// Mount calls f.
func (f MountFunc) Mount(r chi.Router) { f(r) }

// Check is one readiness check (database, broker, outbox).
type Check struct {
	Name string
	// Run reports "ok", or the error, which makes the service unready.
	Run func(ctx context.Context) error
	// Report, when set, is used instead of Run: it returns the
	// dependency's state for the body and whether the service is ready
	// with it (a dependency the service can do without reports its outage
	// and stays ready).
	Report func(ctx context.Context) (state any, ready bool)
}

// Options configure the handler.
type Options struct {
	Logger    *slog.Logger
	Registry  *prometheus.Registry
	BodyLimit int64
	OpenAPI   []byte
	Ready     []Check
	// Families answer errors; the first is the default for unowned paths.
	Families httpkit.Families
	Mounts   []Mounter
	// TrustedProxies may name the client in X-Forwarded-For / X-Real-IP.
	TrustedProxies httpkit.TrustedProxies
	// Middleware runs on every request after the common middleware (e.g.
	// the per-token limit).
	Middleware []func(http.Handler) http.Handler
}

// New returns the service's HTTP handler.
func New(o Options) http.Handler {
	r := chi.NewRouter()
	metrics := httpkit.NewMetrics(o.Registry)
	r.Use(httpkit.RequestIDs, httpkit.ClientAddresses(o.TrustedProxies), httpkit.Observe(o.Logger, metrics), httpkit.Recover(o.Logger, o.Families), httpkit.LimitBody(o.BodyLimit),
		middleware.GetHead)
	r.Use(o.Middleware...)
	r.Use(concreteFirst(r, o.Families))
	r.NotFound(o.Families.NotFound)
	r.MethodNotAllowed(methodNotAllowed(r, o.Families))

	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		httpkit.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/readyz", readyz(o.Ready, false))
	r.Get("/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		_, _ = w.Write(o.OpenAPI)
	})
	for _, m := range o.Mounts {
		m.Mount(r)
	}
	return r
}

// probeMethods are the methods a 405 answer's Allow header may list.
var probeMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
	http.MethodOptions, http.MethodConnect, http.MethodTrace,
}

// Allowed lists the methods routes serves on path, HEAD included wherever
// GET is (a HEAD request is answered like GET without the body). Where a
// concrete route and a templated one both match the path (DELETE
// /api/push/log/delete beside GET /api/push/log/{id}), the path is the
// concrete route's, as in OpenAPI: only its methods are listed.
func Allowed(routes chi.Routes, path string) []string {
	_, methods := resolve(routes, path)
	return methods
}

// resolve returns the most concrete pattern matching path (fewest
// parameters) and the methods it serves there.
func resolve(routes chi.Routes, path string) (string, []string) {
	byPattern := map[string][]string{}
	best := ""
	for _, m := range probeMethods {
		probe := m
		if m == http.MethodHead {
			probe = http.MethodGet
		}
		p := routes.Find(chi.NewRouteContext(), probe, path)
		if p == "" {
			continue
		}
		byPattern[p] = append(byPattern[p], m)
		if best == "" || strings.Count(p, "{") < strings.Count(best, "{") {
			best = p
		}
	}
	return best, byPattern[best]
}

// concreteFirst answers 405 when a request's method matches only a
// templated route on a path that a more concrete route owns, so that GET
// /api/push/log/delete is not read as GET /api/push/log/{id} with the id
// "delete".
func concreteFirst(routes chi.Routes, fs httpkit.Families) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			path := routePath(r)
			method := r.Method
			if method == http.MethodHead {
				method = http.MethodGet
			}
			own := routes.Find(chi.NewRouteContext(), method, path)
			if !strings.Contains(own, "{") {
				next.ServeHTTP(w, r)
				return
			}
			if best, allowed := resolve(routes, path); best != own {
				w.Header().Set("Allow", strings.Join(allowed, ", "))
				fs.MethodNotAllowed(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func routePath(r *http.Request) string {
	if r.URL.RawPath != "" {
		return r.URL.RawPath
	}
	return r.URL.Path
}

// methodNotAllowed answers 405 with the Allow header RFC 9110 asks for, in
// the owning family's envelope; a method chi does not know on a path no
// method serves is a 404.
func methodNotAllowed(routes chi.Routes, fs httpkit.Families) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		allowed := Allowed(routes, routePath(r))
		if len(allowed) == 0 {
			fs.NotFound(w, r)
			return
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		fs.MethodNotAllowed(w, r)
	}
}

// OpsOptions configure the operations handler.
type OpsOptions struct {
	Registry *prometheus.Registry
	Ready    []Check
	Pprof    bool
}

// Ops returns the handler of the operations listener: /metrics, /healthz,
// /readyz with each failing dependency's error, and Go's pprof profiles
// under /debug/pprof/ when enabled. It belongs on a private address: the
// public listener serves only /healthz and /readyz without details.
func Ops(o OpsOptions) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.Registry, promhttp.HandlerOpts{Registry: o.Registry}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		httpkit.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", readyz(o.Ready, true))
	if o.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// readyz answers each check's state; details adds the error of a failing
// one (host names, driver messages), which only the operations listener
// shows.
func readyz(checks []Check, details bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		status, result := http.StatusOK, map[string]any{}
		for _, c := range checks {
			if c.Report != nil {
				state, ready := c.Report(ctx)
				if !ready {
					status = http.StatusServiceUnavailable
				}
				if m, ok := state.(map[string]any); ok && !details {
					state = withoutError(m)
				}
				result[c.Name] = state
				continue
			}
			if err := c.Run(ctx); err != nil {
				status, result[c.Name] = http.StatusServiceUnavailable, "unavailable"
				if details {
					result[c.Name] = err.Error()
				}
				continue
			}
			result[c.Name] = "ok"
		}
		httpkit.WriteJSON(w, status, map[string]any{"ready": status == http.StatusOK, "checks": result})
	}
}

// withoutError is a report without its "error" entry, for the public
// listener.
func withoutError(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != "error" {
			out[k] = v
		}
	}
	return out
}

// Routes lists "METHOD /pattern" for every route registered on h, for the
// test that keeps docs/openapi.yaml complete.
func Routes(h http.Handler) ([]string, error) {
	r, ok := h.(chi.Routes)
	if !ok {
		return nil, nil
	}
	var out []string
	err := chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+route)
		return nil
	})
	return out, err
}

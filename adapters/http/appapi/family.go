// Package appapi is the transport of the mobile app's API (app-api.txt):
// accounts, personal info, push devices and logs, FAQ and feedback. Every
// answer is the envelope {"code":…,"message":…,"data":…}; codes.go maps
// domain errors to the API's numbers.
package appapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/shared"
)

// Envelope is the app API's answer.
type Envelope struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

// Family is the app API family; it owns /api/.
type Family struct{ Log *slog.Logger }

var _ httpkit.Family = Family{}

// Prefixes implements httpkit.Family.
func (Family) Prefixes() []string { return []string{"/api/"} }

// WriteError implements httpkit.Family.
func (f Family) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	f.encodeError(r.Context(), err, w)
}

func (f Family) encodeError(ctx context.Context, err error, w http.ResponseWriter) {
	status, code, msg := Code(err)
	if status >= 500 && f.Log != nil {
		f.Log.ErrorContext(ctx, "request failed", "error", err)
	}
	httpkit.SetRetryAfter(w, err)
	httpkit.WriteJSON(w, status, Envelope{Code: code, Message: msg, Data: struct{}{}})
}

// Options is what the app API's handlers share.
type Options struct {
	Log   *slog.Logger
	Clock httpkit.Clock
}

// Server builds go-kit servers with the family's encoders.
type Server struct {
	fam   Family
	clock httpkit.Clock
	opts  []kithttp.ServerOption
}

// NewServer returns a Server.
func NewServer(o Options) *Server {
	fam := Family{Log: o.Log}
	return &Server{
		fam:   fam,
		clock: o.Clock,
		opts: []kithttp.ServerOption{
			kithttp.ServerErrorEncoder(fam.encodeError),
			kithttp.ServerBefore(tokenFromHeader),
		},
	}
}

// Clock renders times in the configured zone.
func (s *Server) Clock() httpkit.Clock { return s.clock }

// Handler serves one endpoint: dec turns the request into the endpoint's
// request, data turns a successful response into the envelope's data.
func (s *Server) Handler(e endpoint.Endpoint, dec kithttp.DecodeRequestFunc, data func(resp any) any) http.Handler {
	return kithttp.NewServer(e, httpkit.AfterGuards(dec), s.encoder(data), s.opts...)
}

func (s *Server) encoder(data func(resp any) any) kithttp.EncodeResponseFunc {
	return func(ctx context.Context, w http.ResponseWriter, resp any) error {
		if f, ok := resp.(endpoint.Failer); ok && f.Failed() != nil {
			s.fam.encodeError(ctx, f.Failed(), w)
			return nil
		}
		var d any = struct{}{}
		if data != nil {
			d = data(resp)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		return json.NewEncoder(w).Encode(Envelope{Code: 0, Message: "success", Data: d})
	}
}

// tokenFromHeader puts the Authorization token into the context.
func tokenFromHeader(ctx context.Context, r *http.Request) context.Context {
	if h := r.Header.Get("Authorization"); h != "" {
		return auth.WithToken(ctx, auth.ParseAuthorization(h))
	}
	return ctx
}

// Empty is the data of answers without data.
func Empty(any) any { return struct{}{} }

// NoBody decodes requests that carry nothing.
func NoBody(req any) kithttp.DecodeRequestFunc {
	return func(context.Context, *http.Request) (any, error) { return req, nil }
}

func unknownField(name string) error {
	return shared.Invalid(name, "unknown field %q", name)
}

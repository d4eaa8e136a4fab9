// Package activityapi is the transport of the activity API family: the
// WeChat-side routes of activities-api.txt (under /api/v3/activitys_for_wx/
// and /activitys_for_wx/), the organisation (机构) API under /api/v3/org/
// and the managers' organisation administration under /api/v3/manage/.
// Every answer is the envelope {"code":0|1,"msg":…,"data":…}.
package activityapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/domain/shared"
)

// The family's codes: the seed knows only success and failure; msg says
// what failed and the HTTP status tells the kind of failure.
const (
	CodeOK     = 0
	CodeFailed = 1
)

// Envelope is the activity API's answer.
type Envelope struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
	Data any    `json:"data"`
}

// Prefixes the family owns.
const (
	PrefixV3 = "/api/v3/"
	PrefixWX = "/activitys_for_wx/"
)

// Family is the activity API family.
type Family struct{ Log *slog.Logger }

var _ httpkit.Family = Family{}

// Prefixes implements httpkit.Family.
func (Family) Prefixes() []string { return []string{PrefixV3, PrefixWX} }

// WriteError implements httpkit.Family.
func (f Family) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	f.encodeError(r.Context(), err, w)
}

// Failure maps err to an HTTP status and a message. Errors that are not
// domain errors are internal: 500 and a generic message, details logged.
func Failure(err error) (status int, msg string) {
	e, ok := httpkit.AsError(err)
	if !ok || e.Kind == shared.KindInternal {
		return http.StatusInternalServerError, "internal error"
	}
	return httpkit.Status(e), e.Error()
}

func (f Family) encodeError(ctx context.Context, err error, w http.ResponseWriter) {
	status, msg := Failure(err)
	if status >= 500 && f.Log != nil {
		f.Log.ErrorContext(ctx, "request failed", "error", err)
	}
	httpkit.SetRetryAfter(w, err)
	httpkit.WriteJSON(w, status, Envelope{Code: CodeFailed, Msg: msg, Data: nil})
}

// Server builds go-kit servers with the family's encoders.
type Server struct {
	fam   Family
	clock httpkit.Clock
	opts  []kithttp.ServerOption
}

// NewServer returns a Server rendering times with clock.
func NewServer(log *slog.Logger, clock httpkit.Clock) *Server {
	fam := Family{Log: log}
	return &Server{fam: fam, clock: clock, opts: []kithttp.ServerOption{kithttp.ServerErrorEncoder(fam.encodeError)}}
}

// Family returns the server's error family.
func (s *Server) Family() Family { return s.fam }

// handler serves one endpoint: dec builds the request, data renders a
// successful response's Data, msg is the success message.
func (s *Server) handler(e endpoint.Endpoint, dec kithttp.DecodeRequestFunc, msg string, data func(any) any, before ...kithttp.RequestFunc) http.Handler {
	opts := append([]kithttp.ServerOption{}, s.opts...)
	if len(before) > 0 {
		opts = append(opts, kithttp.ServerBefore(before...))
	}
	return kithttp.NewServer(e, httpkit.AfterGuards(dec), s.encoder(msg, data), opts...)
}

func (s *Server) encoder(msg string, data func(any) any) kithttp.EncodeResponseFunc {
	return func(ctx context.Context, w http.ResponseWriter, resp any) error {
		if f, ok := resp.(endpoint.Failer); ok && f.Failed() != nil {
			s.fam.encodeError(ctx, f.Failed(), w)
			return nil
		}
		var d any
		if data != nil {
			d = data(resp)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		return json.NewEncoder(w).Encode(Envelope{Code: CodeOK, Msg: msg, Data: d})
	}
}

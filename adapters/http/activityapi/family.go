// Package activityapi is the transport of the activity API family: the
// WeChat-side routes of activities-api.txt (under /api/v3/activitys_for_wx/
// and /activitys_for_wx/), the organisation (机构) API under /api/v3/org/
// and the managers' organisation administration under /api/v3/manage/.
// Every answer is the envelope {"code":0|1,"msg":…,"data":…}.
package activityapi

import (
	"context"
	"log/slog"
	"net/http"

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
	// PrefixSignin and PrefixMessage are the walls' creation routes, which
	// the seed spells without /api/v3 as well.
	PrefixSignin  = "/activitys_signin"
	PrefixMessage = "/activitys_message"
)

// envelope is the family's wire format; msg is the success message, which
// the WeChat-side routes word each in their own way.
type envelope struct{ msg string }

// Success implements httpkit.Envelope.
func (e envelope) Success(data any) any { return Envelope{Code: CodeOK, Msg: e.msg, Data: data} }

// Failure implements httpkit.Envelope.
func (envelope) Failure(ctx context.Context, err error) (int, any) {
	status, code, msg := Code(ctx, err)
	return status, Envelope{Code: code, Msg: msg, Data: nil}
}

// Code maps err, the failure of a request with context ctx, to an HTTP
// status, the family's code (always CodeFailed: msg says what failed and
// the status tells the kind of failure) and a message. Errors that are not
// domain errors are internal: 500 and a generic message, details logged.
func Code(_ context.Context, err error) (status, code int, msg string) {
	e, ok := httpkit.AsError(err)
	if !ok || e.Kind == shared.KindInternal {
		return http.StatusInternalServerError, CodeFailed, "internal error"
	}
	return httpkit.Status(e), CodeFailed, e.Error()
}

// Family is the activity API family.
type Family struct{ Log *slog.Logger }

var _ httpkit.Family = Family{}

// Prefixes implements httpkit.Family.
func (Family) Prefixes() []string { return []string{PrefixV3, PrefixWX, PrefixSignin, PrefixMessage} }

// WriteError implements httpkit.Family.
func (f Family) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	httpkit.WriteFailure(r.Context(), w, f.Log, envelope{}, err)
}

// Server builds the family's go-kit servers; a success says "成功" unless
// the route says otherwise (Say).
type Server struct{ *httpkit.Server }

// NewServer returns a Server logging internal errors to log and rendering
// times with clock.
func NewServer(log *slog.Logger, clock httpkit.Clock) *Server {
	return &Server{httpkit.NewServer(envelope{msg: "成功"}, log, clock)}
}

// Family returns the server's error family.
func (s *Server) Family() Family { return Family{Log: s.Log()} }

// Say returns the server answering a success with msg.
func (s *Server) Say(msg string) *httpkit.Server { return s.WithEnvelope(envelope{msg: msg}) }

// Package wxapi is the transport of the 微校 relay API (wx-relay-api.txt):
// push-project management and delivery inspection under /wx/push/, answered
// in {"success","message","code"(string),"data"}, and the platform's
// receive endpoint /wx/wxc/receive, answered in {"code"(number),"message"}.
// codes.go maps domain errors to the API's numbers.
package wxapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/app/auth"
)

// Envelope is the push-management API's answer.
type Envelope struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	Code    string `json:"code"`
	Data    any    `json:"data"`
}

// ReceiveEnvelope is the receive endpoint's answer.
type ReceiveEnvelope struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// ReceivePath is where the 微校 platform pushes.
const ReceivePath = "/wx/wxc/receive"

// pushEnvelope is the push-management API's wire format.
type pushEnvelope struct{}

// Success implements httpkit.Envelope: data is {} when there is none.
func (pushEnvelope) Success(data any) any {
	if data == nil {
		data = struct{}{}
	}
	return Envelope{Success: true, Message: "success", Code: strconv.Itoa(CodeOK), Data: data}
}

// Failure implements httpkit.Envelope with the code table (Code).
func (pushEnvelope) Failure(ctx context.Context, err error) (int, any) {
	status, code, msg := Code(ctx, err)
	return status, Envelope{Success: false, Message: msg, Code: strconv.Itoa(code), Data: struct{}{}}
}

// receiveEnvelope is the receive endpoint's wire format.
type receiveEnvelope struct{}

// Success implements httpkit.Envelope.
func (receiveEnvelope) Success(any) any { return ReceiveEnvelope{Code: CodeOK, Message: "success"} }

// Failure implements httpkit.Envelope with the code table (Code).
func (receiveEnvelope) Failure(ctx context.Context, err error) (int, any) {
	status, code, msg := Code(ctx, err)
	return status, ReceiveEnvelope{Code: code, Message: msg}
}

// Family is the wx API family; it owns /wx/.
type Family struct{ Log *slog.Logger }

var _ httpkit.Family = Family{}

// Prefixes implements httpkit.Family.
func (Family) Prefixes() []string { return []string{"/wx/"} }

// WriteError implements httpkit.Family: paths under /wx/wxc/ answer in the
// receive envelope, the rest in the push envelope.
func (f Family) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var env httpkit.Envelope = pushEnvelope{}
	if strings.HasPrefix(r.URL.Path, "/wx/wxc/") {
		env = receiveEnvelope{}
	}
	httpkit.WriteFailure(r.Context(), w, f.Log, env, err)
}

// Server builds the family's go-kit servers: the push-management routes
// take the manager's token from the request (tokenFromRequest), the
// receive route (ReceiveHandler) answers in its own envelope.
type Server struct {
	*httpkit.Server
	receive *httpkit.Server
}

// NewServer returns a Server logging internal errors to log and rendering
// times with clock.
func NewServer(log *slog.Logger, clock httpkit.Clock) *Server {
	return &Server{
		Server:  httpkit.NewServer(pushEnvelope{}, log, clock, tokenFromRequest),
		receive: httpkit.NewServer(receiveEnvelope{}, log, clock),
	}
}

// Family returns the server's error family.
func (s *Server) Family() Family { return Family{Log: s.Log()} }

// ReceiveHandler serves the receive endpoint in its own envelope; its
// success, the same for every accepted push, is rendered once.
func (s *Server) ReceiveHandler(e endpoint.Endpoint, dec kithttp.DecodeRequestFunc) http.Handler {
	return s.receive.Custom(e, dec, func(_ context.Context, w http.ResponseWriter, _ any) error {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", receiveOKLength)
		_, err := w.Write(receiveOK)
		return err
	})
}

// receiveOK is the answer to every accepted push, rendered once.
var receiveOK, receiveOKLength = func() ([]byte, string) {
	b, _ := json.Marshal(receiveEnvelope{}.Success(nil)) // a struct of a number and a string
	b = append(b, '\n')
	return b, strconv.Itoa(len(b))
}()

// tokenFromRequest finds the manager's token: Authorization (Token, Bearer
// or bare), then a token header, then a token query parameter.
func tokenFromRequest(ctx context.Context, r *http.Request) context.Context {
	tok := auth.ParseAuthorization(r.Header.Get("Authorization"))
	if tok == "" {
		tok = strings.TrimSpace(r.Header.Get("token"))
	}
	if tok == "" {
		tok = strings.TrimSpace(r.URL.Query().Get("token"))
	}
	if tok == "" {
		return ctx
	}
	return auth.WithToken(ctx, tok)
}

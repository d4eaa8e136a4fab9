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

// Family is the wx API family; it owns /wx/.
type Family struct{ Log *slog.Logger }

var _ httpkit.Family = Family{}

// Prefixes implements httpkit.Family.
func (Family) Prefixes() []string { return []string{"/wx/"} }

// WriteError implements httpkit.Family: paths under /wx/wxc/ answer in the
// receive envelope, the rest in the push envelope.
func (f Family) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/wx/wxc/") {
		f.encodeReceiveError(r.Context(), err, w)
		return
	}
	f.encodeError(r.Context(), err, w)
}

func (f Family) logIfInternal(ctx context.Context, status int, err error) {
	if status >= 500 && f.Log != nil {
		f.Log.ErrorContext(ctx, "request failed", "error", err, "request_id", httpkit.RequestID(ctx))
	}
}

func (f Family) encodeError(ctx context.Context, err error, w http.ResponseWriter) {
	status, code, msg := Code(ctx, err)
	f.logIfInternal(ctx, status, err)
	httpkit.SetRetryAfter(w, err)
	httpkit.WriteJSON(w, status, Envelope{Success: false, Message: msg, Code: strconv.Itoa(code), Data: struct{}{}})
}

func (f Family) encodeReceiveError(ctx context.Context, err error, w http.ResponseWriter) {
	status, code, msg := Code(ctx, err)
	f.logIfInternal(ctx, status, err)
	httpkit.SetRetryAfter(w, err)
	httpkit.WriteJSON(w, status, ReceiveEnvelope{Code: code, Message: msg})
}

// Server builds go-kit servers with the family's encoders.
type Server struct {
	fam   Family
	clock httpkit.Clock
	opts  []kithttp.ServerOption
}

// NewServer returns a Server; times are rendered with clock.
func NewServer(log *slog.Logger, clock httpkit.Clock) *Server {
	fam := Family{Log: log}
	return &Server{fam: fam, clock: clock, opts: []kithttp.ServerOption{
		kithttp.ServerErrorEncoder(fam.encodeError),
		kithttp.ServerBefore(tokenFromRequest),
	}}
}

// Handler serves a push-management endpoint; data turns a successful
// response into the envelope's data.
func (s *Server) Handler(e endpoint.Endpoint, dec kithttp.DecodeRequestFunc, data func(resp any) any) http.Handler {
	return kithttp.NewServer(e, httpkit.AfterGuards(dec), func(ctx context.Context, w http.ResponseWriter, resp any) error {
		if f, ok := resp.(endpoint.Failer); ok && f.Failed() != nil {
			s.fam.encodeError(ctx, f.Failed(), w)
			return nil
		}
		var d any = struct{}{}
		if data != nil {
			d = data(resp)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		return json.NewEncoder(w).Encode(Envelope{Success: true, Message: "success", Code: strconv.Itoa(CodeOK), Data: d})
	}, s.opts...)
}

// ReceiveHandler serves the receive endpoint in its own envelope.
func (s *Server) ReceiveHandler(e endpoint.Endpoint, dec kithttp.DecodeRequestFunc) http.Handler {
	return kithttp.NewServer(e, httpkit.AfterGuards(dec), func(ctx context.Context, w http.ResponseWriter, resp any) error {
		if f, ok := resp.(endpoint.Failer); ok && f.Failed() != nil {
			s.fam.encodeReceiveError(ctx, f.Failed(), w)
			return nil
		}
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", receiveOKLength)
		_, err := w.Write(receiveOK)
		return err
	}, kithttp.ServerErrorEncoder(s.fam.encodeReceiveError))
}

// receiveOK is the answer to every accepted push, rendered once.
var receiveOK, receiveOKLength = func() ([]byte, string) {
	b, _ := json.Marshal(ReceiveEnvelope{Code: CodeOK, Message: "success"}) // a struct of a number and a string
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

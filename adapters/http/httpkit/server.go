package httpkit

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"
)

// Envelope is an API family's wire format: the body of a successful answer
// and the status and body of a failed one. It is all a family writes of its
// own; the Server does the rest.
type Envelope interface {
	// Success is the body answering a successful call; data is nil when the
	// route renders none.
	Success(data any) any
	// Failure is the HTTP status and body answering err, which ctx, the
	// request's, may qualify (e.g. whether a credential was sent). An error
	// that is not a domain error (or is an internal one) must answer 500
	// with a generic message: its details go only to the log.
	Failure(ctx context.Context, err error) (status int, body any)
}

// Server builds the go-kit servers of one API family: every endpoint decodes
// through AfterGuards, and answers in the family's envelope, with one error
// encoder for business errors, guard refusals and transport faults alike.
type Server struct {
	env    Envelope
	log    *slog.Logger
	clock  Clock
	before []kithttp.RequestFunc
}

// NewServer returns a Server answering in env, logging internal errors to
// log and rendering times with clock; before runs on every request ahead of
// decoding (e.g. to put the caller's token into the context).
func NewServer(env Envelope, log *slog.Logger, clock Clock, before ...kithttp.RequestFunc) *Server {
	return &Server{env: env, log: log, clock: clock, before: before}
}

// Clock renders times in the configured zone.
func (s *Server) Clock() Clock { return s.clock }

// Log is where internal errors go.
func (s *Server) Log() *slog.Logger { return s.log }

// WithEnvelope returns a Server like s answering in env, for the routes of
// a family whose answers differ (a message of its own, another envelope).
func (s *Server) WithEnvelope(env Envelope) *Server {
	c := *s
	c.env = env
	return &c
}

// Handler serves endpoint e: dec turns the request into the endpoint's
// request, render turns a successful response into the envelope's data (nil:
// the route renders none).
func (s *Server) Handler(e endpoint.Endpoint, dec kithttp.DecodeRequestFunc, render Render) http.Handler {
	return s.Custom(e, dec, func(ctx context.Context, w http.ResponseWriter, resp any) error {
		var data any
		if render != nil {
			var err error
			if data, err = render(resp); err != nil {
				return err
			}
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		return json.NewEncoder(w).Encode(s.env.Success(data))
	})
}

// Custom serves endpoint e with an encoder of the route's own (a file
// download, a body rendered once). A failed response never reaches enc: it
// is answered in the envelope, as is an error enc returns before writing.
func (s *Server) Custom(e endpoint.Endpoint, dec kithttp.DecodeRequestFunc, enc kithttp.EncodeResponseFunc) http.Handler {
	opts := []kithttp.ServerOption{kithttp.ServerErrorEncoder(s.EncodeError)}
	if len(s.before) > 0 {
		opts = append(opts, kithttp.ServerBefore(s.before...))
	}
	return kithttp.NewServer(e, AfterGuards(dec), func(ctx context.Context, w http.ResponseWriter, resp any) error {
		if f, ok := resp.(endpoint.Failer); ok && f.Failed() != nil {
			s.EncodeError(ctx, f.Failed(), w)
			return nil
		}
		return enc(ctx, w, resp)
	}, opts...)
}

// EncodeError answers err in the envelope (a kithttp.ErrorEncoder): a 5xx
// is logged (the log handler adds the request id), a rate limit's wait goes into Retry-After.
func (s *Server) EncodeError(ctx context.Context, err error, w http.ResponseWriter) {
	WriteFailure(ctx, w, s.log, s.env, err)
}

// WriteError answers err in the envelope; with Prefixes it makes a Family.
func (s *Server) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	s.EncodeError(r.Context(), err, w)
}

// WriteFailure answers err in env: a 5xx is logged to log (when there is
// one), a rate limit's wait goes into Retry-After.
func WriteFailure(ctx context.Context, w http.ResponseWriter, log *slog.Logger, env Envelope, err error) {
	status, body := env.Failure(ctx, err)
	if status >= 500 && log != nil {
		log.ErrorContext(ctx, "request failed", "error", err)
	}
	SetRetryAfter(w, err)
	WriteJSON(w, status, body)
}

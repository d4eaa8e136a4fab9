// Package appapi is the transport of the mobile app's API (app-api.txt):
// accounts, personal info, push devices and logs, FAQ and feedback. Every
// answer is the envelope {"code":…,"message":…,"data":…}; codes.go maps
// domain errors to the API's numbers.
package appapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

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

// envelope is the family's wire format.
type envelope struct{}

// Success implements httpkit.Envelope: data is {} when there is none.
func (envelope) Success(data any) any {
	if data == nil {
		data = struct{}{}
	}
	return Envelope{Code: CodeOK, Message: "success", Data: data}
}

// Failure implements httpkit.Envelope with the code table (Code).
func (envelope) Failure(ctx context.Context, err error) (int, any) {
	status, code, msg := Code(ctx, err)
	return status, Envelope{Code: code, Message: msg, Data: struct{}{}}
}

// Family is the app API family; it owns /api/.
type Family struct{ Log *slog.Logger }

var _ httpkit.Family = Family{}

// Prefixes implements httpkit.Family.
func (Family) Prefixes() []string { return []string{"/api/"} }

// WriteError implements httpkit.Family.
func (f Family) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	httpkit.WriteFailure(r.Context(), w, f.Log, envelope{}, err)
}

// Server builds the family's go-kit servers; every one takes the caller's
// token from Authorization.
type Server struct{ *httpkit.Server }

// NewServer returns a Server logging internal errors to log and rendering
// times with clock.
func NewServer(log *slog.Logger, clock httpkit.Clock) *Server {
	return &Server{httpkit.NewServer(envelope{}, log, clock, tokenFromHeader)}
}

// Family returns the server's error family.
func (s *Server) Family() Family { return Family{Log: s.Log()} }

// tokenFromHeader puts the Authorization token into the context.
func tokenFromHeader(ctx context.Context, r *http.Request) context.Context {
	if h := r.Header.Get("Authorization"); h != "" {
		return auth.WithToken(ctx, auth.ParseAuthorization(h))
	}
	return ctx
}

func unknownField(name string) error {
	return shared.Invalid(name, "unknown field %q", name)
}

// Record is the head every stored thing carries in this family's bodies:
// its id, its app and its two timestamps in the service's zone. Data types
// embed it first, so its fields come first on the wire.
type Record struct {
	ID        int64  `json:"id"`
	AppID     string `json:"app_id"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func (s *Server) record(id int64, appID string, created, updated time.Time) Record {
	return Record{ID: id, AppID: appID, CreatedAt: s.Clock().Format(created), UpdatedAt: s.Clock().Format(updated)}
}

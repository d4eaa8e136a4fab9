package httpkittest

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/server"
)

// FuzzBodyLimit is the harness's body limit: small, so that fuzzed bodies
// cross it and the "too large" answer is fuzzed too.
const FuzzBodyLimit = 2 << 10

// Harness is every route of one envelope family with its real router,
// middleware, decoders and error encoding, in front of stub endpoints that
// record what they are handed. The three families' route fuzz targets and
// seed tests run on it.
type Harness struct {
	Handler http.Handler
	Routes  []Route // the family's routes, sorted
	Decoded *Decoded
}

// NewHarness serves the routes mounts returns under fam's prefixes; mounts
// builds them with endpoint sets stubbed on d (see Stub).
func NewHarness(tb testing.TB, fam httpkit.Family, mounts func(d *Decoded) []server.Mounter) *Harness {
	tb.Helper()
	d := &Decoded{}
	h := server.New(server.Options{
		Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), BodyLimit: FuzzBodyLimit,
		Families: httpkit.Families{fam},
		Mounts:   mounts(d),
	})
	return &Harness{Handler: h, Routes: FamilyRoutes(tb, h, fam.Prefixes()...), Decoded: d}
}

// CheckSeeds fails unless every seed names a route of the family and
// decodes.
func (h *Harness) CheckSeeds(t *testing.T, seeds []Seed) {
	t.Helper()
	CheckSeeds(t, h.Handler, h.Routes, h.Decoded, seeds)
}

// Fuzz seeds f with seeds and sends each fuzzed request to the family's
// routes: a panic fails, a request that reaches its endpoint must hold only
// text a database stores, and refused checks the answer to every request
// the decoder refused (the family's envelope, status and codes; see
// WantMessage).
func (h *Harness) Fuzz(f *testing.F, seeds []Seed, refused func(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder)) {
	f.Helper()
	for _, in := range Inputs(f, h.Routes, seeds) {
		f.Add(in.Route, in.Arg, in.Query, in.ContentType, in.Body)
	}
	f.Fuzz(func(t *testing.T, route uint16, arg, query string, ctype uint8, body []byte) {
		rec, req, decoded, ok := Serve(t, h.Handler, h.Routes, h.Decoded, Input{Route: route, Arg: arg, Query: query, ContentType: ctype, Body: body})
		if !ok || decoded {
			return
		}
		refused(t, req, rec)
	})
}

// WantMessage fails unless a refusal's message says something, in at most
// MaxMessage bytes.
func WantMessage(t *testing.T, req *http.Request, msg string) {
	t.Helper()
	if msg == "" || len(msg) > MaxMessage {
		t.Fatalf("%s %s: a refusal message of %d bytes: %.200s", req.Method, req.URL, len(msg), msg)
	}
}

// WantCodedRefusal fails unless rec is a refusal in a {"code":…,
// "<msgKey>":…,"data":…} envelope (the app and activity families): an
// integer code and a data member, HTTP 4xx, a code among codes, and a
// message WantMessage accepts.
func WantCodedRefusal(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder, msgKey string, codes ...int) {
	t.Helper()
	var env map[string]json.RawMessage
	var code *int
	var msg string
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil ||
		json.Unmarshal(env["code"], &code) != nil || code == nil || env["data"] == nil ||
		(env[msgKey] != nil && json.Unmarshal(env[msgKey], &msg) != nil) {
		t.Fatalf("%s %s: HTTP %d outside the envelope: %s", req.Method, req.URL, rec.Code, rec.Body.Bytes())
	}
	if rec.Code < 400 || rec.Code > 499 || !slices.Contains(codes, *code) {
		t.Fatalf("%s %s: HTTP %d code %d (%s); want 4xx with one of %v", req.Method, req.URL, rec.Code, *code, msg, codes)
	}
	WantMessage(t, req, msg)
}

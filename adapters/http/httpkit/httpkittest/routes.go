package httpkittest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/app/kit"
)

// Decoded records the request an endpoint was handed, so a route's
// decoder can be exercised behind its real router, middleware and error
// encoder without the use case behind it.
type Decoded struct {
	mu  sync.Mutex
	req any
	hit bool
}

// errStub is what a stub endpoint answers; tests look at Decoded instead.
var errStub = errors.New("httpkittest: stub endpoint")

// Endpoint answers a request the transport could not decode with its
// error, as every endpoint does once its guards pass (kit.BadInput);
// any other request it records, failing with a transport error.
func (d *Decoded) Endpoint(_ context.Context, req any) (any, error) {
	if err := kit.InputError(req); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.req, d.hit = req, true
	return nil, errStub
}

// Take returns the recorded request, if any, and forgets it.
func (d *Decoded) Take() (any, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	req, hit := d.req, d.hit
	d.req, d.hit = nil, false
	return req, hit
}

// Stub sets every endpoint.Endpoint field of the struct eps points to (a
// module's endpoint set) to d.Endpoint, and returns eps.
func Stub[T any](eps *T, d *Decoded) *T {
	v := reflect.ValueOf(eps).Elem()
	epType := reflect.TypeFor[endpoint.Endpoint]()
	for i := range v.NumField() {
		if f := v.Field(i); f.Type() == epType && f.CanSet() {
			f.Set(reflect.ValueOf(endpoint.Endpoint(d.Endpoint)))
		}
	}
	return eps
}

// Route is one documented route: a method and a chi pattern.
type Route struct{ Method, Pattern string }

// ContentTypes are the Content-Type headers a fuzzed request is sent with.
var ContentTypes = []string{
	"application/json; charset=utf-8",
	"application/x-www-form-urlencoded;charset=utf-8",
	"",
	"application/json",
	"text/plain",
	"multipart/form-data; boundary=x",
	"application/x-www-form-urlencoded; charset=gbk",
	"application/json; charset=\"",
}

// Request builds the request a client could send to route: every {param}
// of the pattern becomes arg (path-escaped), query is sent as it is. It
// reports false when no client could send it (the URL does not parse).
func Request(rt Route, arg, query string, contentType string, body []byte) (*http.Request, bool) {
	var path strings.Builder
	for rest := rt.Pattern; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			path.WriteString(rest)
			break
		}
		path.WriteString(rest[:open])
		end := strings.IndexByte(rest[open:], '}')
		path.WriteString(escapeSegment(arg))
		rest = rest[open+end+1:]
	}
	target := path.String()
	if query != "" {
		target += "?" + query
	}
	req, err := http.NewRequest(rt.Method, "http://campushub.test"+target, strings.NewReader(string(body)))
	if err != nil {
		return nil, false
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req, true
}

// escapeSegment escapes what would end a path segment.
func escapeSegment(s string) string {
	return strings.NewReplacer("%", "%25", "/", "%2F", "?", "%3F", "#", "%23").Replace(s)
}

// FamilyRoutes lists the routes of h whose pattern starts with one of
// prefixes, sorted, so that a fuzzed index picks the same route each run.
func FamilyRoutes(tb testing.TB, h http.Handler, prefixes ...string) []Route {
	tb.Helper()
	all, err := server.Routes(h)
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(all)
	var out []Route
	for _, r := range all {
		method, pattern, _ := strings.Cut(r, " ")
		if slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(pattern, p) }) {
			out = append(out, Route{Method: method, Pattern: pattern})
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no routes under %q", prefixes)
	}
	return out
}

// Seed is a request example of one route, taken from the API documents.
type Seed struct {
	Route             string // "METHOD /pattern"
	Arg, Query        string
	ContentType, Body string
}

// Input is one fuzzed request: the route's index, its path argument,
// query, content type index and body.
type Input struct {
	Route       uint16
	Arg, Query  string
	ContentType uint8
	Body        []byte
}

// Inputs turns seeds into fuzz inputs; it fails on a seed naming no route
// or a content type outside ContentTypes.
func Inputs(tb testing.TB, routes []Route, seeds []Seed) []Input {
	tb.Helper()
	out := make([]Input, 0, len(seeds))
	for _, s := range seeds {
		i := slices.IndexFunc(routes, func(r Route) bool { return r.Method+" "+r.Pattern == s.Route })
		c := slices.Index(ContentTypes, s.ContentType)
		if i < 0 || c < 0 {
			tb.Fatalf("seed of %s (content type %q): no such route or content type", s.Route, s.ContentType)
		}
		out = append(out, Input{Route: uint16(i), Arg: s.Arg, Query: s.Query, ContentType: uint8(c), Body: []byte(s.Body)})
	}
	return out
}

// Serve sends in to h and reports the response and whether the request
// got past its decoder; ok is false when no client could send in. A
// request that got past its decoder with text no database stores fails tb.
func Serve(tb testing.TB, h http.Handler, routes []Route, d *Decoded, in Input) (rec *httptest.ResponseRecorder, req *http.Request, decoded, ok bool) {
	tb.Helper()
	rt := routes[int(in.Route)%len(routes)]
	req, ok = Request(rt, in.Arg, in.Query, ContentTypes[int(in.ContentType)%len(ContentTypes)], in.Body)
	if !ok {
		return nil, nil, false, false
	}
	req.Header.Set("Authorization", "Token fuzz")
	rec = httptest.NewRecorder()
	d.Take()
	h.ServeHTTP(rec, req)
	got, decoded := d.Take()
	if err := httpkit.CheckText(got); decoded && err != nil {
		tb.Fatalf("%s %s: the decoder passed on text no database stores (%v) in %#v", req.Method, req.URL, err, got)
	}
	return rec, req, decoded, true
}

// CheckSeeds fails unless every seed decodes.
func CheckSeeds(t *testing.T, h http.Handler, routes []Route, d *Decoded, seeds []Seed) {
	t.Helper()
	for i, in := range Inputs(t, routes, seeds) {
		rec, _, decoded, ok := Serve(t, h, routes, d, in)
		if !ok || !decoded {
			t.Errorf("seed of %s refused: %v", seeds[i].Route, recBody(rec))
		}
	}
}

func recBody(rec *httptest.ResponseRecorder) string {
	if rec == nil {
		return "not a request"
	}
	return fmt.Sprintf("HTTP %d %s", rec.Code, rec.Body.Bytes())
}

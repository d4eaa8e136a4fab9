package httpkit

import (
	"context"
	"net/http"

	kithttp "github.com/go-kit/kit/transport/http"

	"github.com/campushub/campushub/app/kit"
)

// The decoders of the requests every module shares (app/kit).

// NoInput decodes a route that takes nothing but its caller: kit.Empty.
func NoInput(context.Context, *http.Request) (any, error) { return kit.Empty{}, nil }

// NoBody decodes a route that takes nothing but may be sent an empty JSON
// object ({}), which it refuses anything else in: kit.Empty.
func NoBody(_ context.Context, r *http.Request) (any, error) {
	var b struct{}
	return kit.Empty{}, DecodeOptionalJSON(r, &b)
}

// DecodePage decodes a request for a page of a list (page_no, page_size):
// kit.Page.
func DecodePage(_ context.Context, r *http.Request) (any, error) { return ParsePage(r) }

// DecodeID decodes a request naming one thing by the positive id in the
// path parameter name: kit.IDRequest.
func DecodeID(name string) kithttp.DecodeRequestFunc {
	return func(_ context.Context, r *http.Request) (any, error) {
		id, err := PathID(r, name)
		return kit.IDRequest{ID: id}, err
	}
}

// PathIDPage reads the positive id in the path parameter name and the page
// of the list asked for about that thing (page_no, page_size).
func PathIDPage(r *http.Request, name string) (int64, kit.Page, error) {
	id, err := PathID(r, name)
	if err != nil {
		return 0, kit.Page{}, err
	}
	p, err := ParsePage(r)
	return id, p, err
}

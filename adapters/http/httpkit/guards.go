package httpkit

import (
	"context"
	"net/http"

	kithttp "github.com/go-kit/kit/transport/http"

	"github.com/campushub/campushub/app/kit"
)

// AfterGuards wraps a decoder so that its failure reaches the endpoint as a
// kit.BadInput request instead of ending the request at once: the
// endpoint's guards answer first (no or a bad credential: 401; the wrong
// role: 403) and only a caller that passes them hears what is wrong with
// the input. Every family's servers decode through it. A decoded request
// holding text no database stores is refused like a decoding failure
// (CheckText).
func AfterGuards(dec kithttp.DecodeRequestFunc) kithttp.DecodeRequestFunc {
	return func(ctx context.Context, r *http.Request) (any, error) {
		req, err := dec(ctx, r)
		if err == nil {
			err = CheckText(req)
		}
		if err != nil {
			return kit.BadInput{Err: err}, nil
		}
		return req, nil
	}
}

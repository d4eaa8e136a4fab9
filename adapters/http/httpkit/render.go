package httpkit

import (
	"context"
	"fmt"
	"net/http"

	kithttp "github.com/go-kit/kit/transport/http"

	"github.com/campushub/campushub/app/kit"
)

// Render turns a successful endpoint response into the data its envelope
// carries. It fails only on a wiring fault (a response of another type),
// which the Server answers as an internal error.
type Render func(resp any) (any, error)

// Data renders the result of a kit.Response[T] with fn.
func Data[T, V any](fn func(T) V) Render {
	return func(resp any) (any, error) {
		r, ok := resp.(kit.Response[T])
		if !ok {
			return nil, fmt.Errorf("httpkit: got a %T response, want %T", resp, r)
		}
		return fn(r.Data), nil
	}
}

// AsIs renders the result of any kit.Response as it is.
func AsIs(resp any) (any, error) {
	r, ok := resp.(interface{ Value() any })
	if !ok {
		return nil, fmt.Errorf("httpkit: got a %T response, want a kit.Response", resp)
	}
	return r.Value(), nil
}

// Each renders a kit.Response of a list item by item with fn; the list is
// never null on the wire.
func Each[T, V any](fn func(T) V) Render {
	return Data(func(items []T) []V { return renderAll(items, fn) })
}

// Paged renders a kit.Response of a kit.List as the seed's pagination
// envelope, item by item with fn.
func Paged[T, V any](fn func(T) V) Render {
	return Data(func(l kit.List[T]) PageOf[V] { return RenderPage(l.Page, l.Total, l.Items, fn) })
}

func renderAll[T, V any](items []T, fn func(T) V) []V {
	out := make([]V, len(items))
	for i, it := range items {
		out[i] = fn(it)
	}
	return out
}

// Encode makes the encoder of a route that writes its answer itself
// (Server.Custom): fn gets the result of a kit.Response[T]; a response of
// another type is a wiring fault, answered as an internal error.
func Encode[T any](fn func(ctx context.Context, w http.ResponseWriter, result T) error) kithttp.EncodeResponseFunc {
	return func(ctx context.Context, w http.ResponseWriter, resp any) error {
		r, ok := resp.(kit.Response[T])
		if !ok {
			return fmt.Errorf("httpkit: got a %T response, want %T", resp, r)
		}
		return fn(ctx, w, r.Data)
	}
}

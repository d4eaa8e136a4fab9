package httpkit

import (
	"fmt"

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

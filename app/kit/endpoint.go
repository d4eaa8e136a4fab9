package kit

import (
	"context"
	"fmt"

	"github.com/go-kit/kit/endpoint"
)

// Response is every endpoint's answer: the use case's result, or the
// business error it failed with. The error travels inside the response
// (endpoint.Failer), so the endpoint's own error is left for the guards'
// refusals and for transport faults.
type Response[T any] struct {
	Data T
	Err  error
}

// Failed implements endpoint.Failer.
func (r Response[T]) Failed() error { return r.Err }

// Value returns the result as it is, for a transport that renders it
// without knowing its type.
func (r Response[T]) Value() any { return r.Data }

// Empty is the request of a use case that takes nothing but its caller,
// and the result of one that answers nothing but success.
type Empty struct{}

// IDRequest names one thing by its id.
type IDRequest struct{ ID int64 }

// List is a page of a list as a use case answers it: the page asked for,
// the number of items in the whole list and the items on the page.
type List[T any] struct {
	Page  Page
	Total int64
	Items []T
}

// Unary turns a use case taking a request of type Req into an endpoint
// answering Response[Res]. A request of another type is a wiring fault,
// returned as the endpoint's error.
func Unary[Req, Res any](fn func(ctx context.Context, req Req) (Res, error)) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req, ok := request.(Req)
		if !ok {
			return nil, fmt.Errorf("endpoint: got a %T request, want %T", request, req)
		}
		data, err := fn(ctx, req)
		return Response[Res]{Data: data, Err: err}, nil
	}
}

// Command turns a use case that answers nothing but success into an
// endpoint answering Response[Empty].
func Command[Req any](fn func(ctx context.Context, req Req) error) endpoint.Endpoint {
	return Unary(func(ctx context.Context, req Req) (Empty, error) { return Empty{}, fn(ctx, req) })
}

// Nullary turns a use case that takes nothing but its caller (from ctx)
// into an endpoint of Empty requests.
func Nullary[Res any](fn func(ctx context.Context) (Res, error)) endpoint.Endpoint {
	return Unary(func(ctx context.Context, _ Empty) (Res, error) { return fn(ctx) })
}

// ByID turns a use case acting on one id into an endpoint of IDRequests.
func ByID[Res any](fn func(ctx context.Context, id int64) (Res, error)) endpoint.Endpoint {
	return Unary(func(ctx context.Context, r IDRequest) (Res, error) { return fn(ctx, r.ID) })
}

// CommandByID turns a use case acting on one id and answering nothing but
// success into an endpoint of IDRequests.
func CommandByID(fn func(ctx context.Context, id int64) error) endpoint.Endpoint {
	return Command(func(ctx context.Context, r IDRequest) error { return fn(ctx, r.ID) })
}

// Paged turns a use case listing a page into an endpoint of Page requests
// answering Response[List[T]].
func Paged[T any](fn func(ctx context.Context, p Page) ([]T, int64, error)) endpoint.Endpoint {
	return Unary(func(ctx context.Context, p Page) (List[T], error) {
		items, total, err := fn(ctx, p)
		return List[T]{Page: p, Total: total, Items: items}, err
	})
}

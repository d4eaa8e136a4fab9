package kit

import (
	"context"

	"github.com/go-kit/kit/endpoint"
)

// BadInput is the request a transport hands an endpoint when it could not
// decode what the client sent. The endpoint's guards (authentication, then
// role) still run first; once they pass, Err is the answer. A caller thus
// learns who may call before what is wrong with the call, and a request
// without credentials learns nothing about the input rules.
type BadInput struct{ Err error }

// InputError returns the decoding error a BadInput request carries, nil for
// any other request.
func InputError(req any) error {
	if b, ok := req.(BadInput); ok {
		return b.Err
	}
	return nil
}

// Open marks an endpoint that needs no credentials: it answers a BadInput
// request with its error and passes every other request on. Every endpoint
// is either behind a guard that checks InputError or wrapped in Open.
func Open(next endpoint.Endpoint) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		if err := InputError(req); err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

// Guard makes endpoint middleware from identify, which says who is calling
// (from the credential the transport put into ctx) or refuses the call,
// and returns the context the endpoint runs with. Only a caller it lets
// through learns what is wrong with a request the transport could not
// decode. Every endpoint is either guarded or Open.
func Guard(identify func(ctx context.Context) (context.Context, error)) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req any) (any, error) {
			ctx, err := identify(ctx)
			if err != nil {
				return nil, err
			}
			if err := InputError(req); err != nil {
				return nil, err
			}
			return next(ctx, req)
		}
	}
}

// Require makes a Guard from the three steps every credential check takes:
// identify says who is calling (from the credential the transport put into
// ctx) or refuses the call, allowed says whether that caller may make this
// call, and store puts the caller into the context the endpoint runs with.
func Require[C any](
	identify func(ctx context.Context) (C, error),
	allowed func(C) error,
	store func(ctx context.Context, caller C) context.Context,
) endpoint.Middleware {
	return Guard(func(ctx context.Context) (context.Context, error) {
		c, err := identify(ctx)
		if err != nil {
			return ctx, err
		}
		if err := allowed(c); err != nil {
			return ctx, err
		}
		return store(ctx, c), nil
	})
}

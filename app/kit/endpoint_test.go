package kit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/kit"
)

var errBusiness = errors.New("business rule broken")

func TestEndpointsCarryResultAndBusinessError(t *testing.T) {
	ctx := context.Background()
	double := func(_ context.Context, id int64) (int64, error) {
		if id < 0 {
			return 0, errBusiness
		}
		return 2 * id, nil
	}
	list := func(_ context.Context, p kit.Page) ([]string, int64, error) { return []string{"a", "b"}, 7, nil }
	cases := []struct {
		name    string
		ep      endpoint.Endpoint
		req     any
		want    any
		wantErr error
	}{
		{"by id", kit.ByID(double), kit.IDRequest{ID: 21}, kit.Response[int64]{Data: 42}, nil},
		{"by id failing", kit.ByID(double), kit.IDRequest{ID: -1}, kit.Response[int64]{Err: errBusiness}, errBusiness},
		{"command", kit.CommandByID(func(context.Context, int64) error { return errBusiness }), kit.IDRequest{ID: 1},
			kit.Response[kit.Empty]{Err: errBusiness}, errBusiness},
		{"nullary", kit.Nullary(func(context.Context) (string, error) { return "me", nil }), kit.Empty{}, kit.Response[string]{Data: "me"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := tc.ep(ctx, tc.req)
			if err != nil {
				t.Fatalf("endpoint error %v; business errors belong in the response", err)
			}
			if resp != tc.want {
				t.Fatalf("response %#v, want %#v", resp, tc.want)
			}
			if got := resp.(endpoint.Failer).Failed(); !errors.Is(got, tc.wantErr) || (tc.wantErr == nil) != (got == nil) {
				t.Fatalf("Failed() = %v, want %v", got, tc.wantErr)
			}
		})
	}
	t.Run("paged keeps the page asked for", func(t *testing.T) {
		resp, err := kit.Paged(list)(ctx, kit.Page{No: 3, Size: 2})
		if err != nil {
			t.Fatal(err)
		}
		l := resp.(kit.Response[kit.List[string]]).Data
		if l.Page != (kit.Page{No: 3, Size: 2}) || l.Total != 7 || len(l.Items) != 2 {
			t.Fatalf("list %+v", l)
		}
		if v := resp.(interface{ Value() any }).Value(); v.(kit.List[string]).Total != 7 {
			t.Fatalf("Value() = %#v", v)
		}
	})
}

func TestEndpointRefusesAnotherRequestType(t *testing.T) {
	ep := kit.ByID(func(context.Context, int64) (int, error) { return 1, nil })
	resp, err := ep(context.Background(), kit.Page{})
	if err == nil || resp != nil {
		t.Fatalf("got %v, %v; want a wiring error", resp, err)
	}
}

type callerKey struct{}

func TestGuardAnswersTheCallerBeforeTheInput(t *testing.T) {
	errNoCaller := errors.New("who are you")
	errInput := errors.New("bad input")
	guard := kit.Guard(func(ctx context.Context) (context.Context, error) {
		who, _ := ctx.Value(callerKey{}).(string)
		if who == "" {
			return ctx, errNoCaller
		}
		return context.WithValue(ctx, callerKey{}, "checked "+who), nil
	})
	ep := guard(func(ctx context.Context, _ any) (any, error) { return ctx.Value(callerKey{}), nil })
	checkGuard(t, ep, []guardCase{
		{"no caller, bad input: the caller is refused", "", kit.BadInput{Err: errInput}, nil, errNoCaller},
		{"no caller, good input", "", kit.Empty{}, nil, errNoCaller},
		{"a caller, bad input: the input is refused", "ann", kit.BadInput{Err: errInput}, nil, errInput},
		{"a caller, good input: the endpoint runs with the guard's context", "ann", kit.Empty{}, "checked ann", nil},
	})
}

func TestRequireIdentifiesThenAllowsThenStores(t *testing.T) {
	errNoCaller := errors.New("who are you")
	errNotAllowed := errors.New("not you")
	errInput := errors.New("bad input")
	guard := kit.Require(
		func(ctx context.Context) (string, error) {
			who, _ := ctx.Value(callerKey{}).(string)
			if who == "" {
				return "", errNoCaller
			}
			return who, nil
		},
		func(who string) error {
			if who == "bob" {
				return errNotAllowed
			}
			return nil
		},
		func(ctx context.Context, who string) context.Context {
			return context.WithValue(ctx, callerKey{}, "stored "+who)
		},
	)
	ep := guard(func(ctx context.Context, _ any) (any, error) { return ctx.Value(callerKey{}), nil })
	checkGuard(t, ep, []guardCase{
		{"no caller, bad input: the caller is refused", "", kit.BadInput{Err: errInput}, nil, errNoCaller},
		{"a caller not allowed, bad input: the caller is refused", "bob", kit.BadInput{Err: errInput}, nil, errNotAllowed},
		{"an allowed caller, bad input: the input is refused", "ann", kit.BadInput{Err: errInput}, nil, errInput},
		{"an allowed caller, good input: the endpoint sees the stored caller", "ann", kit.Empty{}, "stored ann", nil},
	})
}

// guardCase is one call through a guarded endpoint that answers with the
// caller its context holds.
type guardCase struct {
	name    string
	caller  string
	req     any
	want    any
	wantErr error
}

func checkGuard(t *testing.T, ep endpoint.Endpoint, cases []guardCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.WithValue(context.Background(), callerKey{}, tc.caller)
			got, err := ep(ctx, tc.req)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) || got != tc.want {
				t.Fatalf("got %v, %v; want %v, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

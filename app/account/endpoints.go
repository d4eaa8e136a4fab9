package account

import (
	"context"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/account"
)

// Endpoints are the account use cases as go-kit endpoints. Business errors
// travel inside the responses (endpoint.Failer); the returned error is kept
// for authentication failures raised by middleware and for transport faults.
type Endpoints struct {
	SendCode   endpoint.Endpoint
	CheckCode  endpoint.Endpoint
	Register   endpoint.Endpoint
	Login      endpoint.Endpoint
	Refresh    endpoint.Endpoint
	Destroy    endpoint.Endpoint
	Info       endpoint.Endpoint
	UpdateInfo endpoint.Endpoint
}

// MakeEndpoints wires every endpoint to s; the personal ones and
// destroy_token require a valid access token. Info takes a kit.Empty
// request; SendCode, CheckCode and Destroy answer a kit.Response[kit.Empty],
// Register, Login and Refresh a token pair, Info and UpdateInfo the account.
func MakeEndpoints(s *Service) Endpoints {
	user := auth.RequireUser(s)
	return Endpoints{
		SendCode: kit.Open(kit.Command(func(ctx context.Context, r SendCodeRequest) error {
			return s.SendCode(ctx, r.Area, r.Account)
		})),
		CheckCode: kit.Open(kit.Command(func(ctx context.Context, r CheckCodeRequest) error {
			return s.CheckCode(ctx, r.Area, r.Account, r.Code)
		})),
		Register: kit.Open(kit.Unary(func(ctx context.Context, r RegisterRequest) (account.Pair, error) {
			return s.Register(ctx, r.Area, r.Account, r.Code, r.Password)
		})),
		Login: kit.Open(kit.Unary(func(ctx context.Context, r LoginRequest) (account.Pair, error) {
			return s.Login(ctx, r.Area, r.Account, r.Password)
		})),
		Refresh: kit.Open(kit.Unary(func(ctx context.Context, r RefreshRequest) (account.Pair, error) {
			return s.Refresh(ctx, r.RefreshToken)
		})),
		// Destroy revokes the token the caller presented.
		Destroy: user(kit.Command(func(ctx context.Context, _ kit.Empty) error {
			return s.Destroy(ctx, auth.TokenFrom(ctx))
		})),
		Info: user(kit.Nullary(s.Info)),
		UpdateInfo: user(kit.Unary(func(ctx context.Context, r UpdateInfoRequest) (account.Account, error) {
			return s.UpdateInfo(ctx, r.Change)
		})),
	}
}

// SendCodeRequest asks for a verification code.
type SendCodeRequest struct{ Area, Account string }

// CheckCodeRequest verifies a code.
type CheckCodeRequest struct{ Area, Account, Code string }

// RegisterRequest creates a user.
type RegisterRequest struct{ Area, Account, Code, Password string }

// LoginRequest signs in with a password.
type LoginRequest struct{ Area, Account, Password string }

// RefreshRequest exchanges a refresh token.
type RefreshRequest struct{ RefreshToken string }

// UpdateInfoRequest changes the caller's profile.
type UpdateInfoRequest struct{ Change account.ProfileChange }

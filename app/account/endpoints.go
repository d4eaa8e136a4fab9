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
// destroy_token require a valid access token.
func MakeEndpoints(s *Service) Endpoints {
	user := auth.RequireUser(s)
	return Endpoints{
		SendCode:   kit.Open(MakeSendCodeEndpoint(s)),
		CheckCode:  kit.Open(MakeCheckCodeEndpoint(s)),
		Register:   kit.Open(MakeRegisterEndpoint(s)),
		Login:      kit.Open(MakeLoginEndpoint(s)),
		Refresh:    kit.Open(MakeRefreshEndpoint(s)),
		Destroy:    user(MakeDestroyEndpoint(s)),
		Info:       user(MakeInfoEndpoint(s)),
		UpdateInfo: user(MakeUpdateInfoEndpoint(s)),
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

// DestroyRequest revokes the caller's token.
type DestroyRequest struct{}

// InfoRequest reads the caller's account.
type InfoRequest struct{}

// UpdateInfoRequest changes the caller's profile.
type UpdateInfoRequest struct{ Change account.ProfileChange }

// EmptyResponse answers use cases with no data.
type EmptyResponse struct{ Err error }

// Failed implements endpoint.Failer.
func (r EmptyResponse) Failed() error { return r.Err }

// TokenResponse carries a token pair.
type TokenResponse struct {
	Pair account.Pair
	Err  error
}

// Failed implements endpoint.Failer.
func (r TokenResponse) Failed() error { return r.Err }

// AccountResponse carries an account.
type AccountResponse struct {
	Account account.Account
	Err     error
}

// Failed implements endpoint.Failer.
func (r AccountResponse) Failed() error { return r.Err }

// MakeSendCodeEndpoint wraps Service.SendCode.
func MakeSendCodeEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(SendCodeRequest)
		return EmptyResponse{Err: s.SendCode(ctx, req.Area, req.Account)}, nil
	}
}

// MakeCheckCodeEndpoint wraps Service.CheckCode.
func MakeCheckCodeEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(CheckCodeRequest)
		return EmptyResponse{Err: s.CheckCode(ctx, req.Area, req.Account, req.Code)}, nil
	}
}

// MakeRegisterEndpoint wraps Service.Register.
func MakeRegisterEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(RegisterRequest)
		p, err := s.Register(ctx, req.Area, req.Account, req.Code, req.Password)
		return TokenResponse{Pair: p, Err: err}, nil
	}
}

// MakeLoginEndpoint wraps Service.Login.
func MakeLoginEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(LoginRequest)
		p, err := s.Login(ctx, req.Area, req.Account, req.Password)
		return TokenResponse{Pair: p, Err: err}, nil
	}
}

// MakeRefreshEndpoint wraps Service.Refresh.
func MakeRefreshEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(RefreshRequest)
		p, err := s.Refresh(ctx, req.RefreshToken)
		return TokenResponse{Pair: p, Err: err}, nil
	}
}

// MakeDestroyEndpoint wraps Service.Destroy with the caller's own token.
func MakeDestroyEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, _ any) (any, error) {
		return EmptyResponse{Err: s.Destroy(ctx, auth.TokenFrom(ctx))}, nil
	}
}

// MakeInfoEndpoint wraps Service.Info.
func MakeInfoEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, _ any) (any, error) {
		a, err := s.Info(ctx)
		return AccountResponse{Account: a, Err: err}, nil
	}
}

// MakeUpdateInfoEndpoint wraps Service.UpdateInfo.
func MakeUpdateInfoEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(UpdateInfoRequest)
		a, err := s.UpdateInfo(ctx, req.Change)
		return AccountResponse{Account: a, Err: err}, nil
	}
}

package activity

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
)

// CallerKind is the access_type of a credential.
type CallerKind string

// The access types.
const (
	CallerUser CallerKind = "user"
	CallerOrg  CallerKind = "org"
)

// Credential is what a request presented: access_token and access_type.
type Credential struct {
	Type  string
	Token string
}

// Caller is an authenticated caller of the activity API: an app user or an
// organisation.
type Caller struct {
	Kind      CallerKind
	AccountID int64
	OrgID     int64
}

// IsOrg reports whether an organisation is calling.
func (c Caller) IsOrg() bool { return c.Kind == CallerOrg }

// OwnMemberID is a user's member id: the account id in decimal.
func (c Caller) OwnMemberID() string { return strconv.FormatInt(c.AccountID, 10) }

// The credential errors.
var (
	ErrMissingToken  = shared.ErrUnauthenticated.WithMessage("access_token is required")
	ErrMissingType   = shared.Invalid("access_type", "access_type is required: user or org")
	ErrWrongOrgToken = shared.ErrUnauthenticated.WithMessage("invalid organisation token: it is wrong or was revoked")
)

type credentialKey struct{}
type callerKey struct{}

// WithCredential stores the credential the transport found.
func WithCredential(ctx context.Context, c Credential) context.Context {
	return context.WithValue(ctx, credentialKey{}, c)
}

// CallerFrom returns the caller the Identify middleware stored.
func CallerFrom(ctx context.Context) (Caller, error) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	if !ok {
		return Caller{}, ErrMissingToken
	}
	return c, nil
}

// WithCaller stores an authenticated caller.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// Identify resolves a credential: user tokens through the account module,
// org tokens through the organisation tokens.
func (s *Service) Identify(ctx context.Context, cred Credential) (Caller, error) {
	if cred.Token == "" {
		return Caller{}, ErrMissingToken
	}
	switch CallerKind(strings.ToLower(strings.TrimSpace(cred.Type))) {
	case "":
		return Caller{}, ErrMissingType
	case CallerUser:
		p, err := s.Users.Authenticate(ctx, cred.Token)
		if err != nil {
			return Caller{}, err
		}
		return Caller{Kind: CallerUser, AccountID: p.AccountID}, nil
	case CallerOrg:
		orgID, err := s.AuthenticateOrg(ctx, cred.Token)
		if err != nil {
			return Caller{}, err
		}
		return Caller{Kind: CallerOrg, OrgID: orgID}, nil
	default:
		return Caller{}, shared.Invalid("access_type", "access_type must be user or org, got %q", cred.Type)
	}
}

// AuthenticateOrg resolves an organisation token to its organisation.
func (s *Service) AuthenticateOrg(ctx context.Context, token string) (int64, error) {
	if len(token) > 200 {
		return 0, ErrWrongOrgToken
	}
	t, err := s.Organisations.TokenByHash(ctx, activity.HashToken(token))
	if errors.Is(err, shared.ErrNotFound) || (err == nil && !t.Active()) {
		return 0, ErrWrongOrgToken
	}
	if err != nil {
		return 0, err
	}
	return t.OrgID, nil
}

// RequireCaller is endpoint middleware that identifies the request's
// credential: an app user or an organisation passes. Only then does it
// answer a request the transport could not decode (kit.BadInput).
func RequireCaller(s *Service) endpoint.Middleware {
	return s.require(func(Caller) error { return nil })
}

// RequireOrg is RequireCaller that refuses a user: only an organisation
// passes.
func RequireOrg(s *Service) endpoint.Middleware {
	return s.require(func(c Caller) error {
		if !c.IsOrg() {
			return activity.ErrOrgOnly
		}
		return nil
	})
}

// require identifies the request's credential, checks the caller with
// allowed, and stores the caller in the context for the endpoint; only then
// is the request's input checked (kit.Require).
func (s *Service) require(allowed func(Caller) error) endpoint.Middleware {
	return kit.Require(func(ctx context.Context) (Caller, error) {
		cred, _ := ctx.Value(credentialKey{}).(Credential)
		return s.Identify(ctx, cred)
	}, allowed, WithCaller)
}

// memberOf returns the member id a call is about: a user acts as
// themselves (an explicit member_id must be their own), an organisation
// names the member.
func memberOf(c Caller, memberID string) (string, error) {
	if !c.IsOrg() {
		if memberID != "" && memberID != c.OwnMemberID() {
			return "", activity.ErrMemberIsCaller
		}
		return c.OwnMemberID(), nil
	}
	return memberID, activity.CheckMemberID(memberID)
}

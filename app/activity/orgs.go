package activity

import (
	"context"
	"errors"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
)

// manager insists on a manager caller (the Require middleware has run).
func manager(ctx context.Context) error {
	p, err := auth.Caller(ctx)
	if err != nil {
		return err
	}
	if !p.IsManager() {
		return auth.ErrNotManager
	}
	return nil
}

// CreateOrg creates an organisation.
func (s *Service) CreateOrg(ctx context.Context, name string) (activity.Organisation, error) {
	if err := manager(ctx); err != nil {
		return activity.Organisation{}, err
	}
	o, err := activity.NewOrganisation(name, s.Clock.Now())
	if err != nil {
		return o, err
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.Organisations.Create(ctx, &o); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, o.Created())
	})
	return o, err
}

// ListOrgs pages through the organisations, oldest first.
func (s *Service) ListOrgs(ctx context.Context, p kit.Page) ([]activity.Organisation, int64, error) {
	if err := manager(ctx); err != nil {
		return nil, 0, err
	}
	return s.Organisations.List(ctx, p.Offset(), p.Limit())
}

func (s *Service) org(ctx context.Context, id int64) (activity.Organisation, error) {
	o, err := s.Organisations.ByID(ctx, id)
	if errors.Is(err, shared.ErrNotFound) {
		return o, activity.ErrOrgNotFound.WithMessage("organisation %d not found", id)
	}
	return o, err
}

// IssuedToken is a new organisation token: the plain text, shown once, and
// its stored form.
type IssuedToken struct {
	Plain string
	Token activity.OrgToken
}

// IssueToken issues a new access token to an organisation.
func (s *Service) IssueToken(ctx context.Context, orgID int64, label string) (IssuedToken, error) {
	if err := manager(ctx); err != nil {
		return IssuedToken{}, err
	}
	plain := activity.TokenPrefix + s.Random.Token(activity.TokenLength-len(activity.TokenPrefix))
	t, err := activity.NewOrgToken(orgID, plain, label, s.Clock.Now())
	if err != nil {
		return IssuedToken{}, err
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if _, err := s.org(ctx, orgID); err != nil {
			return err
		}
		if err := s.Organisations.CreateToken(ctx, &t); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, t.Issued())
	})
	return IssuedToken{Plain: plain, Token: t}, err
}

// Tokens lists an organisation's tokens (hints only, never the secret).
func (s *Service) Tokens(ctx context.Context, orgID int64) ([]activity.OrgToken, error) {
	if err := manager(ctx); err != nil {
		return nil, err
	}
	if _, err := s.org(ctx, orgID); err != nil {
		return nil, err
	}
	return s.Organisations.Tokens(ctx, orgID)
}

// RevokeToken revokes an organisation token; it stops working at once.
func (s *Service) RevokeToken(ctx context.Context, orgID, tokenID int64) error {
	if err := manager(ctx); err != nil {
		return err
	}
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		now := s.Clock.Now()
		ok, err := s.Organisations.RevokeToken(ctx, orgID, tokenID, now)
		if err != nil {
			return err
		}
		if !ok {
			return activity.ErrTokenNotFound.WithMessage("organisation %d has no active token %d", orgID, tokenID)
		}
		return s.Outbox.Append(ctx, activity.OrgToken{ID: tokenID, OrgID: orgID, RevokedAt: now}.Revoked())
	})
}

// OwnOrg returns the calling organisation.
func (s *Service) OwnOrg(ctx context.Context) (activity.Organisation, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return activity.Organisation{}, err
	}
	return s.org(ctx, c.OrgID)
}

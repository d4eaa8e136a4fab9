package activity

import (
	"strings"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Organisation is a 机构: it owns activities and meetings and calls the API
// with tokens a manager issued to it.
type Organisation struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// MaxNameLen bounds organisation, activity and meeting names.
const MaxNameLen = 100

// NewOrganisation checks the name and builds an organisation.
func NewOrganisation(name string, now time.Time) (Organisation, error) {
	name = strings.TrimSpace(name)
	if err := checkName("name", name); err != nil {
		return Organisation{}, err
	}
	return Organisation{Name: name, CreatedAt: now}, nil
}

// Created is the event of a new organisation.
func (o Organisation) Created() shared.Event {
	return shared.NewEvent(Module, "org_created", orgAggregate(o.ID), o.CreatedAt, map[string]any{"org_id": o.ID, "name": o.Name})
}

func orgAggregate(id int64) string { return "org:" + itoa(id) }

// TokenLength is the length of an organisation token.
const TokenLength = 48

// TokenPrefix starts every organisation token, so a leaked one is
// recognisable; it is part of the secret's text, not of its randomness.
const TokenPrefix = "org_"

// OrgToken is an access token issued to an organisation. Only its hash is
// stored; Hint (its first characters) lets people tell tokens apart.
type OrgToken struct {
	ID        int64
	OrgID     int64
	Hash      string
	Hint      string
	Label     string
	IssuedAt  time.Time
	RevokedAt time.Time
}

// HashToken hashes a token for storage and lookup (shared.HashToken).
func HashToken(plain string) string { return shared.HashToken(plain) }

// NewOrgToken builds the stored form of the plain token issued to org.
func NewOrgToken(orgID int64, plain, label string, now time.Time) (OrgToken, error) {
	label = strings.TrimSpace(label)
	if len([]rune(label)) > MaxNameLen {
		return OrgToken{}, shared.Invalid("label", "label is too long (at most %d characters)", MaxNameLen)
	}
	return OrgToken{OrgID: orgID, Hash: HashToken(plain), Hint: plain[:len(TokenPrefix)+4], Label: label, IssuedAt: now}, nil
}

// Active reports whether the token may still be used.
func (t OrgToken) Active() bool { return t.RevokedAt.IsZero() }

// Issued is the event of a new token; it carries no secret.
func (t OrgToken) Issued() shared.Event {
	return shared.NewEvent(Module, "org_token_issued", orgAggregate(t.OrgID), t.IssuedAt, map[string]any{
		"org_id": t.OrgID, "token_id": t.ID, "hint": t.Hint, "label": t.Label})
}

// Revoked is the event of a revoked token.
func (t OrgToken) Revoked() shared.Event {
	return shared.NewEvent(Module, "org_token_revoked", orgAggregate(t.OrgID), t.RevokedAt, map[string]any{
		"org_id": t.OrgID, "token_id": t.ID})
}

func checkName(field, name string) error {
	if name == "" {
		return shared.Invalid(field, "%s is required", field)
	}
	if len([]rune(name)) > MaxNameLen {
		return shared.Invalid(field, "%s is too long (%d characters, at most %d)", field, len([]rune(name)), MaxNameLen)
	}
	return nil
}

package account

import (
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// TokenKind tells access tokens from refresh tokens.
type TokenKind string

// The token kinds.
const (
	AccessToken  TokenKind = "access"
	RefreshToken TokenKind = "refresh"
)

// TokenLength is the length of issued tokens, as in the seed's example.
const TokenLength = 50

// Token is an issued credential. Only its hash is stored. Tokens issued
// together, and every pair refreshed from them, share a Family; reuse of a
// spent refresh token revokes the whole family.
type Token struct {
	Hash      string
	Kind      TokenKind
	AccountID int64
	Family    string
	IssuedAt  time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // refresh tokens: when it was exchanged
	RevokedAt time.Time
}

// HashToken hashes a token for storage and lookup (shared.HashToken).
func HashToken(plain string) string { return shared.HashToken(plain) }

// Valid reports whether the token can be used at now.
func (t Token) Valid(now time.Time) bool {
	return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt) && (t.Kind != RefreshToken || t.UsedAt.IsZero())
}

// TokenPolicy sets token lifetimes.
type TokenPolicy struct {
	AccessTTL  time.Duration
	RefreshTTL time.Duration
}

// Pair is an access and a refresh token as handed to the client.
type Pair struct {
	Access    string
	Refresh   string
	ExpiresAt time.Time     // of the access token
	ExpiresIn time.Duration // of the access token
}

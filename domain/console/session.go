// Package console holds the web console's session: who signed in (a manager
// or an organisation), until when, and the rule that only a hash of the
// session id is ever stored.
package console

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Kind says who a session belongs to.
type Kind string

// The session kinds.
const (
	KindManager Kind = "manager" // a manager account signed in with its password
	KindOrg     Kind = "org"     // an organisation signed in with one of its tokens
)

// IDLength is the length of a session id: 43 alphanumeric characters, more
// than 256 bits of randomness.
const IDLength = 43

// Session is a signed-in console session. Only IDHash is stored; the plain
// id lives in the browser's cookie.
type Session struct {
	IDHash     string
	Kind       Kind
	AccountID  int64 // manager sessions
	OrgID      int64 // organisation sessions
	OrgTokenID int64 // the token the organisation signed in with
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// HashID is the stored form of a session id.
func HashID(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// Live reports whether the session can be used at now.
func (s Session) Live(now time.Time) bool { return now.Before(s.ExpiresAt) }

// The session errors.
var (
	ErrNoSession  = shared.NewError(shared.KindUnauthenticated, "console.no_session", "not signed in")
	ErrExpired    = shared.NewError(shared.KindUnauthenticated, "console.session_expired", "the session has expired; sign in again")
	ErrNotManager = shared.NewError(shared.KindForbidden, "console.not_manager", "the console is for managers; this account is not one")
)

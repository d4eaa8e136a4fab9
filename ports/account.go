package ports

import (
	"context"
	"time"

	"github.com/campushub/campushub/domain/account"
)

// Accounts stores accounts. Create returns shared.ErrAlreadyExists when the
// key is taken; lookups return shared.ErrNotFound. Inside a unit of work,
// ByID locks the row until commit, so concurrent login attempts are each
// counted.
type Accounts interface {
	Create(ctx context.Context, a *account.Account) error
	ByKey(ctx context.Context, key string) (account.Account, error)
	ByID(ctx context.Context, id int64) (account.Account, error)
	Update(ctx context.Context, a account.Account) error
}

// Codes stores verification codes.
type Codes interface {
	Create(ctx context.Context, c *account.Code) error
	// Latest returns the newest code for key, or shared.ErrNotFound; inside a
	// unit of work it locks the row until commit.
	Latest(ctx context.Context, key string) (account.Code, error)
	// SentSince returns when each code for key created at or after t was
	// created, oldest first.
	SentSince(ctx context.Context, key string, t time.Time) ([]time.Time, error)
	Update(ctx context.Context, c account.Code) error
	// Delete removes a code that could not be delivered.
	Delete(ctx context.Context, id int64) error
}

// Tokens stores issued tokens by hash.
type Tokens interface {
	Create(ctx context.Context, ts ...account.Token) error
	// ByHash returns the token with that hash, or shared.ErrNotFound.
	ByHash(ctx context.Context, hash string) (account.Token, error)
	// MarkUsed sets used_at on a refresh token that is still unused and
	// reports whether this call was the one that did it.
	MarkUsed(ctx context.Context, hash string, at time.Time) (bool, error)
	// RevokeFamily revokes every unrevoked token of a family.
	RevokeFamily(ctx context.Context, family string, at time.Time) error
}

// LoginClients keeps each client's password attempts per account.
type LoginClients interface {
	// Get returns what the account knows about client; a client never seen
	// is a zero LoginClient for that account and client, not an error.
	Get(ctx context.Context, accountID int64, client string) (account.LoginClient, error)
	// Save stores c, creating it when new.
	Save(ctx context.Context, c account.LoginClient) error
	// CountLocked counts the clients locked out of the account at now.
	CountLocked(ctx context.Context, accountID int64, now time.Time) (int, error)
}

// CodeSender delivers a verification code to an account. It returns one of
// the account.ErrSMS*/ErrMail* errors when the channel fails.
type CodeSender interface {
	SendCode(ctx context.Context, to account.Identifier, code string) error
}

// PasswordHasher hashes and checks passwords.
type PasswordHasher interface {
	Hash(password string) (string, error)
	Compare(hash, password string) bool
}

package account

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// MaxCodeAttempts is how many wrong guesses a code survives; the next wrong
// guess invalidates it.
const MaxCodeAttempts = 5

// CodeLength is the number of digits of a verification code.
const CodeLength = 6

// DailyWindow is the span over which CodePolicy.DailyLimit counts codes: a
// sliding window ending now, not a calendar day.
const DailyWindow = 24 * time.Hour

// CodePolicy bounds how codes are issued.
type CodePolicy struct {
	TTL        time.Duration // how long a code stays valid
	Interval   time.Duration // shortest gap between two codes to one account
	DailyLimit int           // most codes to one account in DailyWindow
	// Areas are the phone area codes codes may be sent to (e.g. "86"); empty
	// allows every area. E-mail accounts are not affected.
	Areas []string
}

// CheckArea refuses a phone account outside the served areas: each text
// message costs money, and numbers in far-away areas are where SMS-pumping
// fraud sends its traffic.
func (p CodePolicy) CheckArea(id Identifier) error {
	if id.Channel != Phone || len(p.Areas) == 0 || slices.Contains(p.Areas, id.Area) {
		return nil
	}
	return ErrAreaNotServed.WithMessage("verification codes are not sent to phone numbers in area %s; served areas: %s", id.Area, strings.Join(p.Areas, ", "))
}

// Code is a verification code sent to an account. Only its hash is kept.
type Code struct {
	ID         int64
	Key        string // Identifier.Key()
	Hash       string
	Attempts   int
	CreatedAt  time.Time
	ExpiresAt  time.Time
	ConsumedAt time.Time // zero until used by register
}

// HashCode hashes a code for storage, salted with the account key so equal
// codes of two accounts do not share a hash.
func HashCode(key, code string) string {
	sum := sha256.Sum256([]byte(key + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// NewCode issues a code for key at now, given when the latest code was sent
// (zero when none) and when each code of the last DailyWindow was sent,
// oldest first. A refusal says, in its RetryAfter, how long until a code
// would be issued.
func NewCode(p CodePolicy, key, plain string, now, lastSent time.Time, sentToday []time.Time) (Code, error) {
	if !lastSent.IsZero() && now.Sub(lastSent) < p.Interval {
		wait := p.Interval - now.Sub(lastSent)
		return Code{}, ErrTooFrequent.WithMessage("a code was sent to this account %d seconds ago; wait %d seconds", int(now.Sub(lastSent).Seconds()), seconds(wait)).WithRetryAfter(wait)
	}
	if p.DailyLimit > 0 && len(sentToday) >= p.DailyLimit {
		// A code leaves the window just after DailyWindow: wait at least a
		// moment, which the wire rounds up to a second.
		wait := max(p.dailySlotFrees(sentToday).Sub(now), time.Millisecond)
		return Code{}, ErrTooFrequent.WithMessage("this account has had %d codes in 24 hours, the most allowed; the next can be sent in %d seconds", len(sentToday), seconds(wait)).WithRetryAfter(wait)
	}
	return Code{Key: key, Hash: HashCode(key, plain), CreatedAt: now, ExpiresAt: now.Add(p.TTL)}, nil
}

// dailySlotFrees returns when the window, which holds sent (oldest first,
// at least DailyLimit of them), next holds fewer than DailyLimit codes: when
// the code DailyLimit places before the end of sent leaves it.
func (p CodePolicy) dailySlotFrees(sent []time.Time) time.Time {
	return sent[len(sent)-p.DailyLimit].Add(DailyWindow)
}

// seconds rounds d up to whole seconds, as a client waiting d must count.
func seconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// Usable reports whether the code can still be checked at now.
func (c Code) Usable(now time.Time) bool {
	return c.ConsumedAt.IsZero() && now.Before(c.ExpiresAt) && c.Attempts < MaxCodeAttempts
}

// Verify checks guess at now. A wrong guess counts an attempt (the caller
// must save the code either way); after MaxCodeAttempts wrong guesses the
// code is dead.
func (c *Code) Verify(now time.Time, guess string) error {
	guess = strings.TrimSpace(guess)
	if guess == "" {
		return shared.Invalid("code", "code is required")
	}
	if !c.Usable(now) {
		return ErrInvalidCode
	}
	if subtle.ConstantTimeCompare([]byte(HashCode(c.Key, guess)), []byte(c.Hash)) != 1 {
		c.Attempts++
		if c.Attempts >= MaxCodeAttempts {
			return ErrInvalidCode.WithMessage("wrong verification code; it is now invalid after %d wrong tries, request a new one", MaxCodeAttempts)
		}
		return ErrInvalidCode.WithMessage("wrong verification code (%d of %d tries left)", MaxCodeAttempts-c.Attempts, MaxCodeAttempts)
	}
	return nil
}

// Consume marks the code used; a used code cannot register again.
func (c *Code) Consume(now time.Time) { c.ConsumedAt = now }

package account

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/campushub/campushub/domain/shared"
)

// Role says what an account may do.
type Role int

// The roles. The wire shows them as numbers (0 user, 1 manager).
const (
	RoleUser    Role = 0
	RoleManager Role = 1
)

// Module is the name of this module in events and topics.
const Module = "account"

// Password length bounds.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 72 // bcrypt reads no further
)

// Account is a user or a manager.
type Account struct {
	ID           int64
	Key          string // Identifier.Key(); unique
	Area         string
	Phone        string
	Email        string
	OpenID       string
	Role         Role
	Username     string
	IsActive     bool
	AppID        string
	PasswordHash string
	Profile      Profile
	FailedLogins int
	LockedUntil  time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// New builds an active account for id, with its password already hashed.
func New(id Identifier, role Role, passwordHash, openID string, now time.Time) Account {
	a := Account{
		Key:          id.Key(),
		Role:         role,
		OpenID:       openID,
		IsActive:     true,
		PasswordHash: passwordHash,
		Profile:      Profile{Gender: GenderSecret},
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	switch id.Channel {
	case Phone:
		a.Area, a.Phone, a.Username = id.Area, id.Value, id.Value
	case Email:
		a.Email, a.Username = id.Value, id.Value
	}
	return a
}

// CheckPassword enforces the password policy.
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case pw == "":
		return shared.Invalid("password", "password is required")
	case n < MinPasswordLength:
		return shared.Invalid("password", "password is too short: at least %d characters", MinPasswordLength)
	case len(pw) > MaxPasswordLength:
		return shared.Invalid("password", "password is too long: at most %d bytes", MaxPasswordLength)
	}
	return nil
}

// Locked reports whether the account refuses password logins at now from
// clients it does not know (see LockPolicy).
func (a Account) Locked(now time.Time) bool { return now.Before(a.LockedUntil) }

// AggregateID is the account's id as events carry it.
func (a Account) AggregateID() string { return strconv.FormatInt(a.ID, 10) }

// Registered is the event of a new account.
func (a Account) Registered() shared.Event {
	channel := "phone"
	if a.Email != "" {
		channel = "email"
	}
	return shared.NewEvent(Module, "registered", a.AggregateID(), a.CreatedAt, map[string]any{
		"account_id": a.ID,
		"role":       int(a.Role),
		"channel":    channel,
		"username":   a.Username,
		"created_at": a.CreatedAt,
	})
}

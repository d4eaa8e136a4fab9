package account

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/campushub/campushub/domain/shared"
)

// Channel is how an account is reached.
type Channel int

// The channels.
const (
	Phone Channel = iota + 1
	Email
)

// DefaultArea is the area code assumed when none is given (mainland China).
const DefaultArea = "86"

// Identifier names an account: a phone number with its area code, or an
// e-mail address.
type Identifier struct {
	Channel Channel
	Area    string // phone area code, digits only; empty for e-mail
	Value   string // national phone number, or the e-mail in lower case
}

// ParseIdentifier reads the wire's area and account fields. An account with
// an "@" is an e-mail; otherwise it is a phone number in the given area
// (DefaultArea when empty; a leading "+" or "00" is dropped). A malformed
// area is refused with either.
func ParseIdentifier(area, account string) (Identifier, error) {
	account = strings.TrimSpace(account)
	// An area that is given has the shape of one, e-mail or not (an e-mail
	// reads no area); "+86", "86" and "0086" name the same area.
	if utf8.RuneCountInString(area) > 8 {
		return Identifier{}, shared.Invalid("area", "area is too long (at most 8 characters), e.g. 86")
	}
	area = strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(area), "+"), "0")
	if area != "" && (!shared.Digits(area) || len(area) > 4) {
		return Identifier{}, shared.Invalid("area", "area must be 1 to 4 digits, e.g. 86")
	}
	if account == "" {
		return Identifier{}, shared.Invalid("account", "account is required: a phone number or an e-mail address")
	}
	// Characters, as the message and the API document say: an e-mail
	// address may hold non-ASCII text (RFC 6531).
	if utf8.RuneCountInString(account) > 254 {
		return Identifier{}, shared.Invalid("account", "account is too long (at most 254 characters)")
	}
	if strings.Contains(account, "@") {
		addr, err := mail.ParseAddress(account)
		if err != nil || addr.Address != account || !strings.Contains(account[strings.LastIndex(account, "@"):], ".") {
			return Identifier{}, shared.Invalid("account", "account %q is not a valid e-mail address", account)
		}
		return Identifier{Channel: Email, Value: strings.ToLower(account)}, nil
	}
	if area == "" {
		area = DefaultArea
	}
	if !shared.Digits(account) {
		return Identifier{}, shared.Invalid("account", "account must be a phone number (digits only) or an e-mail address")
	}
	if area == DefaultArea {
		if len(account) != 11 || account[0] != '1' {
			return Identifier{}, shared.Invalid("account", "a mainland phone number has 11 digits and starts with 1")
		}
	} else if len(account) < 5 || len(account) > 15 {
		return Identifier{}, shared.Invalid("account", "a phone number has 5 to 15 digits")
	}
	return Identifier{Channel: Phone, Area: area, Value: account}, nil
}

// Key is the identifier's unique storage key: "+86 18656660930" or the e-mail.
func (id Identifier) Key() string {
	if id.Channel == Email {
		return id.Value
	}
	return "+" + id.Area + " " + id.Value
}

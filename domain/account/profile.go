package account

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/campushub/campushub/domain/shared"
)

// Gender as the seed numbers it.
type Gender int

// The genders.
const (
	GenderFemale Gender = 0
	GenderMale   Gender = 1
	GenderSecret Gender = 2
)

// Profile is the personal information a user edits.
type Profile struct {
	Nickname string
	Avatar   string
	Gender   Gender
	Birthday string // YYYY-MM-DD or empty
	Address  string
}

// ProfileChange holds the fields a PUT sends; nil means unchanged.
type ProfileChange struct {
	Nickname *string
	Avatar   *string
	Gender   *int
	Birthday *string
	Address  *string
}

// Field length bounds, in characters.
const (
	MaxNicknameLength = 64
	MaxAvatarLength   = 512
	MaxAddressLength  = 255
)

// checkText rejects a text field that is too long or holds control
// characters (a NUL byte cannot even be stored by PostgreSQL); multiline
// allows line breaks and tabs.
func checkText(field, v string, max int, multiline bool) error {
	if utf8.RuneCountInString(v) > max {
		return shared.Invalid(field, "%s is too long (at most %d characters)", field, max)
	}
	if strings.IndexFunc(v, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))
	}) >= 0 {
		return shared.Invalid(field, "%s must not contain control characters", field)
	}
	return nil
}

// Apply validates ch and applies it to the account, returning the names of
// the fields that changed.
func (a *Account) Apply(ch ProfileChange, now time.Time) ([]string, error) {
	p := a.Profile
	var changed []string
	if ch.Nickname != nil {
		if err := checkText("nickname", *ch.Nickname, MaxNicknameLength, false); err != nil {
			return nil, err
		}
		if *ch.Nickname != p.Nickname {
			p.Nickname, changed = *ch.Nickname, append(changed, "nickname")
		}
	}
	if ch.Avatar != nil {
		if err := checkText("avatar", *ch.Avatar, MaxAvatarLength, false); err != nil {
			return nil, err
		}
		if *ch.Avatar != p.Avatar {
			p.Avatar, changed = *ch.Avatar, append(changed, "avatar")
		}
	}
	if ch.Gender != nil {
		g := *ch.Gender
		if g < 0 || g > 2 {
			return nil, shared.Invalid("gender", "gender must be 0 (female), 1 (male) or 2 (secret)")
		}
		if Gender(g) != p.Gender {
			p.Gender, changed = Gender(g), append(changed, "gender")
		}
	}
	if ch.Birthday != nil {
		b := *ch.Birthday
		if b != "" {
			d, err := time.Parse("2006-01-02", b)
			if err != nil {
				return nil, shared.Invalid("birthday", "birthday must be a date like 1991-03-08")
			}
			if d.After(now) {
				return nil, shared.Invalid("birthday", "birthday is in the future")
			}
		}
		if b != p.Birthday {
			p.Birthday, changed = b, append(changed, "birthday")
		}
	}
	if ch.Address != nil {
		if err := checkText("address", *ch.Address, MaxAddressLength, true); err != nil {
			return nil, err
		}
		if *ch.Address != p.Address {
			p.Address, changed = *ch.Address, append(changed, "address")
		}
	}
	if len(changed) > 0 {
		a.Profile = p
		a.UpdatedAt = now
	}
	return changed, nil
}

// ProfileUpdated is the event of a profile change; it names the fields, not
// their values.
func (a Account) ProfileUpdated(fields []string) shared.Event {
	return shared.NewEvent(Module, "profile_updated", a.AggregateID(), a.UpdatedAt, map[string]any{
		"account_id": a.ID,
		"fields":     fields,
	})
}

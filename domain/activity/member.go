package activity

import (
	"strings"
	"time"
	"unicode"

	"github.com/campushub/campushub/domain/shared"
)

// Field limits of a member.
const (
	MaxMemberIDLen = 64
	MaxNicknameLen = 100
	MaxRealNameLen = 50
	MaxPhoneLen    = 20
)

// Member is a WeChat user taking part in an activity. MemberID is the
// caller's stable id of the person: the account id for app users, the
// organisation's own id (an openid, a course-server user id) otherwise.
type Member struct {
	ID         int64
	ActivityID int64
	MemberID   string
	Nickname   string
	Icon       string
	RealName   string
	Phone      string
	// MeetingID is the meeting through which the member was admitted; 0
	// when the activity is open to everyone.
	MeetingID int64
	// Source says whether the member joined or was imported.
	Source    Source
	JoinedAt  time.Time
	UpdatedAt time.Time
}

// Profile is what a member submits; an empty field leaves the stored value
// as it is.
type Profile struct {
	Nickname string
	Icon     string
	RealName string
	Phone    string
}

// CheckMemberID validates a member id.
func CheckMemberID(id string) error {
	if id == "" {
		return shared.Invalid("member_id", "member_id is required")
	}
	if len([]rune(id)) > MaxMemberIDLen {
		return shared.Invalid("member_id", "member_id is too long (at most %d characters)", MaxMemberIDLen)
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return shared.Invalid("member_id", "member_id must not contain spaces or control characters")
		}
	}
	return nil
}

// Check validates the lengths and the phone number of a profile.
func (p Profile) Check() error {
	for _, f := range []struct {
		name, v string
		max     int
	}{{"member_nickname", p.Nickname, MaxNicknameLen}, {"member_icon", p.Icon, MaxURLLen},
		{"member_real_name", p.RealName, MaxRealNameLen}, {"member_phone", p.Phone, MaxPhoneLen}} {
		if n := len([]rune(f.v)); n > f.max {
			return shared.Invalid(f.name, "%s is too long (%d characters, at most %d)", f.name, n, f.max)
		}
	}
	if p.Phone != "" && !validPhone(p.Phone) {
		return shared.Invalid("member_phone", "member_phone must be a phone number: digits, optionally starting with +, 5 to 20 characters")
	}
	return nil
}

func validPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	return len(s) >= 5 && shared.Digits(s)
}

// Admit applies the activity's join rules to a member submitting p, who is
// an authorised user of meeting (0: of none of the activity's meetings),
// at now; current is the stored member (zero when new). The rules: the
// activity is open; a restricted activity admits only users of its
// meetings; the information it collects must be present, either in p or
// already stored.
func (a Activity) Admit(now time.Time, current Member, p Profile, meeting int64) error {
	if !a.IsOpen(now) {
		return ErrClosed
	}
	if a.Restricted() && meeting == 0 {
		return ErrNotPermitted
	}
	if err := p.Check(); err != nil {
		return err
	}
	if a.CollectInfo.Has(InfoName) && p.RealName == "" && current.RealName == "" {
		return shared.Invalid("member_real_name", "member_real_name is required: this activity collects name")
	}
	if a.CollectInfo.Has(InfoPhone) && p.Phone == "" && current.Phone == "" {
		return shared.Invalid("member_phone", "member_phone is required: this activity collects phone")
	}
	return nil
}

// Merge applies the non-empty fields of p and reports whether anything
// changed.
func (m *Member) Merge(p Profile, now time.Time) bool {
	changed := false
	for _, f := range []struct {
		dst *string
		v   string
	}{{&m.Nickname, p.Nickname}, {&m.Icon, p.Icon}, {&m.RealName, p.RealName}, {&m.Phone, p.Phone}} {
		if f.v != "" && *f.dst != f.v {
			*f.dst, changed = f.v, true
		}
	}
	if changed {
		m.UpdatedAt = now
	}
	return changed
}

// AggregateID is the member's event key; the member's row serialises its
// changes, so its events stay in commit order.
func (m Member) AggregateID() string {
	return "activity:" + itoa(m.ActivityID) + ":member:" + m.MemberID
}

// Joined is the event of a new member. Real name and phone are personal
// data and stay out of events; the payload says whether they were given.
func (m Member) Joined() shared.Event {
	return shared.NewEvent(Module, "member_joined", m.AggregateID(), m.JoinedAt, m.payload())
}

// Updated is the event of a member who changed their information.
func (m Member) Updated() shared.Event {
	return shared.NewEvent(Module, "member_updated", m.AggregateID(), m.UpdatedAt, m.payload())
}

func (m Member) payload() map[string]any {
	return map[string]any{
		"activity_id": m.ActivityID, "member_id": m.MemberID, "nickname": m.Nickname, "icon": m.Icon,
		"meeting_id": m.MeetingID, "has_real_name": m.RealName != "", "has_phone": m.Phone != "", "source": string(m.Source),
	}
}

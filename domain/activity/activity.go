package activity

import (
	"strconv"
	"strings"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Kind is what an activity is: a sign-in wall, a message wall or a lottery.
type Kind string

// The activity kinds.
const (
	KindSignin  Kind = "signin"
	KindMessage Kind = "message"
	KindLottery Kind = "lottery"
)

// ParseKind checks an activity kind.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.TrimSpace(s)); k {
	case KindSignin, KindMessage, KindLottery:
		return k, nil
	}
	return "", shared.Invalid("kind", "kind must be signin, message or lottery, got %q", s)
}

// MaxURLLen bounds the background, logo and music links.
const MaxURLLen = 1024

// MaxPermission bounds how many meetings an activity may be limited to.
const MaxPermission = 50

// Activity is an interactive activity of an organisation.
type Activity struct {
	ID          int64
	OrgID       int64
	Name        string
	Kind        Kind
	Background  string
	Logo        string
	Music       string
	CollectInfo CollectInfo
	// CloseTime is when the activity stops accepting members; zero: never.
	CloseTime time.Time
	// Permission lists the meetings whose authorised users may take part;
	// empty: everyone may.
	Permission []int64
	// ClosedAt is when the organisation closed the activity by hand.
	ClosedAt  time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Draft is what an organisation sets on an activity. Nil fields of an
// update stay as they are; a create needs Name and Kind.
type Draft struct {
	Name        *string
	Kind        *string
	Background  *string
	Logo        *string
	Music       *string
	CollectInfo *string
	CloseTime   *time.Time // the zero time clears it
	Permission  *[]int64
}

// NewActivity builds an activity of org from a draft.
func NewActivity(orgID int64, d Draft, now time.Time) (Activity, error) {
	if d.Name == nil {
		return Activity{}, shared.Invalid("name", "name is required")
	}
	if d.Kind == nil {
		return Activity{}, shared.Invalid("kind", "kind is required: signin, message or lottery")
	}
	a := Activity{OrgID: orgID, CreatedAt: now}
	if err := a.Apply(d, now); err != nil {
		return Activity{}, err
	}
	return a, nil
}

// Apply checks and applies the set fields of d.
func (a *Activity) Apply(d Draft, now time.Time) error {
	next := *a
	if d.Name != nil {
		next.Name = strings.TrimSpace(*d.Name)
		if err := checkName("name", next.Name); err != nil {
			return err
		}
	}
	if d.Kind != nil {
		k, err := ParseKind(*d.Kind)
		if err != nil {
			return err
		}
		next.Kind = k
	}
	for field, v := range map[string]*string{"background": d.Background, "logo": d.Logo, "music": d.Music} {
		if v != nil && len(*v) > MaxURLLen {
			return shared.Invalid(field, "%s is too long (at most %d characters)", field, MaxURLLen)
		}
	}
	if d.Background != nil {
		next.Background = strings.TrimSpace(*d.Background)
	}
	if d.Logo != nil {
		next.Logo = strings.TrimSpace(*d.Logo)
	}
	if d.Music != nil {
		next.Music = strings.TrimSpace(*d.Music)
	}
	if d.CollectInfo != nil {
		ci, err := ParseCollectInfo(*d.CollectInfo)
		if err != nil {
			return err
		}
		next.CollectInfo = ci
	}
	if d.CloseTime != nil {
		next.CloseTime = d.CloseTime.UTC()
	}
	if d.Permission != nil {
		p, err := checkPermission(*d.Permission)
		if err != nil {
			return err
		}
		next.Permission = p
	}
	next.UpdatedAt = now
	*a = next
	return nil
}

func checkPermission(ids []int64) ([]int64, error) {
	if len(ids) > MaxPermission {
		return nil, shared.Invalid("permission", "permission lists at most %d meetings", MaxPermission)
	}
	return shared.Distinct(ids, func(id int64) (int64, error) {
		if id <= 0 {
			return 0, shared.Invalid("permission", "permission holds meeting ids, which are positive integers; got %d", id)
		}
		return id, nil
	})
}

// IsOpen reports whether the activity accepts members at now: not closed by
// hand and before its close time.
func (a Activity) IsOpen(now time.Time) bool {
	return a.ClosedAt.IsZero() && (a.CloseTime.IsZero() || now.Before(a.CloseTime))
}

// Restricted reports whether only users of some meetings may take part.
func (a Activity) Restricted() bool { return len(a.Permission) > 0 }

// PermissionString renders Permission as the wire's comma-separated ids.
func (a Activity) PermissionString() string { return JoinIDs(a.Permission) }

// Close closes the activity by hand; closing a closed activity changes
// nothing and reports false.
func (a *Activity) Close(now time.Time) bool {
	if !a.ClosedAt.IsZero() {
		return false
	}
	a.ClosedAt, a.UpdatedAt = now, now
	return true
}

// JoinIDs renders ids as "1,2,3".
func JoinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// SplitIDs parses "1,2,3" (spaces allowed, empty parts skipped).
func SplitIDs(field, s string) ([]int64, error) {
	var out []int64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			return nil, shared.Invalid(field, "%s must be comma-separated positive integers, got %q", field, s)
		}
		out = append(out, id)
	}
	return out, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// AggregateID is the activity's event key.
func (a Activity) AggregateID() string { return "activity:" + itoa(a.ID) }

func (a Activity) payload() map[string]any {
	p := map[string]any{
		"activity_id": a.ID, "org_id": a.OrgID, "name": a.Name, "kind": string(a.Kind),
		"background": a.Background, "logo": a.Logo, "music": a.Music,
		"collect_info": a.CollectInfo.String(), "permission": a.Permission, "close_time": nil,
	}
	if !a.CloseTime.IsZero() {
		p["close_time"] = a.CloseTime.UTC().Format(time.RFC3339)
	}
	if p["permission"] == nil {
		p["permission"] = []int64{}
	}
	return p
}

// Created is the event of a new activity.
func (a Activity) Created() shared.Event {
	return shared.NewEvent(Module, "activity_created", a.AggregateID(), a.CreatedAt, a.payload())
}

// Updated is the event of a changed activity.
func (a Activity) Updated() shared.Event {
	return shared.NewEvent(Module, "activity_updated", a.AggregateID(), a.UpdatedAt, a.payload())
}

// ClosedEvent is the event of an activity closed by hand.
func (a Activity) ClosedEvent() shared.Event {
	return shared.NewEvent(Module, "activity_closed", a.AggregateID(), a.ClosedAt, map[string]any{"activity_id": a.ID, "org_id": a.OrgID})
}

// Deleted is the event of a deleted activity.
func (a Activity) Deleted(now time.Time) shared.Event {
	return shared.NewEvent(Module, "activity_deleted", a.AggregateID(), now, map[string]any{"activity_id": a.ID, "org_id": a.OrgID})
}

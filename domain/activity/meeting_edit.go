package activity

import (
	"strings"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// ErrMeetingClosed refuses new authorised users for a closed meeting.
var ErrMeetingClosed = shared.NewError(shared.KindConflict, "activity.meeting_closed",
	"the meeting is closed: it authorises no more users")

// Closed reports whether the organisation has closed the meeting. A closed
// meeting keeps its name and its list of authorised users for the record,
// but admits nobody to the activities limited to it and takes no new
// authorised users; closing is final.
func (m Meeting) Closed() bool { return !m.ClosedAt.IsZero() }

// CheckOpen refuses a change that only an open meeting takes.
func (m Meeting) CheckOpen() error {
	if m.Closed() {
		return ErrMeetingClosed
	}
	return nil
}

// Rename gives the meeting a new name, checked like a new meeting's. It
// reports whether the name changed; renaming to the same name is not a
// change. A closed meeting may still be renamed.
func (m *Meeting) Rename(name string) (bool, error) {
	name = strings.TrimSpace(name)
	if err := checkName("name", name); err != nil {
		return false, err
	}
	if name == m.Name {
		return false, nil
	}
	m.Name = name
	return true, nil
}

// Close closes the meeting at now and reports whether it was open; closing
// a closed meeting changes nothing.
func (m *Meeting) Close(now time.Time) bool {
	if m.Closed() {
		return false
	}
	m.ClosedAt = now
	return true
}

// Renamed is the event of a meeting's new name.
func (m Meeting) Renamed(previous string, now time.Time) shared.Event {
	return shared.NewEvent(Module, "meeting_renamed", orgAggregate(m.OrgID), now, map[string]any{
		"meeting_id": m.ID, "org_id": m.OrgID, "name": m.Name, "previous_name": previous})
}

// ClosedEvent is the event of a closed meeting.
func (m Meeting) ClosedEvent() shared.Event {
	return shared.NewEvent(Module, "meeting_closed", orgAggregate(m.OrgID), m.ClosedAt, map[string]any{
		"meeting_id": m.ID, "org_id": m.OrgID})
}

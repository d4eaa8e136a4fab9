package activity

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

func TestMeetingRename(t *testing.T) {
	cases := []struct {
		name    string
		meeting Meeting
		to      string
		changed bool
		want    string // the name afterwards
		field   string // the field of the error, "" for none
	}{
		{name: "new name", meeting: Meeting{Name: "board"}, to: "  finance board ", changed: true, want: "finance board"},
		{name: "same name", meeting: Meeting{Name: "board"}, to: "board ", want: "board"},
		{name: "empty", meeting: Meeting{Name: "board"}, to: "   ", want: "board", field: "name"},
		{name: "too long", meeting: Meeting{Name: "board"}, to: strings.Repeat("会", MaxNameLen+1), want: "board", field: "name"},
		{name: "at the limit", meeting: Meeting{Name: "board"}, to: strings.Repeat("会", MaxNameLen), changed: true, want: strings.Repeat("会", MaxNameLen)},
		{name: "closed meetings keep their record but may be renamed", meeting: Meeting{Name: "board", ClosedAt: time.Unix(1, 0)}, to: "old board", changed: true, want: "old board"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.meeting
			changed, err := m.Rename(tc.to)
			var e *shared.Error
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("Rename(%q): %v", tc.to, err)
			case tc.field != "" && (!errors.As(err, &e) || e.Field != tc.field || e.Kind != shared.KindInvalid):
				t.Fatalf("Rename(%q): want an invalid %s, got %v", tc.to, tc.field, err)
			}
			if changed != tc.changed || m.Name != tc.want {
				t.Fatalf("Rename(%q): changed %v name %q, want %v %q", tc.to, changed, m.Name, tc.changed, tc.want)
			}
		})
	}
}

func TestMeetingClose(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	m := Meeting{ID: 7, OrgID: 3, Name: "board"}
	if m.Closed() || m.CheckOpen() != nil {
		t.Fatal("a new meeting is closed")
	}
	if !m.Close(now) || !m.Closed() || !m.ClosedAt.Equal(now) {
		t.Fatalf("Close: %+v", m)
	}
	if !errors.Is(m.CheckOpen(), ErrMeetingClosed) {
		t.Fatalf("CheckOpen of a closed meeting: %v", m.CheckOpen())
	}
	if m.Close(now.Add(time.Hour)) || !m.ClosedAt.Equal(now) {
		t.Fatalf("closing again changed the meeting: %+v", m)
	}
	e := m.ClosedEvent()
	if e.Type != "meeting_closed" || e.AggregateID != "org:3" || !e.OccurredAt.Equal(now) || e.Payload["meeting_id"] != int64(7) {
		t.Fatalf("ClosedEvent: %+v", e)
	}
	r := m.Renamed("old", now)
	if r.Type != "meeting_renamed" || r.AggregateID != "org:3" || r.Payload["previous_name"] != "old" {
		t.Fatalf("Renamed: %+v", r)
	}
}

package activity

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

func TestPlanImport(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	lottery := Activity{ID: 7, OrgID: 1, Kind: KindLottery}
	collects := Activity{ID: 7, OrgID: 1, Kind: KindLottery, CollectInfo: CollectInfo{InfoPhone}}
	stored := map[string]Member{
		"old":   {ID: 3, ActivityID: 7, MemberID: "old", Nickname: "Li", Phone: "13800138000", Source: SourceJoined, JoinedAt: now.Add(-time.Hour)},
		"same":  {ID: 4, ActivityID: 7, MemberID: "same", Nickname: "Wang", Source: SourceJoined},
		"phone": {ID: 5, ActivityID: 7, MemberID: "phone", Phone: "13800138001"},
	}
	row := func(line int, id, nick, phone string) ImportRow {
		return ImportRow{Line: line, MemberID: id, Profile: Profile{Nickname: nick, Phone: phone}}
	}
	cases := []struct {
		name     string
		activity Activity
		rows     []ImportRow
		want     ImportSummary
		err      error
		names    []string // what the error message must name
	}{
		{name: "new, changed and unchanged", activity: lottery,
			rows: []ImportRow{row(2, "new", "Zhao", ""), row(3, "old", "Li Lei", ""), row(4, "same", "Wang", "")},
			want: ImportSummary{Created: 1, Updated: 1, Unchanged: 1}},
		{name: "member id trimmed", activity: lottery, rows: []ImportRow{row(2, "  m1 ", "", "")}, want: ImportSummary{Created: 1}},
		{name: "phone collected, stored before", activity: collects, rows: []ImportRow{row(2, "phone", "x", "")}, want: ImportSummary{Updated: 1}},
		{name: "phone collected, given", activity: collects, rows: []ImportRow{row(2, "n", "", "+8613800138000")}, want: ImportSummary{Created: 1}},
		{name: "phone collected, missing", activity: collects, rows: []ImportRow{row(2, "ok", "", "13800138000"), row(3, "n", "", "")},
			err: ErrImportRows, names: []string{"1 row is wrong", "line 3: member_phone: member_phone is required"}},
		{name: "not a lottery", activity: Activity{ID: 7, Kind: KindMessage}, rows: []ImportRow{row(2, "m", "", "")}, err: ErrNotLottery},
		{name: "closed", activity: Activity{ID: 7, Kind: KindLottery, ClosedAt: now}, rows: []ImportRow{row(2, "m", "", "")}, err: ErrClosed},
		{name: "past its close time", activity: Activity{ID: 7, Kind: KindLottery, CloseTime: now}, rows: []ImportRow{row(2, "m", "", "")}, err: ErrClosed},
		{name: "no rows", activity: lottery, err: shared.Invalid("file", ""), names: []string{"no participants"}},
		{name: "every wrong row named", activity: lottery,
			rows: []ImportRow{row(2, "", "", ""), row(3, "a b", "", ""), row(4, "ok", "", "12ab"), row(5, "ok2", strings.Repeat("n", MaxNicknameLen+1), ""), row(6, "fine", "", "")},
			err:  ErrImportRows,
			names: []string{"4 rows are wrong", "line 2: member_id: member_id is required", "line 3: member_id: member_id must not contain spaces",
				"line 4: member_phone", "line 5: member_nickname: member_nickname is too long"}},
		{name: "repeated member id", activity: lottery, rows: []ImportRow{row(2, "m", "", ""), row(3, "x", "", ""), row(4, " m", "", "")},
			err: ErrImportRows, names: []string{`line 4: member_id: member_id "m" is repeated: line 2 names it too`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := PlanImport(tc.activity, now, tc.rows, stored)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("want %v, got %v", tc.err, err)
				}
				for _, n := range tc.names {
					if !strings.Contains(err.Error(), n) {
						t.Errorf("the error does not name %q: %v", n, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := plan.Summary(); got != tc.want {
				t.Fatalf("want %+v, got %+v", tc.want, got)
			}
			for _, m := range plan.Create {
				if m.Source != SourceImported || m.ActivityID != 7 || !m.JoinedAt.Equal(now) || m.MeetingID != 0 || m.MemberID != strings.TrimSpace(m.MemberID) {
					t.Fatalf("a created member: %+v", m)
				}
			}
			for _, m := range plan.Update {
				was := stored[m.MemberID]
				if m.ID != was.ID || m.Source != was.Source || !m.JoinedAt.Equal(was.JoinedAt) || !m.UpdatedAt.Equal(now) {
					t.Fatalf("an updated member lost its identity: %+v (was %+v)", m, was)
				}
			}
		})
	}
}

func TestPlanImportBounds(t *testing.T) {
	now := time.Now()
	a := Activity{ID: 1, Kind: KindLottery}
	rows := make([]ImportRow, MaxImportRows+1)
	for i := range rows {
		rows[i] = ImportRow{Line: i + 2, MemberID: fmt.Sprintf("m%d", i)}
	}
	if _, err := PlanImport(a, now, rows, nil); err == nil || !strings.Contains(err.Error(), "at most 5000") {
		t.Fatalf("an import of %d rows: %v", len(rows), err)
	}
	if plan, err := PlanImport(a, now, rows[:MaxImportRows], nil); err != nil || len(plan.Create) != MaxImportRows {
		t.Fatalf("an import of %d rows: %d created, %v", MaxImportRows, len(plan.Create), err)
	}
	for i := range rows {
		rows[i].MemberID = ""
	}
	_, err := PlanImport(a, now, rows[:20], nil)
	if err == nil || !strings.Contains(err.Error(), "20 rows are wrong") || !strings.Contains(err.Error(), "and 10 more") ||
		strings.Contains(err.Error(), "line 12:") || len(err.Error()) > 2000 {
		t.Fatalf("twenty wrong rows: %v", err)
	}
}

func TestDraftOfKind(t *testing.T) {
	str := func(s string) *string { return &s }
	cases := []struct {
		name string
		kind *string
		bad  bool
	}{
		{name: "left out"},
		{name: "the same", kind: str("signin")},
		{name: "the same, spaced", kind: str(" signin ")},
		{name: "another kind", kind: str("lottery"), bad: true},
		{name: "no kind at all", kind: str("quiz"), bad: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Draft{Name: str("wall"), Kind: tc.kind}.OfKind(KindSignin)
			if tc.bad {
				var e *shared.Error
				if !errors.As(err, &e) || e.Field != "kind" {
					t.Fatalf("want an error on kind, got %v", err)
				}
				return
			}
			if err != nil || *d.Kind != "signin" {
				t.Fatalf("got %v, %v", d.Kind, err)
			}
			if a, err := NewActivity(1, d, time.Now()); err != nil || a.Kind != KindSignin {
				t.Fatalf("NewActivity: %+v, %v", a, err)
			}
		})
	}
}

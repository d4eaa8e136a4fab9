package contract

import (
	"context"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/test/testenv"
)

// TestMeetingRenameAndClose: a meeting's new name and closing time are
// stored, and a closed meeting authorises nobody any more while its users
// stay listed.
func TestMeetingRenameAndClose(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)
		orgs, meetings := storage.NewOrganisations(db), storage.NewMeetings(db)
		o := activity.Organisation{Name: "Campus Union", CreatedAt: now}
		activityOK(t, orgs.Create(ctx, &o))
		a := activity.Meeting{OrgID: o.ID, Name: "board", CreatedAt: now}
		b := activity.Meeting{OrgID: o.ID, Name: "council", CreatedAt: now}
		activityOK(t, meetings.Create(ctx, &a))
		activityOK(t, meetings.Create(ctx, &b))
		for _, m := range []activity.Meeting{a, b} {
			_, err := meetings.AddUsers(ctx, m.ID, []string{"u1"})
			activityOK(t, err)
		}
		if first, err := meetings.FirstAuthorising(ctx, []int64{a.ID, b.ID}, "u1"); first != a.ID || err != nil {
			t.Fatalf("FirstAuthorising before closing: %d %v", first, err)
		}

		if _, err := a.Rename("finance board"); err != nil {
			t.Fatal(err)
		}
		a.Close(now.Add(time.Hour))
		activityOK(t, meetings.Update(ctx, a))
		got, err := meetings.ByID(ctx, a.ID)
		activityOK(t, err)
		if got.Name != "finance board" || !got.ClosedAt.Equal(a.ClosedAt) {
			t.Fatalf("meeting read back as %+v, want %+v", got, a)
		}
		list, err := meetings.ListByOrg(ctx, o.ID)
		activityOK(t, err)
		if len(list) != 2 || !list[0].Closed() || list[1].Closed() {
			t.Fatalf("ListByOrg: %+v", list)
		}
		if first, err := meetings.FirstAuthorising(ctx, []int64{a.ID, b.ID}, "u1"); first != b.ID || err != nil {
			t.Fatalf("FirstAuthorising skips the closed meeting: got %d %v, want %d", first, err, b.ID)
		}
		if first, err := meetings.FirstAuthorising(ctx, []int64{a.ID}, "u1"); first != 0 || err != nil {
			t.Fatalf("a closed meeting still authorises: %d %v", first, err)
		}
		if users, err := meetings.Users(ctx, a.ID); err != nil || len(users) != 1 {
			t.Fatalf("a closed meeting's users: %v %v", users, err)
		}
	})
}

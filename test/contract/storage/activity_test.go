package contract

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

func TestActivityRepositories(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)
		orgs, acts, meetings := storage.NewOrganisations(db), storage.NewActivities(db), storage.NewMeetings(db)
		members, signins, winners := storage.NewMembers(db), storage.NewCourseSignins(db), storage.NewWinners(db)

		o := activity.Organisation{Name: "Campus Union", CreatedAt: now}
		activityOK(t, orgs.Create(ctx, &o))
		tok, _ := activity.NewOrgToken(o.ID, "org_abcdefgh", "server", now)
		activityOK(t, orgs.CreateToken(ctx, &tok))
		dup := tok
		if err := orgs.CreateToken(ctx, &dup); !errors.Is(err, shared.ErrAlreadyExists) {
			t.Fatalf("a duplicate token hash: want ErrAlreadyExists, got %v", err)
		}
		if ok, err := orgs.RevokeToken(ctx, o.ID+1, tok.ID, now); ok || err != nil {
			t.Fatalf("another organisation revoked the token: %v %v", ok, err)
		}
		if ok, err := orgs.RevokeToken(ctx, o.ID, tok.ID, now); !ok || err != nil {
			t.Fatalf("revoke: %v %v", ok, err)
		}
		if got, err := orgs.TokenByHash(ctx, tok.Hash); err != nil || got.Active() || got.Hint != tok.Hint {
			t.Fatalf("revoked token read back as %+v, %v", got, err)
		}

		m := activity.Meeting{OrgID: o.ID, Name: "board", CreatedAt: now}
		activityOK(t, meetings.Create(ctx, &m))
		added, err := meetings.AddUsers(ctx, m.ID, []string{"u1", "u2"})
		activityOK(t, err)
		again, err := meetings.AddUsers(ctx, m.ID, []string{"u2", "u3"})
		activityOK(t, err)
		if len(added) != 2 || fmt.Sprint(again) != "[u3]" {
			t.Fatalf("AddUsers: %v then %v", added, again)
		}
		if first, err := meetings.FirstAuthorising(ctx, []int64{m.ID + 100, m.ID}, "u3"); first != m.ID || err != nil {
			t.Fatalf("FirstAuthorising: %d %v", first, err)
		}

		name, kind, ci := "Lottery", "lottery", "phone,name"
		closeAt := now.Add(time.Hour)
		perm := []int64{m.ID}
		a, err := activity.NewActivity(o.ID, activity.Draft{Name: &name, Kind: &kind, CollectInfo: &ci, CloseTime: &closeAt, Permission: &perm}, now)
		activityOK(t, err)
		activityOK(t, acts.Create(ctx, &a))
		got, err := acts.ByID(ctx, a.ID)
		activityOK(t, err)
		if got.PermissionString() != a.PermissionString() || got.CollectInfo.String() != ci || !got.CloseTime.Equal(closeAt) {
			t.Fatalf("activity read back as %+v", got)
		}

		for i, p := range []activity.Profile{{Nickname: "Li", RealName: "100%"}, {Nickname: "Wang"}, {Nickname: "Zhang_1"}} {
			x := activity.Member{ActivityID: a.ID, MemberID: fmt.Sprintf("m%d", i), JoinedAt: now, UpdatedAt: now}
			x.Merge(p, now)
			activityOK(t, members.Create(ctx, &x))
		}
		dupMember := activity.Member{ActivityID: a.ID, MemberID: "m0", JoinedAt: now, UpdatedAt: now}
		if err := members.Create(ctx, &dupMember); !errors.Is(err, shared.ErrAlreadyExists) {
			t.Fatalf("a duplicate member: want ErrAlreadyExists, got %v", err)
		}
		for _, tc := range []struct {
			q    string
			want int64
		}{{"", 3}, {"100%", 1}, {"%", 1}, {"_", 1}, {"an", 2}, {"nobody", 0}} {
			_, n, err := members.List(ctx, a.ID, ports.MemberFilter{Query: tc.q}, 0, 10)
			if err != nil || n != tc.want {
				t.Fatalf("filter %q: want %d members, got %d (%v)", tc.q, tc.want, n, err)
			}
		}
		var seen []string
		activityOK(t, members.Each(ctx, a.ID, ports.MemberFilter{}, func(x activity.Member) error { seen = append(seen, x.MemberID); return nil }))
		if fmt.Sprint(seen) != "[m0 m1 m2]" {
			t.Fatalf("Each: %v", seen)
		}

		activityOK(t, winners.Add(ctx, activity.Winner{ActivityID: a.ID, MemberID: "m1", DrawnAt: now}))
		if err := winners.Add(ctx, activity.Winner{ActivityID: a.ID, MemberID: "m1", DrawnAt: now}); !errors.Is(err, shared.ErrAlreadyExists) {
			t.Fatalf("drawing m1 twice: want ErrAlreadyExists, got %v", err)
		}
		undrawn, err := members.Undrawn(ctx, a.ID)
		if err != nil || len(undrawn) != 2 {
			t.Fatalf("Undrawn: %v %v", undrawn, err)
		}

		cs := activity.CourseSignin{OrgID: o.ID, CourseID: 7, MemberID: "1", Nickname: "n", SignedAt: now, UpdatedAt: now}
		activityOK(t, signins.Create(ctx, &cs))
		dupSignin := cs
		if err := signins.Create(ctx, &dupSignin); !errors.Is(err, shared.ErrAlreadyExists) {
			t.Fatalf("a duplicate sign-in: want ErrAlreadyExists, got %v", err)
		}

		activityOK(t, acts.Delete(ctx, a.ID, now))
		if _, err := acts.ByID(ctx, a.ID); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("a deleted activity: want ErrNotFound, got %v", err)
		}
	})
}

func activityOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

package contract

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/test/testenv"
)

// importBatchSize is the storage's insert batch (500 rows): the tests cross
// its seams.
const importBatchSize = 500

func TestParticipantRepository(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)
		acts, members, winners, parts := storage.NewActivities(db), storage.NewMembers(db), storage.NewWinners(db), storage.NewParticipants(db)

		name, kind := "Lottery", "lottery"
		var lotteries [2]activity.Activity
		for i := range lotteries {
			a, err := activity.NewActivity(1, activity.Draft{Name: &name, Kind: &kind}, now)
			activityOK(t, err)
			activityOK(t, acts.Create(ctx, &a))
			lotteries[i] = a
		}
		a, other := lotteries[0], lotteries[1]

		joined := activity.Member{ActivityID: a.ID, MemberID: "joined", Nickname: "Li", JoinedAt: now, UpdatedAt: now}
		activityOK(t, members.Create(ctx, &joined))
		if got, err := members.Get(ctx, a.ID, "joined"); err != nil || got.Source != activity.SourceJoined {
			t.Fatalf("a member stored without a source reads back as %q, %v", got.Source, err)
		}
		// More than one insert batch, so the batches' seams are crossed.
		imported := make([]activity.Member, 1203)
		for i := range imported {
			imported[i] = activity.Member{ActivityID: a.ID, MemberID: fmt.Sprintf("i%04d", i), Nickname: "n", Phone: "13800138000",
				Source: activity.SourceImported, JoinedAt: now, UpdatedAt: now}
		}
		activityOK(t, parts.Add(ctx, imported))
		activityOK(t, parts.Add(ctx, []activity.Member{{ActivityID: other.ID, MemberID: "i0001", Source: activity.SourceImported, JoinedAt: now, UpdatedAt: now}}))
		activityOK(t, parts.Add(ctx, nil))
		if err := parts.Add(ctx, []activity.Member{{ActivityID: a.ID, MemberID: "new", JoinedAt: now, UpdatedAt: now}, {ActivityID: a.ID, MemberID: "joined", JoinedAt: now, UpdatedAt: now}}); !errors.Is(err, shared.ErrAlreadyExists) {
			t.Fatalf("importing a stored member: want ErrAlreadyExists, got %v", err)
		}

		// An import is one unit of work: a conflict in its second insert
		// batch leaves nothing of its first.
		clash := make([]activity.Member, importBatchSize+10)
		for i := range clash {
			clash[i] = activity.Member{ActivityID: a.ID, MemberID: fmt.Sprintf("c%04d", i), Source: activity.SourceImported, JoinedAt: now, UpdatedAt: now}
		}
		clash[len(clash)-1].MemberID = "joined"
		err := db.Do(ctx, func(ctx context.Context) error { return parts.Add(ctx, clash) })
		if !errors.Is(err, shared.ErrAlreadyExists) {
			t.Fatalf("an import clashing in its second batch: want ErrAlreadyExists, got %v", err)
		}
		if left, err := parts.Find(ctx, a.ID, []string{"c0000", "c0499", "c0500"}); err != nil || len(left) != 0 {
			t.Fatalf("a failed import left %d participants behind (%v)", len(left), err)
		}

		found, err := parts.Find(ctx, a.ID, []string{"joined", "i0001", "nobody", "i1202"})
		activityOK(t, err)
		var ids []string
		for _, m := range found {
			ids = append(ids, m.MemberID+"/"+string(m.Source))
		}
		if fmt.Sprint(ids) != "[joined/joined i0001/imported i1202/imported]" {
			t.Fatalf("Find: %v", ids)
		}
		many := make([]string, 1100)
		for i := range many {
			many[i] = fmt.Sprintf("i%04d", i+100)
		}
		if found, err := parts.Find(ctx, a.ID, many); err != nil || len(found) != 1100 {
			t.Fatalf("Find across batches: %d, %v", len(found), err)
		}

		drawnAt := now.Add(time.Minute)
		activityOK(t, winners.Add(ctx, activity.Winner{ActivityID: a.ID, MemberID: "i0000", DrawnAt: drawnAt},
			activity.Winner{ActivityID: other.ID, MemberID: "joined", DrawnAt: drawnAt}))

		page, total, err := parts.List(ctx, a.ID, 0, 3)
		activityOK(t, err)
		if total != 1204 || len(page) != 3 {
			t.Fatalf("List: %d of %d", len(page), total)
		}
		if p := page[0]; p.MemberID != "joined" || p.Drawn() || p.Source != activity.SourceJoined || p.Nickname != "Li" {
			t.Fatalf("first participant: %+v", p)
		}
		if p := page[1]; p.MemberID != "i0000" || !p.DrawnAt.Equal(drawnAt) || p.Source != activity.SourceImported || p.Phone != "13800138000" {
			t.Fatalf("second participant: %+v", p)
		}
		last, _, err := parts.List(ctx, a.ID, 1203, 10)
		if err != nil || len(last) != 1 || last[0].MemberID != "i1202" {
			t.Fatalf("last page: %+v, %v", last, err)
		}
		if _, n, err := parts.List(ctx, other.ID, 0, 10); n != 1 || err != nil {
			t.Fatalf("another lottery's participants: %d, %v", n, err)
		}

		var streamed []string
		var drawn int
		activityOK(t, parts.Each(ctx, a.ID, func(p activity.Participant) error {
			streamed = append(streamed, p.MemberID)
			if p.Drawn() {
				drawn++
			}
			return nil
		}))
		if len(streamed) != 1204 || streamed[0] != "joined" || streamed[1203] != "i1202" || drawn != 1 ||
			!slices.IsSorted(streamed[1:]) {
			t.Fatalf("Each: %d participants, %d drawn", len(streamed), drawn)
		}
	})
}

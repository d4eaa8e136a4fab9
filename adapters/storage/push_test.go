package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/test/testenv"
)

func TestPushRepositories(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		devices, logs, deliveries := storage.NewDevices(db), storage.NewPushLogs(db), storage.NewDeliveries(db)
		for i, d := range []push.Device{
			push.NewDevice(1, "a1", push.Android, at), push.NewDevice(1, "a2", push.IOS, at), push.NewDevice(2, "b1", push.Android, at),
		} {
			if i == 1 {
				d.Switch = false
			}
			if err := devices.Create(ctx, &d); err != nil {
				t.Fatal(err)
			}
		}
		dup := push.NewDevice(3, "a1", push.Android, at)
		if err := devices.Create(ctx, &dup); err == nil {
			t.Fatal("a client id was bound twice")
		}
		on, err := devices.SwitchedOn(ctx, nil)
		if err != nil || len(on) != 2 {
			t.Fatalf("switched on, everyone: %v %v", on, err)
		}
		if on, _ := devices.SwitchedOn(ctx, []int64{1}); len(on) != 1 || on[0].ClientID != "a1" {
			t.Fatalf("switched on, user 1: %v", on)
		}
		moved, _ := devices.ByClientID(ctx, "b1")
		moved.Rebind(1, push.IOS, at.Add(time.Minute))
		if err := devices.Update(ctx, moved); err != nil {
			t.Fatal(err)
		}
		if got, _ := devices.ByClientID(ctx, "b1"); got.UserID != 1 || got.ClientType != push.IOS || !got.UpdatedAt.Equal(at.Add(time.Minute)) {
			t.Fatalf("after update: %+v", got)
		}

		everyone, _ := push.New(push.Draft{Title: "t", Body: "b"}, 9, at)
		forTwo, _ := push.New(push.Draft{Title: "t2", Body: "b", Scope: push.Users, UserIDs: []int64{2}}, 9, at)
		for _, p := range []*push.Push{&everyone, &forTwo} {
			if err := logs.Create(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := logs.ByID(ctx, forTwo.ID); len(got.Recipients) != 1 || got.Recipients[0] != 2 {
			t.Fatalf("recipients = %v", got.Recipients)
		}
		counts := []struct {
			user int64
			read []int64
			want int64
		}{{1, nil, 1}, {2, nil, 2}, {2, []int64{everyone.ID}, 1}, {2, []int64{everyone.ID, forTwo.ID, 99}, 0}}
		for _, c := range counts {
			if n, err := logs.CountUnread(ctx, c.user, c.read); err != nil || n != c.want {
				t.Errorf("user %d read %v: %d, %v; want %d", c.user, c.read, n, err, c.want)
			}
		}
		if _, err := logs.VisibleByID(ctx, 1, forTwo.ID); err == nil {
			t.Error("user 1 sees a push for user 2")
		}
		max, _ := logs.MaxID(ctx)
		for range 2 { // clearing twice takes the upsert path
			if err := logs.ClearThrough(ctx, 2, max); err != nil {
				t.Fatal(err)
			}
		}
		if items, total, _ := logs.Visible(ctx, 2, 0, 20); total != 0 || len(items) != 0 {
			t.Errorf("after clearing user 2 sees %d", total)
		}
		if _, total, _ := logs.Visible(ctx, 1, 0, 20); total != 1 {
			t.Errorf("user 2's clearing hid %d pushes from user 1", 1-total)
		}

		ds := everyone.Deliveries(on)
		if err := deliveries.Create(ctx, ds); err != nil {
			t.Fatal(err)
		}
		due, _ := logs.Due(ctx, at, 10)
		if len(due) != 2 {
			t.Fatalf("due = %v", due)
		}
		if got, _ := logs.Claim(ctx, everyone.ID, at, at.Add(time.Minute)); !got {
			t.Fatal("the first claim failed")
		}
		if got, _ := logs.Claim(ctx, everyone.ID, at, at.Add(time.Minute)); got {
			t.Fatal("a leased push was claimed again")
		}
		queued, _ := deliveries.Queued(ctx, everyone.ID)
		queued[0].Apply(push.Result{Accepted: true, Detail: "ok"}, at)
		queued[1].Apply(push.Result{Detail: "cid_invalid"}, at)
		if err := deliveries.Update(ctx, queued); err != nil {
			t.Fatal(err)
		}
		everyone.Settle(1, 1, nil, at)
		if err := logs.Update(ctx, everyone); err != nil {
			t.Fatal(err)
		}
		if left, _ := deliveries.Queued(ctx, everyone.ID); len(left) != 0 {
			t.Errorf("%d deliveries still queued", len(left))
		}
		if got, _ := logs.ByID(ctx, everyone.ID); got.Status != push.Sent || got.SentCount != 1 || got.FailCount != 1 {
			t.Errorf("push after settling = %+v", got)
		}
		page, total, _ := deliveries.ForPush(ctx, everyone.ID, 1, 1)
		if total != 2 || len(page) != 1 || page[0].Status != push.Failed || page[0].Detail != "cid_invalid" {
			t.Errorf("second delivery = %+v (total %d)", page, total)
		}
	})
}

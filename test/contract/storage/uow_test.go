package contract

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/test/testenv"
)

var errAbort = errors.New("abort")

func probeEvent(name string) shared.Event {
	return shared.NewEvent("contract", "probed", name, time.Now(), map[string]any{"name": name})
}

func TestUnitOfWorkCommitsStateAndEventsTogether(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		outbox := storage.NewOutbox(db)
		err := db.Do(ctx, func(ctx context.Context) error {
			if err := insertProbe(ctx, db, "committed"); err != nil {
				return err
			}
			return outbox.Append(ctx, probeEvent("committed"))
		})
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		if n := countRows(t, db, (*probe)(nil)); n != 1 {
			t.Errorf("probes = %d, want 1", n)
		}
		if n := countRows(t, db, (*storage.OutboxRow)(nil)); n != 1 {
			t.Errorf("outbox rows = %d, want 1", n)
		}
	})
}

func TestUnitOfWorkRollbackLeavesNothing(t *testing.T) {
	cases := []struct {
		name string
		// work runs inside Do after a probe and an event were written.
		work    func(ctx context.Context, db *storage.DB) error
		wantErr func(error) bool
	}{
		{
			name:    "fn returns an error",
			work:    func(context.Context, *storage.DB) error { return errAbort },
			wantErr: func(err error) bool { return errors.Is(err, errAbort) },
		},
		{
			name: "a statement fails",
			work: func(ctx context.Context, db *storage.DB) error {
				return storage.MapError(insertProbe(ctx, db, "rolled-back"))
			},
			wantErr: func(err error) bool { return errors.Is(err, shared.ErrAlreadyExists) },
		},
		{
			name: "a nested unit of work fails",
			work: func(ctx context.Context, db *storage.DB) error {
				return db.Do(ctx, func(context.Context) error { return errAbort })
			},
			wantErr: func(err error) bool { return errors.Is(err, errAbort) },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
				ctx := context.Background()
				outbox := storage.NewOutbox(db)
				err := db.Do(ctx, func(ctx context.Context) error {
					if err := insertProbe(ctx, db, "rolled-back"); err != nil {
						return err
					}
					if err := outbox.Append(ctx, probeEvent("rolled-back")); err != nil {
						return err
					}
					return tc.work(ctx, db)
				})
				if !tc.wantErr(err) {
					t.Fatalf("Do returned %v", err)
				}
				if n := countRows(t, db, (*probe)(nil)); n != 0 {
					t.Errorf("probes = %d after rollback, want 0", n)
				}
				if n := countRows(t, db, (*storage.OutboxRow)(nil)); n != 0 {
					t.Errorf("outbox rows = %d after rollback, want 0", n)
				}
			})
		})
	}
}

func TestUnitOfWorkRollsBackOnPanic(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Fatalf("recovered %v, want the panic to propagate", r)
				}
			}()
			_ = db.Do(ctx, func(ctx context.Context) error {
				if err := insertProbe(ctx, db, "panicked"); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		if n := countRows(t, db, (*probe)(nil)); n != 0 {
			t.Errorf("probes = %d after panic, want 0", n)
		}
		// The pool is still usable: the connection was not left in a transaction.
		if err := db.Do(ctx, func(ctx context.Context) error { return insertProbe(ctx, db, "after-panic") }); err != nil {
			t.Fatalf("Do after panic: %v", err)
		}
	})
}

func TestNestedUnitOfWorkJoinsOuter(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		err := db.Do(ctx, func(outer context.Context) error {
			if err := insertProbe(outer, db, "outer"); err != nil {
				return err
			}
			return db.Do(outer, func(inner context.Context) error {
				if db.IDB(inner) != db.IDB(outer) {
					t.Error("nested Do opened a second transaction")
				}
				// The inner unit sees the outer unit's uncommitted row.
				n, err := db.IDB(inner).NewSelect().Model((*probe)(nil)).Where("name = ?", "outer").Count(inner)
				if err != nil {
					return err
				}
				if n != 1 {
					t.Errorf("inner unit sees %d outer rows, want 1", n)
				}
				return insertProbe(inner, db, "inner")
			})
		})
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		if n := countRows(t, db, (*probe)(nil)); n != 2 {
			t.Errorf("probes = %d, want 2", n)
		}

		// An error in the outer unit after the inner one returned undoes both.
		err = db.Do(ctx, func(outer context.Context) error {
			if err := db.Do(outer, func(inner context.Context) error { return insertProbe(inner, db, "inner-2") }); err != nil {
				return err
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("Do returned %v, want errAbort", err)
		}
		if n := countRows(t, db, (*probe)(nil)); n != 2 {
			t.Errorf("probes = %d after outer rollback, want 2", n)
		}
	})
}

func TestConcurrentWritersOnOneKey(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		const writers = 4
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			errs  = make([]error, writers)
		)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = storage.MapError(db.Do(context.Background(), func(ctx context.Context) error {
					if err := insertProbe(ctx, db, "contended"); err != nil {
						return err
					}
					// Hold the transaction open so the writers overlap.
					time.Sleep(50 * time.Millisecond)
					return storage.NewOutbox(db).Append(ctx, probeEvent("contended"))
				}))
			}()
		}
		close(start)
		wg.Wait()
		var won int
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, shared.ErrAlreadyExists):
				t.Errorf("writer %d: %v, want shared.ErrAlreadyExists", i, err)
			}
		}
		if won != 1 {
			t.Errorf("%d writers succeeded, want exactly 1 (errors: %v)", won, fmt.Sprint(errs))
		}
		if n := countRows(t, db, (*storage.OutboxRow)(nil)); n != 1 {
			t.Errorf("outbox rows = %d, want 1 (only the winner's)", n)
		}
	})
}

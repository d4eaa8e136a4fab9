package storage

import (
	"context"
	"log/slog"
	"time"
)

// In WAL mode SQLite copies committed pages from the WAL back into the
// database file in a checkpoint, which by default the connection that
// commits runs once the WAL holds 1,000 pages: that commit then also
// writes those pages and waits for two fsyncs, and under a steady stream
// of writes (the 微校 receive path's group commits) every request waiting
// for that batch waits with it. The service opens SQLite with
// Config.CheckpointInBackground and runs RunCheckpoints instead, which
// checkpoints every checkpointInterval without making writers wait; a
// page written many times between two checkpoints is copied once.
// docs/performance.md has the measurements.

// checkpointInterval is how often RunCheckpoints checkpoints the WAL; at
// the receive path's peak the WAL grows by about 20 MB in that time.
const checkpointInterval = 2 * time.Second

// walSizeLimit is what the WAL file is cut back to when SQLite starts
// writing it from the beginning again, so one burst does not leave a
// large file behind.
const walSizeLimit = 64 << 20

// RunCheckpoints checkpoints the WAL of a SQLite database opened with
// Config.CheckpointInBackground every checkpointInterval until ctx ends
// (PASSIVE: it copies what no reader still needs and never makes a writer
// wait). For any other database it returns at once. A failure is logged
// once, and again only after a checkpoint has succeeded in between.
func (d *DB) RunCheckpoints(ctx context.Context, log *slog.Logger) {
	if !d.checkpoints {
		return
	}
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := d.Checkpoint(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			log.Warn("sqlite WAL checkpoint failed; retrying every interval", "err", err, "interval", checkpointInterval.String())
			failing = true
		case err == nil && failing:
			log.Info("sqlite WAL checkpoints work again")
			failing = false
		}
	}
}

// Checkpoint runs one PASSIVE checkpoint of a SQLite database's WAL; on
// other databases it does nothing.
func (d *DB) Checkpoint(ctx context.Context) error {
	if d.Dialect != SQLite {
		return nil
	}
	var busy, frames, copied int
	return d.DB.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
}

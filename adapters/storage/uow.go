package storage

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

var _ ports.UnitOfWork = (*DB)(nil)

type txKey struct{}

// commitKey carries a unit of work's *committed: what it did that others
// are told about once it commits.
type commitKey struct{}

// committed collects what a transaction did that listeners hear of after
// it commits (and never if it rolls back).
type committed struct {
	outbox bool // it appended to the outbox
}

// OnOutboxCommit registers fn to be called after every commit, in this
// process, that appended to the outbox (and after every append made
// outside a unit of work): the outbox relay's Wake, so that a change is
// published at once instead of at the relay's next poll. fn must not
// block; changes made by other processes are still found by polling.
func (d *DB) OnOutboxCommit(fn func()) {
	d.listeners.Lock()
	defer d.listeners.Unlock()
	d.listeners.outbox = append(d.listeners.outbox, fn)
}

// outboxCommitted tells the OnOutboxCommit listeners.
func (d *DB) outboxCommitted() {
	d.listeners.Lock()
	fns := d.listeners.outbox
	d.listeners.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// appendedToOutbox notes an append made in ctx: for after the commit of
// the unit of work ctx carries, or at once outside one.
func (d *DB) appendedToOutbox(ctx context.Context) {
	if c, ok := ctx.Value(commitKey{}).(*committed); ok {
		c.outbox = true
		return
	}
	d.outboxCommitted()
}

// conflictAttempts bounds the tries of a transaction that keeps hitting
// serialization failures or deadlocks; conflictBackoff spaces them (10, 20,
// 40, 80 ms, each with equal jitter so that the transactions that
// conflicted do not meet again in step).
const conflictAttempts = 5

var conflictBackoff = shared.Backoff{Base: 10 * time.Millisecond, Cap: 80 * time.Millisecond, Jitter: 0.5}

// Do runs fn in a transaction carried by ctx; see ports.UnitOfWork. It
// retries fn a few times when the database reports a serialization failure
// or a deadlock.
func (d *DB) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return fn(ctx)
	}
	opts := &sql.TxOptions{}
	if d.Dialect == MySQL {
		// InnoDB's default REPEATABLE READ takes gap locks that turn
		// concurrent inserts into deadlocks; READ COMMITTED matches PostgreSQL.
		opts.Isolation = sql.LevelReadCommitted
	}
	var err error
	for i := 1; i <= conflictAttempts; i++ {
		var did committed // a fresh record per try: a rolled-back try did nothing
		err = d.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error {
			return fn(context.WithValue(context.WithValue(ctx, txKey{}, tx), commitKey{}, &did))
		})
		if err == nil && did.outbox {
			d.outboxCommitted()
		}
		if err == nil || !retryable(err) || i == conflictAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(conflictBackoff.Delay(i, rand.Float64())):
		}
	}
	return err
}

// IDB returns the transaction carried by ctx, or the database itself.
func (d *DB) IDB(ctx context.Context) bun.IDB {
	if tx, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return tx
	}
	return d.DB
}

// retryable reports serialization failures and deadlocks.
func retryable(err error) bool {
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		code := pgErr.Field('C')
		return code == "40001" || code == "40P01"
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		return myErr.Number == 1213 || myErr.Number == 1205
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// IsUniqueViolation reports whether err is a unique-key violation on any of
// the supported databases.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return pgErr.Field('C') == "23505"
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		return myErr.Number == 1062
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// MapError turns driver errors into the domain's repository errors:
// sql.ErrNoRows → shared.ErrNotFound, unique violation → shared.ErrAlreadyExists.
func MapError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return shared.ErrNotFound
	case IsUniqueViolation(err):
		return shared.ErrAlreadyExists
	default:
		return err
	}
}

package contract

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/adapters/storage"
)

// probe is a table only this suite uses: a unique name and a timestamp are
// enough to test transactions, uniqueness and time handling.
type probe struct {
	bun.BaseModel `bun:"table:contract_probes"`
	ID            int64     `bun:"id,pk,autoincrement"`
	Name          string    `bun:"name,notnull,type:varchar(100)"`
	At            time.Time `bun:"at,notnull"`
}

func init() {
	storage.Register(storage.Migration{ID: "9900_contract_probes", Up: func(ctx context.Context, db bun.IDB, d storage.Dialect) error {
		if err := storage.CreateTables(ctx, db, (*probe)(nil)); err != nil {
			return err
		}
		return storage.CreateIndex(ctx, db, d, (*probe)(nil), "contract_probes_name_uq", true, "name")
	}})
}

// insertProbe inserts a probe named name in the transaction carried by ctx.
func insertProbe(ctx context.Context, db *storage.DB, name string) error {
	_, err := db.IDB(ctx).NewInsert().Model(&probe{Name: name, At: time.Now().UTC()}).Exec(ctx)
	return err
}

// countRows counts the rows of model's table outside any transaction.
func countRows(t *testing.T, db *storage.DB, model any) int {
	t.Helper()
	n, err := db.NewSelect().Model(model).Count(context.Background())
	if err != nil {
		t.Fatalf("count %T: %v", model, err)
	}
	return int(n)
}

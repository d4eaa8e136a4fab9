package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

type wxProjectRow struct {
	bun.BaseModel `bun:"table:wx_push_projects"`
	ID            int64     `bun:"id,pk,autoincrement"`
	URL           string    `bun:"url,notnull,type:varchar(1024)"`
	Name          string    `bun:"project,notnull,type:varchar(100)"`
	URLHash       string    `bun:"url_hash,notnull,type:varchar(64)"`
	Status        int       `bun:"statu,notnull"`
	Secret        string    `bun:"secret,notnull,type:varchar(128)"`
	Failures      int       `bun:"failures,notnull"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
	Ordered       bool      `bun:"ordered,notnull,default:false"`
	wxHealthColumns
}

type wxEventRow struct {
	bun.BaseModel `bun:"table:wx_events"`
	ID            int64     `bun:"id,pk,autoincrement"`
	AppKey        string    `bun:"app_key,notnull,type:varchar(200)"`
	SchoolCode    string    `bun:"school_code,notnull,type:text"`
	Name          string    `bun:"event,notnull,type:text"`
	RawData       string    `bun:"raw_data,notnull,type:text"`
	Data          string    `bun:"data,notnull,type:text"`
	BodyHash      string    `bun:"body_hash,notnull,type:varchar(64)"`
	ReceivedAt    time.Time `bun:"received_at,notnull"`
	OrderKey      string    `bun:"order_key,notnull,default:'',type:varchar(200)"`
}

type wxDedupRow struct {
	bun.BaseModel `bun:"table:wx_event_dedup"`
	Hash          string    `bun:"body_hash,pk,type:varchar(64)"`
	SeenAt        time.Time `bun:"seen_at,notnull"`
}

func init() {
	Register(Migration{ID: "0300_wxrelay", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if err := CreateTables(ctx, db, (*wxProjectRow)(nil), (*wxEventRow)(nil), (*wxDedupRow)(nil),
			(*wxDeliveryRow)(nil), (*wxAttemptRow)(nil)); err != nil {
			return err
		}
		indexes := []struct {
			model   any
			name    string
			unique  bool
			columns []string
		}{
			{(*wxProjectRow)(nil), "wx_push_projects_url_project_idx", true, []string{"url_hash", "project"}},
			{(*wxDeliveryRow)(nil), "wx_deliveries_event_project_idx", true, []string{"event_id", "project_id"}},
			{(*wxDeliveryRow)(nil), "wx_deliveries_due_idx", false, []string{"status", "next_attempt_at"}},
			{(*wxDeliveryRow)(nil), "wx_deliveries_project_idx", false, []string{"project_id", "status"}},
			{(*wxAttemptRow)(nil), "wx_delivery_attempts_delivery_idx", false, []string{"delivery_id"}},
		}
		for _, ix := range indexes {
			if err := CreateIndex(ctx, db, d, ix.model, ix.name, ix.unique, ix.columns...); err != nil {
				return err
			}
		}
		return nil
	}})
}

// WXProjects is the bun repository of push projects.
type WXProjects struct{ db *DB }

// WXEvents is the bun repository of received 微校 events.
type WXEvents struct {
	db    *DB
	stmts stmtCache
}

var (
	_ ports.WXProjects = (*WXProjects)(nil)
	_ ports.WXEvents   = (*WXEvents)(nil)
)

// NewWXProjects returns the push-project repository on db.
func NewWXProjects(db *DB) *WXProjects { return &WXProjects{db: db} }

// NewWXEvents returns the event repository on db.
func NewWXEvents(db *DB) *WXEvents { return &WXEvents{db: db} }

func toWXProjectRow(p wxrelay.Project) wxProjectRow {
	return wxProjectRow{ID: p.ID, URL: p.URL, Name: p.Name, URLHash: wxrelay.HashBody([]byte(p.URL)),
		Status: int(p.Status), Secret: p.Secret, Failures: p.Failures,
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(), Ordered: p.Ordered, wxHealthColumns: toHealthColumns(p.Health)}
}

func (r wxProjectRow) domain() wxrelay.Project {
	p := wxrelay.Project{ID: r.ID, URL: r.URL, Name: r.Name, Status: wxrelay.Status(r.Status), Secret: r.Secret,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), Ordered: r.Ordered, Health: r.health()}
	p.Failures = r.Failures
	return p
}

// Create inserts p and sets its ID.
func (r *WXProjects) Create(ctx context.Context, p *wxrelay.Project) error {
	row := toWXProjectRow(*p)
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	p.ID = row.ID
	return nil
}

// ByID finds a project.
func (r *WXProjects) ByID(ctx context.Context, id int64) (wxrelay.Project, error) {
	return rowByID[wxProjectRow](ctx, r.db, id)
}

// ByIDs returns the projects among ids that exist.
func (r *WXProjects) ByIDs(ctx context.Context, ids []int64) ([]wxrelay.Project, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []wxProjectRow
	if err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	return wxProjects(rows), nil
}

// List returns every project, oldest first.
func (r *WXProjects) List(ctx context.Context) ([]wxrelay.Project, error) {
	var rows []wxProjectRow
	if err := r.db.IDB(ctx).NewSelect().Model(&rows).Order("id").Scan(ctx); err != nil {
		return nil, err
	}
	return wxProjects(rows), nil
}

func wxProjects(rows []wxProjectRow) []wxrelay.Project {
	out := make([]wxrelay.Project, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out
}

// ActiveIDs lists the ids of projects with statu 0.
func (r *WXProjects) ActiveIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := r.db.IDB(ctx).NewSelect().Model((*wxProjectRow)(nil)).Column("id").
		Where("statu = ?", int(wxrelay.StatusActive)).Order("id").Scan(ctx, &ids)
	return ids, err
}

// Update writes what a manager changes — url, name, secret, status — and
// leaves the health columns to SetHealth.
func (r *WXProjects) Update(ctx context.Context, p wxrelay.Project) error {
	row := toWXProjectRow(p)
	res, err := r.db.IDB(ctx).NewUpdate().Model(&row).
		Column("url", "project", "url_hash", "statu", "secret", "ordered", "updated_at").WherePK().Exec(ctx)
	return wxAffected(res, err)
}

// SetHealth writes a project's health columns and status.
func (r *WXProjects) SetHealth(ctx context.Context, p wxrelay.Project) error {
	row := toWXProjectRow(p)
	res, err := r.db.IDB(ctx).NewUpdate().Model(&row).
		Column("failures", "statu", "failing_since", "paused_at", "next_probe_at", "probe_interval_ms", "disabled_at").
		WherePK().Exec(ctx)
	return wxAffected(res, err)
}

// Delete removes a project.
func (r *WXProjects) Delete(ctx context.Context, id int64) error {
	res, err := r.db.IDB(ctx).NewDelete().Model((*wxProjectRow)(nil)).Where("id = ?", id).Exec(ctx)
	return wxAffected(res, err)
}

// ClaimAll records hashes as seen at now and reports which are fresh. On
// SQLite and PostgreSQL that is one upsert, which inserts new hashes,
// refreshes those last seen at or before since, and returns both; a
// concurrent claim of the same hash waits for the first and then sees it.
// MySQL, which has no RETURNING, selects, inserts and updates.
func (r *WXEvents) ClaimAll(ctx context.Context, hashes []string, now, since time.Time) ([]bool, error) {
	unique := make([]wxDedupRow, 0, len(hashes))
	first := make(map[string]int, len(hashes))
	for i, h := range hashes {
		if _, dup := first[h]; !dup {
			first[h] = i
			unique = append(unique, wxDedupRow{Hash: h, SeenAt: now.UTC()})
		}
	}
	var claimed []string
	var err error
	if param, ok := jsonParam(uniqueHashes(unique)); ok && r.db.Dialect == SQLite {
		claimed, err = r.claimSQLite(ctx, param, now, since)
	} else if r.db.Dialect == MySQL {
		claimed, err = r.claimBySelect(ctx, unique, now, since)
	} else {
		err = r.db.IDB(ctx).NewInsert().Model(&unique).
			On("CONFLICT (body_hash) DO UPDATE").Set("seen_at = EXCLUDED.seen_at").
			Where("?TableAlias.seen_at <= ?", since.UTC()).
			Returning("body_hash").Scan(ctx, &claimed)
	}
	if err != nil {
		return nil, MapError(err)
	}
	fresh := make([]bool, len(hashes))
	for _, h := range claimed {
		fresh[first[h]] = true
	}
	return fresh, nil
}

func uniqueHashes(rows []wxDedupRow) []string {
	out := make([]string, len(rows))
	for i, row := range rows {
		out[i] = row.Hash
	}
	return out
}

// claimSQLite claims the hashes of the JSON array param with one prepared
// upsert.
func (r *WXEvents) claimSQLite(ctx context.Context, param string, now, since time.Time) ([]string, error) {
	st, err := r.stmts.stmt(ctx, r.db, sqliteClaim)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, sqliteTime(now), param, sqliteTime(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var claimed []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		claimed = append(claimed, h)
	}
	return claimed, rows.Err()
}

// claimBySelect claims distinct hashes with a select, an insert of the new
// ones and an update of the stale ones, and returns those it claimed.
func (r *WXEvents) claimBySelect(ctx context.Context, rows []wxDedupRow, now, since time.Time) ([]string, error) {
	db := r.db.IDB(ctx)
	hashes := make([]string, len(rows))
	for i, row := range rows {
		hashes[i] = row.Hash
	}
	var known []wxDedupRow
	if err := db.NewSelect().Model(&known).Where("body_hash IN (?)", bun.List(hashes)).Scan(ctx); err != nil {
		return nil, err
	}
	seen := make(map[string]time.Time, len(known))
	for _, row := range known {
		seen[row.Hash] = row.SeenAt
	}
	var inserts []wxDedupRow
	var stale, claimed []string
	for _, row := range rows {
		at, ok := seen[row.Hash]
		switch {
		case !ok:
			inserts = append(inserts, row)
		case at.After(since):
			continue
		default:
			stale = append(stale, row.Hash)
		}
		claimed = append(claimed, row.Hash)
	}
	if len(inserts) > 0 {
		if _, err := db.NewInsert().Model(&inserts).Exec(ctx); err != nil {
			return nil, err
		}
	}
	if len(stale) > 0 {
		if _, err := db.NewUpdate().Model((*wxDedupRow)(nil)).Set("seen_at = ?", now.UTC()).Where("body_hash IN (?)", bun.List(stale)).Exec(ctx); err != nil {
			return nil, err
		}
	}
	return claimed, nil
}

// CreateAll inserts events and sets their IDs: in one statement where the
// database returns generated ids for a multi-row insert, one by one on
// MySQL.
func (r *WXEvents) CreateAll(ctx context.Context, es []wxrelay.Event) error {
	if len(es) == 0 {
		return nil
	}
	rows := make([]wxEventRow, len(es))
	for i, e := range es {
		rows[i] = wxEventRow{AppKey: e.AppKey, SchoolCode: e.SchoolCode, Name: e.Name, RawData: e.RawData,
			Data: e.Data, BodyHash: e.BodyHash, ReceivedAt: e.ReceivedAt.UTC(), OrderKey: e.OrderKey}
	}
	if r.db.Dialect == SQLite && sameReceivedAt(es) {
		if done, err := r.createAllSQLite(ctx, es); done || err != nil {
			return err
		}
	}
	db := r.db.IDB(ctx)
	if r.db.Dialect == MySQL {
		for i := range rows {
			if _, err := db.NewInsert().Model(&rows[i]).Exec(ctx); err != nil {
				return MapError(err)
			}
		}
	} else if _, err := db.NewInsert().Model(&rows).Returning("id").Exec(ctx); err != nil {
		return MapError(err)
	}
	for i := range es {
		es[i].ID = rows[i].ID
	}
	return nil
}

func sameReceivedAt(es []wxrelay.Event) bool {
	for _, e := range es {
		if !e.ReceivedAt.Equal(es[0].ReceivedAt) {
			return false
		}
	}
	return true
}

// createAllSQLite inserts events received at the same time, with distinct
// body hashes, with one prepared statement. It reports false, having done
// nothing, when a text is not valid UTF-8 or two hashes are equal.
func (r *WXEvents) createAllSQLite(ctx context.Context, es []wxrelay.Event) (bool, error) {
	values := make([][7]string, len(es))
	index := make(map[string]int, len(es))
	var texts []string
	for i, e := range es {
		values[i] = [7]string{e.AppKey, e.SchoolCode, e.Name, e.RawData, e.Data, e.BodyHash, e.OrderKey}
		texts = append(texts, values[i][:]...)
		index[e.BodyHash] = i
	}
	param, ok := jsonParam(values, texts...)
	if !ok || len(index) != len(es) {
		return false, nil
	}
	st, err := r.stmts.stmt(ctx, r.db, sqliteEvents)
	if err != nil {
		return true, err
	}
	rows, err := st.QueryContext(ctx, sqliteTime(es[0].ReceivedAt), param)
	if err != nil {
		return true, MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var hash string
		if err := rows.Scan(&id, &hash); err != nil {
			return true, err
		}
		es[index[hash]].ID = id
	}
	return true, rows.Err()
}

// ByIDs returns the events among ids that exist.
func (r *WXEvents) ByIDs(ctx context.Context, ids []int64) ([]wxrelay.Event, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []wxEventRow
	if err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]wxrelay.Event, len(rows))
	for i, row := range rows {
		out[i] = wxrelay.Event{ID: row.ID, AppKey: row.AppKey, SchoolCode: row.SchoolCode, Name: row.Name,
			RawData: row.RawData, Data: row.Data, BodyHash: row.BodyHash, ReceivedAt: row.ReceivedAt.UTC(), OrderKey: row.OrderKey}
	}
	return out, nil
}

// wxAffected turns an update or delete that touched no row into
// shared.ErrNotFound.
func wxAffected(res sql.Result, err error) error {
	if err != nil {
		return MapError(err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return shared.ErrNotFound
	}
	return nil
}

package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/ports"
)

type deviceRow struct {
	bun.BaseModel `bun:"table:push_devices"`
	ID            int64     `bun:"id,pk,autoincrement"`
	AppID         string    `bun:"app_id,notnull,type:varchar(64)"`
	UserID        int64     `bun:"user_id,notnull"`
	ClientID      string    `bun:"client_id,notnull,unique,type:varchar(128)"`
	ClientType    string    `bun:"client_type,notnull,type:varchar(16)"`
	SwitchOn      bool      `bun:"switch_on,notnull"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
}

type pushLogRow struct {
	bun.BaseModel `bun:"table:push_logs"`
	ID            int64      `bun:"id,pk,autoincrement"`
	AppID         string     `bun:"app_id,notnull,type:varchar(64)"`
	Title         string     `bun:"title,notnull,type:varchar(400)"`
	Body          string     `bun:"body,notnull,type:text"`
	Scope         int        `bun:"scope,notnull"`
	ManagerID     int64      `bun:"manager_id,notnull"`
	Status        int        `bun:"status,notnull"`
	Targets       int        `bun:"targets,notnull"`
	SentCount     int        `bun:"sent_count,notnull"`
	FailCount     int        `bun:"fail_count,notnull"`
	Attempts      int        `bun:"attempts,notnull"`
	LastError     string     `bun:"last_error,notnull,type:text"`
	ClaimedUntil  *time.Time `bun:"claimed_until,nullzero"`
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	UpdatedAt     time.Time  `bun:"updated_at,notnull"`
}

type pushRecipientRow struct {
	bun.BaseModel `bun:"table:push_recipients"`
	PushID        int64 `bun:"push_id,pk"`
	UserID        int64 `bun:"user_id,pk"`
}

type pushClearRow struct {
	bun.BaseModel  `bun:"table:push_clears"`
	UserID         int64     `bun:"user_id,pk"`
	ClearedThrough int64     `bun:"cleared_through,notnull"`
	UpdatedAt      time.Time `bun:"updated_at,notnull"`
}

type deliveryRow struct {
	bun.BaseModel `bun:"table:push_deliveries"`
	ID            int64     `bun:"id,pk,autoincrement"`
	PushID        int64     `bun:"push_id,notnull"`
	DeviceID      int64     `bun:"device_id,notnull"`
	UserID        int64     `bun:"user_id,notnull"`
	ClientID      string    `bun:"client_id,notnull,type:varchar(128)"`
	ClientType    string    `bun:"client_type,notnull,type:varchar(16)"`
	Status        int       `bun:"status,notnull"`
	Detail        string    `bun:"detail,notnull,type:varchar(255)"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
}

func init() {
	Register(Migration{ID: "0100_push", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if err := CreateTables(ctx, db, (*deviceRow)(nil), (*pushLogRow)(nil), (*pushRecipientRow)(nil),
			(*pushClearRow)(nil), (*deliveryRow)(nil)); err != nil {
			return err
		}
		for _, ix := range []struct {
			model   any
			name    string
			columns []string
		}{
			{(*deviceRow)(nil), "push_devices_user_idx", []string{"user_id"}},
			{(*pushLogRow)(nil), "push_logs_due_idx", []string{"status", "claimed_until"}},
			{(*pushRecipientRow)(nil), "push_recipients_user_idx", []string{"user_id", "push_id"}},
			{(*deliveryRow)(nil), "push_deliveries_push_idx", []string{"push_id", "status"}},
		} {
			if err := CreateIndex(ctx, db, d, ix.model, ix.name, false, ix.columns...); err != nil {
				return err
			}
		}
		return nil
	}})
}

// Devices is the bun repository of push devices.
type Devices struct{ db *DB }

var _ ports.Devices = (*Devices)(nil)

// NewDevices returns the device repository on db.
func NewDevices(db *DB) *Devices { return &Devices{db: db} }

func toDeviceRow(d push.Device) deviceRow {
	return deviceRow{ID: d.ID, AppID: d.AppID, UserID: d.UserID, ClientID: d.ClientID, ClientType: string(d.ClientType),
		SwitchOn: d.Switch, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
}

func (r deviceRow) domain() push.Device {
	return push.Device{ID: r.ID, AppID: r.AppID, UserID: r.UserID, ClientID: r.ClientID, ClientType: push.ClientType(r.ClientType),
		Switch: r.SwitchOn, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// Create inserts d and sets its ID.
func (r *Devices) Create(ctx context.Context, d *push.Device) error {
	row := toDeviceRow(*d)
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	d.ID = row.ID
	return nil
}

// ByClientID finds a device by the provider's client id.
func (r *Devices) ByClientID(ctx context.Context, clientID string) (push.Device, error) {
	var row deviceRow
	err := r.db.IDB(ctx).NewSelect().Model(&row).Where("client_id = ?", clientID).Scan(ctx)
	return row.domain(), MapError(err)
}

// Update saves the owner, type and switch of d.
func (r *Devices) Update(ctx context.Context, d push.Device) error {
	row := toDeviceRow(d)
	_, err := r.db.IDB(ctx).NewUpdate().Model(&row).Column("user_id", "client_type", "switch_on", "updated_at").WherePK().Exec(ctx)
	return MapError(err)
}

// SwitchedOn returns the switched-on devices of userIDs (of everyone when nil).
func (r *Devices) SwitchedOn(ctx context.Context, userIDs []int64) ([]push.Device, error) {
	var rows []deviceRow
	q := r.db.IDB(ctx).NewSelect().Model(&rows).Where("switch_on = ?", true).Order("id")
	if userIDs != nil {
		if len(userIDs) == 0 {
			return nil, nil
		}
		q = q.Where("user_id IN (?)", bun.List(userIDs))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]push.Device, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// Deliveries is the bun repository of per-device push deliveries.
type Deliveries struct{ db *DB }

var _ ports.Deliveries = (*Deliveries)(nil)

// NewDeliveries returns the delivery repository on db.
func NewDeliveries(db *DB) *Deliveries { return &Deliveries{db: db} }

func (r deliveryRow) domain() push.Delivery {
	return push.Delivery{ID: r.ID, PushID: r.PushID, DeviceID: r.DeviceID, UserID: r.UserID, ClientID: r.ClientID,
		ClientType: push.ClientType(r.ClientType), Status: push.Status(r.Status), Detail: r.Detail, UpdatedAt: r.UpdatedAt.UTC()}
}

// Create inserts deliveries in batches.
func (r *Deliveries) Create(ctx context.Context, ds []push.Delivery) error {
	const chunk = 500
	for start := 0; start < len(ds); start += chunk {
		part := ds[start:min(start+chunk, len(ds))]
		rows := make([]deliveryRow, len(part))
		for i, d := range part {
			rows[i] = deliveryRow{PushID: d.PushID, DeviceID: d.DeviceID, UserID: d.UserID, ClientID: d.ClientID,
				ClientType: string(d.ClientType), Status: int(d.Status), Detail: d.Detail, UpdatedAt: d.UpdatedAt.UTC()}
		}
		if _, err := r.db.IDB(ctx).NewInsert().Model(&rows).Exec(ctx); err != nil {
			return MapError(err)
		}
	}
	return nil
}

// Queued returns a push's deliveries still queued.
func (r *Deliveries) Queued(ctx context.Context, pushID int64) ([]push.Delivery, error) {
	var rows []deliveryRow
	err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("push_id = ? AND status = ?", pushID, int(push.Queued)).Order("id").Scan(ctx)
	out := make([]push.Delivery, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, err
}

// ForPush lists a push's deliveries by id and counts them.
func (r *Deliveries) ForPush(ctx context.Context, pushID int64, offset, limit int) ([]push.Delivery, int64, error) {
	var rows []deliveryRow
	n, err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("push_id = ?", pushID).Order("id").
		Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	out := make([]push.Delivery, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, int64(n), err
}

// Update saves status and detail, one statement per distinct outcome.
func (r *Deliveries) Update(ctx context.Context, ds []push.Delivery) error {
	type outcome struct {
		status int
		detail string
	}
	groups := map[outcome][]int64{}
	var at time.Time
	for _, d := range ds {
		k := outcome{int(d.Status), d.Detail}
		groups[k] = append(groups[k], d.ID)
		at = d.UpdatedAt
	}
	for k, ids := range groups {
		_, err := r.db.IDB(ctx).NewUpdate().Model((*deliveryRow)(nil)).
			Set("status = ?", k.status).Set("detail = ?", k.detail).Set("updated_at = ?", at.UTC()).
			Where("id IN (?)", bun.List(ids)).Exec(ctx)
		if err != nil {
			return err
		}
	}
	return nil
}

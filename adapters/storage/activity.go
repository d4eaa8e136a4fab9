package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/ports"
)

type orgRow struct {
	bun.BaseModel `bun:"table:activity_orgs"`
	ID            int64     `bun:"id,pk,autoincrement"`
	Name          string    `bun:"name,notnull,type:varchar(100)"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
}

type orgTokenRow struct {
	bun.BaseModel `bun:"table:activity_org_tokens"`
	ID            int64      `bun:"id,pk,autoincrement"`
	OrgID         int64      `bun:"org_id,notnull"`
	Hash          string     `bun:"token_hash,notnull,unique,type:varchar(64)"`
	Hint          string     `bun:"hint,notnull,type:varchar(16)"`
	Label         string     `bun:"label,notnull,type:varchar(100)"`
	IssuedAt      time.Time  `bun:"issued_at,notnull"`
	RevokedAt     *time.Time `bun:"revoked_at,nullzero"`
}

type activityRow struct {
	bun.BaseModel `bun:"table:activities"`
	ID            int64      `bun:"id,pk,autoincrement"`
	OrgID         int64      `bun:"org_id,notnull"`
	Name          string     `bun:"name,notnull,type:varchar(100)"`
	Kind          string     `bun:"kind,notnull,type:varchar(16)"`
	Background    string     `bun:"background,notnull,type:varchar(1024)"`
	Logo          string     `bun:"logo,notnull,type:varchar(1024)"`
	Music         string     `bun:"music,notnull,type:varchar(1024)"`
	CollectInfo   string     `bun:"collect_info,notnull,type:varchar(32)"`
	Permission    string     `bun:"permission,notnull,type:text"`
	CloseTime     *time.Time `bun:"close_time,nullzero"`
	ClosedAt      *time.Time `bun:"closed_at,nullzero"`
	DeletedAt     *time.Time `bun:"deleted_at,nullzero"`
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	UpdatedAt     time.Time  `bun:"updated_at,notnull"`
}

type meetingRow struct {
	bun.BaseModel `bun:"table:activity_meetings"`
	ID            int64     `bun:"id,pk,autoincrement"`
	OrgID         int64     `bun:"org_id,notnull"`
	Name          string    `bun:"name,notnull,type:varchar(100)"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
	meetingCloseColumns
}

type meetingUserRow struct {
	bun.BaseModel `bun:"table:activity_meeting_users"`
	MeetingID     int64  `bun:"meeting_id,pk"`
	MemberID      string `bun:"member_id,pk,type:varchar(64)"`
}

func init() {
	Register(Migration{ID: "0400_activity", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if err := CreateTables(ctx, db, (*orgRow)(nil), (*orgTokenRow)(nil), (*activityRow)(nil), (*meetingRow)(nil),
			(*meetingUserRow)(nil), (*memberRow)(nil), (*signinRow)(nil), (*winnerRow)(nil)); err != nil {
			return err
		}
		for _, ix := range []struct {
			model  any
			name   string
			unique bool
			cols   []string
		}{
			{(*orgTokenRow)(nil), "activity_org_tokens_org_idx", false, []string{"org_id"}},
			{(*activityRow)(nil), "activities_org_idx", false, []string{"org_id", "id"}},
			{(*meetingRow)(nil), "activity_meetings_org_idx", false, []string{"org_id"}},
			{(*meetingUserRow)(nil), "activity_meeting_users_member_idx", false, []string{"member_id"}},
			{(*memberRow)(nil), "activity_members_member_idx", true, []string{"activity_id", "member_id"}},
			{(*signinRow)(nil), "activity_course_signins_idx", true, []string{"org_id", "course_id", "member_id"}},
			{(*winnerRow)(nil), "activity_winners_member_idx", true, []string{"activity_id", "member_id"}},
		} {
			if err := CreateIndex(ctx, db, d, ix.model, ix.name, ix.unique, ix.cols...); err != nil {
				return err
			}
		}
		return nil
	}})
}

// Organisations is the bun repository of organisations and their tokens.
type Organisations struct{ db *DB }

// Activities is the bun repository of activities.
type Activities struct{ db *DB }

// Meetings is the bun repository of meetings and their authorised users.
type Meetings struct{ db *DB }

var (
	_ ports.Organisations = (*Organisations)(nil)
	_ ports.Activities    = (*Activities)(nil)
	_ ports.Meetings      = (*Meetings)(nil)
)

// NewOrganisations returns the organisation repository on db.
func NewOrganisations(db *DB) *Organisations { return &Organisations{db: db} }

// NewActivities returns the activity repository on db.
func NewActivities(db *DB) *Activities { return &Activities{db: db} }

// NewMeetings returns the meeting repository on db.
func NewMeetings(db *DB) *Meetings { return &Meetings{db: db} }

// Create inserts o and sets its ID.
func (r *Organisations) Create(ctx context.Context, o *activity.Organisation) error {
	row := orgRow{Name: o.Name, CreatedAt: o.CreatedAt.UTC()}
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	o.ID = row.ID
	return nil
}

func (r orgRow) domain() activity.Organisation {
	return activity.Organisation{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt.UTC()}
}

// ByID finds an organisation.
func (r *Organisations) ByID(ctx context.Context, id int64) (activity.Organisation, error) {
	return rowByID[orgRow](ctx, r.db, id)
}

// List pages through organisations by id.
func (r *Organisations) List(ctx context.Context, offset, limit int) ([]activity.Organisation, int64, error) {
	var rows []orgRow
	n, err := r.db.IDB(ctx).NewSelect().Model(&rows).Order("id ASC").Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	out := make([]activity.Organisation, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, int64(n), err
}

func (r orgTokenRow) domain() activity.OrgToken {
	return activity.OrgToken{ID: r.ID, OrgID: r.OrgID, Hash: r.Hash, Hint: r.Hint, Label: r.Label,
		IssuedAt: r.IssuedAt.UTC(), RevokedAt: timeVal(r.RevokedAt)}
}

// CreateToken inserts t and sets its ID.
func (r *Organisations) CreateToken(ctx context.Context, t *activity.OrgToken) error {
	row := orgTokenRow{OrgID: t.OrgID, Hash: t.Hash, Hint: t.Hint, Label: t.Label, IssuedAt: t.IssuedAt.UTC(), RevokedAt: timePtr(t.RevokedAt)}
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	t.ID = row.ID
	return nil
}

// TokenByHash finds a token by its hash.
func (r *Organisations) TokenByHash(ctx context.Context, hash string) (activity.OrgToken, error) {
	var row orgTokenRow
	err := r.db.IDB(ctx).NewSelect().Model(&row).Where("token_hash = ?", hash).Scan(ctx)
	return row.domain(), MapError(err)
}

// Tokens lists an organisation's tokens by id.
func (r *Organisations) Tokens(ctx context.Context, orgID int64) ([]activity.OrgToken, error) {
	var rows []orgTokenRow
	err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("org_id = ?", orgID).Order("id ASC").Scan(ctx)
	out := make([]activity.OrgToken, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, err
}

// RevokeToken revokes an active token of org.
func (r *Organisations) RevokeToken(ctx context.Context, orgID, tokenID int64, at time.Time) (bool, error) {
	res, err := r.db.IDB(ctx).NewUpdate().Model((*orgTokenRow)(nil)).Set("revoked_at = ?", at.UTC()).
		Where("id = ? AND org_id = ? AND revoked_at IS NULL", tokenID, orgID).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

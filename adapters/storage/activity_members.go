package storage

import (
	"cmp"
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/ports"
)

type memberRow struct {
	bun.BaseModel `bun:"table:activity_members,alias:m"`
	ID            int64     `bun:"id,pk,autoincrement"`
	ActivityID    int64     `bun:"activity_id,notnull"`
	MemberID      string    `bun:"member_id,notnull,type:varchar(64)"`
	Nickname      string    `bun:"nickname,notnull,type:varchar(100)"`
	Icon          string    `bun:"icon,notnull,type:varchar(1024)"`
	RealName      string    `bun:"real_name,notnull,type:varchar(50)"`
	Phone         string    `bun:"phone,notnull,type:varchar(20)"`
	MeetingID     int64     `bun:"meeting_id,notnull"`
	Source        string    `bun:"source,notnull,default:'joined',type:varchar(16)"`
	JoinedAt      time.Time `bun:"joined_at,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
}

type signinRow struct {
	bun.BaseModel `bun:"table:activity_course_signins"`
	ID            int64     `bun:"id,pk,autoincrement"`
	OrgID         int64     `bun:"org_id,notnull"`
	CourseID      int64     `bun:"course_id,notnull"`
	MemberID      string    `bun:"member_id,notnull,type:varchar(64)"`
	Icon          string    `bun:"icon,notnull,type:varchar(1024)"`
	Nickname      string    `bun:"nickname,notnull,type:varchar(100)"`
	SignedAt      time.Time `bun:"signed_at,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
}

type winnerRow struct {
	bun.BaseModel `bun:"table:activity_winners"`
	ID            int64     `bun:"id,pk,autoincrement"`
	ActivityID    int64     `bun:"activity_id,notnull"`
	MemberID      string    `bun:"member_id,notnull,type:varchar(64)"`
	Nickname      string    `bun:"nickname,notnull,type:varchar(100)"`
	DrawnAt       time.Time `bun:"drawn_at,notnull"`
}

// Members is the bun repository of activity members.
type Members struct{ db *DB }

// CourseSignins is the bun repository of synced course sign-ins.
type CourseSignins struct{ db *DB }

// Winners is the bun repository of lottery winners.
type Winners struct{ db *DB }

var (
	_ ports.Members       = (*Members)(nil)
	_ ports.CourseSignins = (*CourseSignins)(nil)
	_ ports.Winners       = (*Winners)(nil)
)

// NewMembers returns the member repository on db.
func NewMembers(db *DB) *Members { return &Members{db: db} }

// NewCourseSignins returns the course sign-in repository on db.
func NewCourseSignins(db *DB) *CourseSignins { return &CourseSignins{db: db} }

// NewWinners returns the winner repository on db.
func NewWinners(db *DB) *Winners { return &Winners{db: db} }

func toMemberRow(m activity.Member) memberRow {
	return memberRow{ID: m.ID, ActivityID: m.ActivityID, MemberID: m.MemberID, Nickname: m.Nickname, Icon: m.Icon,
		RealName: m.RealName, Phone: m.Phone, MeetingID: m.MeetingID, Source: string(cmp.Or(m.Source, activity.SourceJoined)),
		JoinedAt: m.JoinedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC()}
}

func (r memberRow) domain() activity.Member {
	return activity.Member{ID: r.ID, ActivityID: r.ActivityID, MemberID: r.MemberID, Nickname: r.Nickname, Icon: r.Icon,
		RealName: r.RealName, Phone: r.Phone, MeetingID: r.MeetingID, Source: activity.Source(r.Source),
		JoinedAt: r.JoinedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// Get finds a member of an activity.
func (r *Members) Get(ctx context.Context, activityID int64, memberID string) (activity.Member, error) {
	var row memberRow
	err := r.db.IDB(ctx).NewSelect().Model(&row).Where("activity_id = ? AND member_id = ?", activityID, memberID).Scan(ctx)
	return row.domain(), MapError(err)
}

// Create inserts m and sets its ID.
func (r *Members) Create(ctx context.Context, m *activity.Member) error {
	row := toMemberRow(*m)
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	m.ID = row.ID
	return nil
}

// Update saves the member's profile and meeting.
func (r *Members) Update(ctx context.Context, m activity.Member) error {
	row := toMemberRow(m)
	_, err := r.db.IDB(ctx).NewUpdate().Model(&row).Column("nickname", "icon", "real_name", "phone", "meeting_id", "updated_at").
		WherePK().Exec(ctx)
	return MapError(err)
}

// likePattern escapes a substring for LIKE ... ESCAPE '!'.
func likePattern(s string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return "%" + r.Replace(s) + "%"
}

func (r *Members) filtered(ctx context.Context, dst any, activityID int64, f ports.MemberFilter) *bun.SelectQuery {
	q := r.db.IDB(ctx).NewSelect().Model(dst).Where("m.activity_id = ?", activityID)
	if f.MeetingID != 0 {
		q = q.Where("m.meeting_id = ?", f.MeetingID)
	}
	if f.Query != "" {
		p := likePattern(f.Query)
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("m.member_id LIKE ? ESCAPE '!'", p).WhereOr("m.nickname LIKE ? ESCAPE '!'", p).
				WhereOr("m.real_name LIKE ? ESCAPE '!'", p).WhereOr("m.phone LIKE ? ESCAPE '!'", p)
		})
	}
	return q.Order("m.id ASC")
}

// List pages through an activity's members in join order.
func (r *Members) List(ctx context.Context, activityID int64, f ports.MemberFilter, offset, limit int) ([]activity.Member, int64, error) {
	var rows []memberRow
	n, err := r.filtered(ctx, &rows, activityID, f).Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	out := make([]activity.Member, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, int64(n), err
}

// Each streams the matching members in batches, in join order.
func (r *Members) Each(ctx context.Context, activityID int64, f ports.MemberFilter, fn func(activity.Member) error) error {
	const batch = 500
	var after int64
	for {
		var rows []memberRow
		if err := r.filtered(ctx, &rows, activityID, f).Where("m.id > ?", after).Limit(batch).Scan(ctx); err != nil {
			return err
		}
		for _, row := range rows {
			if err := fn(row.domain()); err != nil {
				return err
			}
		}
		if len(rows) < batch {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// Undrawn lists the members not yet among the activity's winners.
func (r *Members) Undrawn(ctx context.Context, activityID int64) ([]activity.Member, error) {
	var rows []memberRow
	err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("m.activity_id = ?", activityID).
		Where("NOT EXISTS (SELECT 1 FROM activity_winners w WHERE w.activity_id = m.activity_id AND w.member_id = m.member_id)").
		Order("m.id ASC").Scan(ctx)
	out := make([]activity.Member, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, err
}

func (r signinRow) domain() activity.CourseSignin {
	return activity.CourseSignin{ID: r.ID, OrgID: r.OrgID, CourseID: r.CourseID, MemberID: r.MemberID, Icon: r.Icon,
		Nickname: r.Nickname, SignedAt: r.SignedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// Get finds a course sign-in.
func (r *CourseSignins) Get(ctx context.Context, orgID, courseID int64, memberID string) (activity.CourseSignin, error) {
	var row signinRow
	err := r.db.IDB(ctx).NewSelect().Model(&row).Where("org_id = ? AND course_id = ? AND member_id = ?", orgID, courseID, memberID).Scan(ctx)
	return row.domain(), MapError(err)
}

// Create inserts c and sets its ID.
func (r *CourseSignins) Create(ctx context.Context, c *activity.CourseSignin) error {
	row := signinRow{OrgID: c.OrgID, CourseID: c.CourseID, MemberID: c.MemberID, Icon: c.Icon, Nickname: c.Nickname,
		SignedAt: c.SignedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	c.ID = row.ID
	return nil
}

// Update saves the sign-in's profile.
func (r *CourseSignins) Update(ctx context.Context, c activity.CourseSignin) error {
	_, err := r.db.IDB(ctx).NewUpdate().Model((*signinRow)(nil)).Set("icon = ?", c.Icon).Set("nickname = ?", c.Nickname).
		Set("updated_at = ?", c.UpdatedAt.UTC()).Where("id = ?", c.ID).Exec(ctx)
	return MapError(err)
}

// Add records winners.
func (r *Winners) Add(ctx context.Context, ws ...activity.Winner) error {
	if len(ws) == 0 {
		return nil
	}
	rows := make([]winnerRow, len(ws))
	for i, w := range ws {
		rows[i] = winnerRow{ActivityID: w.ActivityID, MemberID: w.MemberID, Nickname: w.Nickname, DrawnAt: w.DrawnAt.UTC()}
	}
	_, err := r.db.IDB(ctx).NewInsert().Model(&rows).Exec(ctx)
	return MapError(err)
}

// List returns an activity's winners in draw order.
func (r *Winners) List(ctx context.Context, activityID int64) ([]activity.Winner, error) {
	var rows []winnerRow
	err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("activity_id = ?", activityID).Order("id ASC").Scan(ctx)
	out := make([]activity.Winner, len(rows))
	for i, row := range rows {
		out[i] = activity.Winner{ActivityID: row.ActivityID, MemberID: row.MemberID, Nickname: row.Nickname, DrawnAt: row.DrawnAt.UTC()}
	}
	return out, err
}

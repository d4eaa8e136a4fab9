package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/activity"
)

func toActivityRow(a activity.Activity) activityRow {
	return activityRow{
		ID: a.ID, OrgID: a.OrgID, Name: a.Name, Kind: string(a.Kind), Background: a.Background, Logo: a.Logo,
		Music: a.Music, CollectInfo: a.CollectInfo.String(), Permission: a.PermissionString(),
		CloseTime: timePtr(a.CloseTime), ClosedAt: timePtr(a.ClosedAt), CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(),
	}
}

func (r activityRow) domain() activity.Activity {
	ci, _ := activity.ParseCollectInfo(r.CollectInfo)
	perm, _ := activity.SplitIDs("permission", r.Permission)
	return activity.Activity{
		ID: r.ID, OrgID: r.OrgID, Name: r.Name, Kind: activity.Kind(r.Kind), Background: r.Background, Logo: r.Logo,
		Music: r.Music, CollectInfo: ci, Permission: perm, CloseTime: timeVal(r.CloseTime), ClosedAt: timeVal(r.ClosedAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// Create inserts a and sets its ID.
func (r *Activities) Create(ctx context.Context, a *activity.Activity) error {
	row := toActivityRow(*a)
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	a.ID = row.ID
	return nil
}

// ByID finds an activity that is not deleted.
func (r *Activities) ByID(ctx context.Context, id int64) (activity.Activity, error) {
	var row activityRow
	err := r.db.IDB(ctx).NewSelect().Model(&row).Where("id = ? AND deleted_at IS NULL", id).Scan(ctx)
	return row.domain(), MapError(err)
}

// Update saves every field of a.
func (r *Activities) Update(ctx context.Context, a activity.Activity) error {
	row := toActivityRow(a)
	_, err := r.db.IDB(ctx).NewUpdate().Model(&row).ExcludeColumn("deleted_at").WherePK().Exec(ctx)
	return MapError(err)
}

// Delete marks an activity deleted.
func (r *Activities) Delete(ctx context.Context, id int64, at time.Time) error {
	_, err := r.db.IDB(ctx).NewUpdate().Model((*activityRow)(nil)).Set("deleted_at = ?", at.UTC()).
		Where("id = ? AND deleted_at IS NULL", id).Exec(ctx)
	return err
}

// ListByOrg pages through an organisation's activities, newest first.
func (r *Activities) ListByOrg(ctx context.Context, orgID int64, offset, limit int) ([]activity.Activity, int64, error) {
	var rows []activityRow
	n, err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("org_id = ? AND deleted_at IS NULL", orgID).
		Order("id DESC").Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	out := make([]activity.Activity, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, int64(n), err
}

// Create inserts m and sets its ID.
func (r *Meetings) Create(ctx context.Context, m *activity.Meeting) error {
	row := meetingRow{OrgID: m.OrgID, Name: m.Name, CreatedAt: m.CreatedAt.UTC(), meetingCloseColumns: closeColumns(*m)}
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	m.ID = row.ID
	return nil
}

func (r meetingRow) domain() activity.Meeting {
	return activity.Meeting{ID: r.ID, OrgID: r.OrgID, Name: r.Name, CreatedAt: r.CreatedAt.UTC(), ClosedAt: timeVal(r.ClosedAt)}
}

// ByID finds a meeting.
func (r *Meetings) ByID(ctx context.Context, id int64) (activity.Meeting, error) {
	return rowByID[meetingRow](ctx, r.db, id)
}

// ListByOrg lists an organisation's meetings by id.
func (r *Meetings) ListByOrg(ctx context.Context, orgID int64) ([]activity.Meeting, error) {
	var rows []meetingRow
	err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("org_id = ?", orgID).Order("id ASC").Scan(ctx)
	out := make([]activity.Meeting, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, err
}

// Delete removes a meeting and its authorised users.
func (r *Meetings) Delete(ctx context.Context, id int64) error {
	db := r.db.IDB(ctx)
	if _, err := db.NewDelete().Model((*meetingUserRow)(nil)).Where("meeting_id = ?", id).Exec(ctx); err != nil {
		return err
	}
	_, err := db.NewDelete().Model((*meetingRow)(nil)).Where("id = ?", id).Exec(ctx)
	return err
}

// AddUsers authorises the member ids not yet authorised and returns them.
func (r *Meetings) AddUsers(ctx context.Context, meetingID int64, memberIDs []string) ([]string, error) {
	var have []string
	err := r.db.IDB(ctx).NewSelect().Model((*meetingUserRow)(nil)).Column("member_id").
		Where("meeting_id = ? AND member_id IN (?)", meetingID, bun.List(memberIDs)).Scan(ctx, &have)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(have))
	for _, id := range have {
		known[id] = true
	}
	var rows []meetingUserRow
	var added []string
	for _, id := range memberIDs {
		if !known[id] {
			rows = append(rows, meetingUserRow{MeetingID: meetingID, MemberID: id})
			added = append(added, id)
		}
	}
	if len(rows) == 0 {
		return nil, nil
	}
	_, err = r.db.IDB(ctx).NewInsert().Model(&rows).Exec(ctx)
	return added, MapError(err)
}

// RemoveUser removes an authorised user.
func (r *Meetings) RemoveUser(ctx context.Context, meetingID int64, memberID string) (bool, error) {
	res, err := r.db.IDB(ctx).NewDelete().Model((*meetingUserRow)(nil)).
		Where("meeting_id = ? AND member_id = ?", meetingID, memberID).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Users lists a meeting's authorised users in id order.
func (r *Meetings) Users(ctx context.Context, meetingID int64) ([]string, error) {
	out := []string{}
	err := r.db.IDB(ctx).NewSelect().Model((*meetingUserRow)(nil)).Column("member_id").
		Where("meeting_id = ?", meetingID).Order("member_id ASC").Scan(ctx, &out)
	return out, err
}

// FirstAuthorising returns the first of meetingIDs that is open and
// authorises memberID.
func (r *Meetings) FirstAuthorising(ctx context.Context, meetingIDs []int64, memberID string) (int64, error) {
	if len(meetingIDs) == 0 {
		return 0, nil
	}
	var ids []int64
	err := r.db.IDB(ctx).NewSelect().TableExpr("activity_meeting_users AS u").ColumnExpr("u.meeting_id").
		Join("JOIN activity_meetings AS m ON m.id = u.meeting_id").
		Where("u.member_id = ? AND u.meeting_id IN (?) AND m.closed_at IS NULL", memberID, bun.List(meetingIDs)).Scan(ctx, &ids)
	if err != nil {
		return 0, err
	}
	found := make(map[int64]bool, len(ids))
	for _, id := range ids {
		found[id] = true
	}
	for _, id := range meetingIDs {
		if found[id] {
			return id, nil
		}
	}
	return 0, nil
}

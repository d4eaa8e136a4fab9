package storage

import (
	"context"

	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/ports"
)

func toFeedbackRow(f content.Feedback) feedbackRow {
	return feedbackRow{ID: f.ID, AppID: f.AppID, Content: f.Content, Status: int(f.Status), CategoryID: f.CategoryID,
		ContactPhone: f.ContactPhone, UserID: f.UserID, CreatedAt: f.CreatedAt.UTC(), UpdatedAt: f.UpdatedAt.UTC()}
}

func (r feedbackRow) domain() content.Feedback {
	return content.Feedback{ID: r.ID, AppID: r.AppID, Content: r.Content, Status: content.Status(r.Status), CategoryID: r.CategoryID,
		ContactPhone: r.ContactPhone, UserID: r.UserID, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func (r replyRow) domain() content.Reply {
	return content.Reply{ID: r.ID, AppID: r.AppID, FeedbackID: r.FeedbackID, ManagerID: r.ManagerID, Content: r.Content,
		IsRead: r.IsRead, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// Create inserts f and sets its ID.
func (r *Feedbacks) Create(ctx context.Context, f *content.Feedback) error {
	row := toFeedbackRow(*f)
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	f.ID = row.ID
	return nil
}

// ByID finds a feedback.
func (r *Feedbacks) ByID(ctx context.Context, id int64) (content.Feedback, error) {
	return rowByID[feedbackRow](ctx, r.db, id)
}

// Update saves the status of f.
func (r *Feedbacks) Update(ctx context.Context, f content.Feedback) error {
	row := toFeedbackRow(f)
	_, err := r.db.IDB(ctx).NewUpdate().Model(&row).Column("status", "updated_at").WherePK().Exec(ctx)
	return MapError(err)
}

// Delete removes a feedback and its reply.
func (r *Feedbacks) Delete(ctx context.Context, id int64) error {
	db := r.db.IDB(ctx)
	if _, err := db.NewDelete().Model((*replyRow)(nil)).Where("feedback_id = ?", id).Exec(ctx); err != nil {
		return err
	}
	_, err := db.NewDelete().Model((*feedbackRow)(nil)).Where("id = ?", id).Exec(ctx)
	return err
}

// List returns filtered feedback, newest first.
func (r *Feedbacks) List(ctx context.Context, f ports.FeedbackFilter, offset, limit int) ([]content.Feedback, int64, error) {
	var rows []feedbackRow
	q := r.db.IDB(ctx).NewSelect().Model(&rows)
	if f.UserID != nil {
		q = q.Where("user_id = ?", *f.UserID)
	}
	if f.Status != nil {
		q = q.Where("status = ?", int(*f.Status))
	}
	if f.CategoryID != nil {
		q = q.Where("category_id = ?", *f.CategoryID)
	}
	n, err := q.Order("id DESC").Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	out := make([]content.Feedback, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, int64(n), err
}

// CountByCategory counts the feedback filed under a category.
func (r *Feedbacks) CountByCategory(ctx context.Context, categoryID int64) (int64, error) {
	n, err := r.db.IDB(ctx).NewSelect().Model((*feedbackRow)(nil)).Where("category_id = ?", categoryID).Count(ctx)
	return int64(n), err
}

// Reply returns the reply to a feedback.
func (r *Feedbacks) Reply(ctx context.Context, feedbackID int64) (content.Reply, error) {
	var row replyRow
	err := r.db.IDB(ctx).NewSelect().Model(&row).Where("feedback_id = ?", feedbackID).Scan(ctx)
	return row.domain(), MapError(err)
}

// SaveReply inserts a new reply (ID 0) or updates one; the reply row keeps
// the feedback author's id so unread replies count without a join.
func (r *Feedbacks) SaveReply(ctx context.Context, rep *content.Reply) error {
	db := r.db.IDB(ctx)
	row := replyRow{ID: rep.ID, AppID: rep.AppID, FeedbackID: rep.FeedbackID, ManagerID: rep.ManagerID, Content: rep.Content,
		IsRead: rep.IsRead, CreatedAt: rep.CreatedAt.UTC(), UpdatedAt: rep.UpdatedAt.UTC()}
	if rep.ID != 0 {
		_, err := db.NewUpdate().Model(&row).Column("manager_id", "content", "is_read", "updated_at").WherePK().Exec(ctx)
		return MapError(err)
	}
	err := db.NewSelect().Model((*feedbackRow)(nil)).Column("user_id").Where("id = ?", rep.FeedbackID).Scan(ctx, &row.UserID)
	if err != nil {
		return MapError(err)
	}
	if _, err := db.NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	rep.ID = row.ID
	return nil
}

// CountUnreadReplies counts the unread replies to userID's feedback.
func (r *Feedbacks) CountUnreadReplies(ctx context.Context, userID int64) (int64, error) {
	n, err := r.db.IDB(ctx).NewSelect().Model((*replyRow)(nil)).Where("user_id = ? AND is_read = ?", userID, false).Count(ctx)
	return int64(n), err
}

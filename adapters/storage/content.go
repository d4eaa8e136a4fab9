package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/ports"
)

type faqRow struct {
	bun.BaseModel `bun:"table:faqs"`
	ID            int64     `bun:"id,pk,autoincrement"`
	AppID         string    `bun:"app_id,notnull,type:varchar(64)"`
	Title         string    `bun:"title,notnull,type:varchar(800)"`
	Content       string    `bun:"content,notnull,type:text"`
	Category      string    `bun:"category,notnull,type:varchar(256)"`
	ExternalLink  string    `bun:"external_link,notnull,type:varchar(1024)"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
}

type categoryRow struct {
	bun.BaseModel `bun:"table:feedback_categories"`
	ID            int64     `bun:"id,pk,autoincrement"`
	AppID         string    `bun:"app_id,notnull,type:varchar(64)"`
	Name          string    `bun:"name,notnull,unique,type:varchar(64)"`
	Description   string    `bun:"description,notnull,type:varchar(1024)"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
}

type feedbackRow struct {
	bun.BaseModel `bun:"table:feedbacks"`
	ID            int64     `bun:"id,pk,autoincrement"`
	AppID         string    `bun:"app_id,notnull,type:varchar(64)"`
	Content       string    `bun:"content,notnull,type:text"`
	Status        int       `bun:"status,notnull"`
	CategoryID    int64     `bun:"category_id,notnull"`
	ContactPhone  string    `bun:"contact_phone,notnull,type:varchar(32)"`
	UserID        int64     `bun:"user_id,notnull"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
}

type replyRow struct {
	bun.BaseModel `bun:"table:feedback_replies"`
	ID            int64     `bun:"id,pk,autoincrement"`
	AppID         string    `bun:"app_id,notnull,type:varchar(64)"`
	FeedbackID    int64     `bun:"feedback_id,notnull,unique"`
	ManagerID     int64     `bun:"manager_id,notnull"`
	UserID        int64     `bun:"user_id,notnull"`
	Content       string    `bun:"content,notnull,type:text"`
	IsRead        bool      `bun:"is_read,notnull"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
}

func init() {
	Register(Migration{ID: "0200_content", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if err := CreateTables(ctx, db, (*faqRow)(nil), (*categoryRow)(nil), (*feedbackRow)(nil), (*replyRow)(nil)); err != nil {
			return err
		}
		if err := CreateIndex(ctx, db, d, (*feedbackRow)(nil), "feedbacks_user_idx", false, "user_id", "id"); err != nil {
			return err
		}
		if err := CreateIndex(ctx, db, d, (*feedbackRow)(nil), "feedbacks_category_idx", false, "category_id"); err != nil {
			return err
		}
		return CreateIndex(ctx, db, d, (*replyRow)(nil), "feedback_replies_unread_idx", false, "user_id", "is_read")
	}})
}

// FAQs is the bun repository of FAQ entries.
type FAQs struct{ db *DB }

// Categories is the bun repository of feedback categories.
type Categories struct{ db *DB }

// Feedbacks is the bun repository of feedback and replies.
type Feedbacks struct{ db *DB }

var (
	_ ports.FAQs          = (*FAQs)(nil)
	_ ports.Categories    = (*Categories)(nil)
	_ ports.Feedbacks     = (*Feedbacks)(nil)
	_ ports.UnreadReplies = (*Feedbacks)(nil)
)

// NewFAQs returns the FAQ repository on db.
func NewFAQs(db *DB) *FAQs { return &FAQs{db: db} }

// NewCategories returns the category repository on db.
func NewCategories(db *DB) *Categories { return &Categories{db: db} }

// NewFeedbacks returns the feedback repository on db.
func NewFeedbacks(db *DB) *Feedbacks { return &Feedbacks{db: db} }

func toFAQRow(f content.FAQ) faqRow {
	return faqRow{ID: f.ID, AppID: f.AppID, Title: f.Title, Content: f.Content, Category: f.Category,
		ExternalLink: f.ExternalLink, CreatedAt: f.CreatedAt.UTC(), UpdatedAt: f.UpdatedAt.UTC()}
}

func (r faqRow) domain() content.FAQ {
	return content.FAQ{ID: r.ID, AppID: r.AppID, Title: r.Title, Content: r.Content, Category: r.Category,
		ExternalLink: r.ExternalLink, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// Create inserts f and sets its ID.
func (r *FAQs) Create(ctx context.Context, f *content.FAQ) error {
	row := toFAQRow(*f)
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	f.ID = row.ID
	return nil
}

// ByID finds a FAQ entry.
func (r *FAQs) ByID(ctx context.Context, id int64) (content.FAQ, error) {
	return rowByID[faqRow](ctx, r.db, id)
}

// Update saves f.
func (r *FAQs) Update(ctx context.Context, f content.FAQ) error {
	row := toFAQRow(f)
	_, err := r.db.IDB(ctx).NewUpdate().Model(&row).ExcludeColumn("id", "created_at").WherePK().Exec(ctx)
	return MapError(err)
}

// Delete removes a FAQ entry.
func (r *FAQs) Delete(ctx context.Context, id int64) error {
	_, err := r.db.IDB(ctx).NewDelete().Model((*faqRow)(nil)).Where("id = ?", id).Exec(ctx)
	return err
}

// List returns FAQ entries newest first.
func (r *FAQs) List(ctx context.Context, offset, limit int) ([]content.FAQ, int64, error) {
	var rows []faqRow
	n, err := r.db.IDB(ctx).NewSelect().Model(&rows).Order("id DESC").Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	out := make([]content.FAQ, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, int64(n), err
}

func toCategoryRow(c content.Category) categoryRow {
	return categoryRow{ID: c.ID, AppID: c.AppID, Name: c.Name, Description: c.Description,
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
}

func (r categoryRow) domain() content.Category {
	return content.Category{ID: r.ID, AppID: r.AppID, Name: r.Name, Description: r.Description,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// Create inserts c and sets its ID.
func (r *Categories) Create(ctx context.Context, c *content.Category) error {
	row := toCategoryRow(*c)
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	c.ID = row.ID
	return nil
}

// ByID finds a category.
func (r *Categories) ByID(ctx context.Context, id int64) (content.Category, error) {
	return rowByID[categoryRow](ctx, r.db, id)
}

// Update saves c.
func (r *Categories) Update(ctx context.Context, c content.Category) error {
	row := toCategoryRow(c)
	_, err := r.db.IDB(ctx).NewUpdate().Model(&row).ExcludeColumn("id", "created_at").WherePK().Exec(ctx)
	return MapError(err)
}

// Delete removes a category.
func (r *Categories) Delete(ctx context.Context, id int64) error {
	_, err := r.db.IDB(ctx).NewDelete().Model((*categoryRow)(nil)).Where("id = ?", id).Exec(ctx)
	return err
}

// List returns categories in id order.
func (r *Categories) List(ctx context.Context, offset, limit int) ([]content.Category, int64, error) {
	var rows []categoryRow
	n, err := r.db.IDB(ctx).NewSelect().Model(&rows).Order("id").Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	out := make([]content.Category, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, int64(n), err
}

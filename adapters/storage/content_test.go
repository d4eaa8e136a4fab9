package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

func TestContentRepositories(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		faqs, cats, fbs := storage.NewFAQs(db), storage.NewCategories(db), storage.NewFeedbacks(db)
		f, _ := content.NewFAQ(content.FAQInput{Title: "标题", Content: "内容"}, at)
		if err := faqs.Create(ctx, &f); err != nil {
			t.Fatal(err)
		}
		_ = f.Edit(content.FAQInput{Title: "新标题", Content: "内容", ExternalLink: "https://example.com"}, at)
		if err := faqs.Update(ctx, f); err != nil {
			t.Fatal(err)
		}
		if got, _ := faqs.ByID(ctx, f.ID); got.Title != "新标题" || !got.CreatedAt.Equal(at) {
			t.Fatalf("FAQ = %+v", got)
		}

		c, _ := content.NewCategory("app", "app", at)
		if err := cats.Create(ctx, &c); err != nil {
			t.Fatal(err)
		}
		taken, _ := content.NewCategory("app", "", at)
		if err := cats.Create(ctx, &taken); !errors.Is(err, shared.ErrAlreadyExists) {
			t.Fatalf("a taken name: %v", err)
		}

		mine, _ := content.NewFeedback(1, "反馈内容", c.ID, "18656660930", at)
		other, _ := content.NewFeedback(2, "other", 0, "", at)
		for _, x := range []*content.Feedback{&mine, &other} {
			if err := fbs.Create(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		var r content.Reply
		_ = content.Answer(&mine, &r, 9, "回复内容", content.Replied, at)
		if err := fbs.SaveReply(ctx, &r); err != nil || r.ID == 0 {
			t.Fatalf("SaveReply: %v", err)
		}
		if err := fbs.Update(ctx, mine); err != nil {
			t.Fatal(err)
		}
		if n, _ := fbs.CountUnreadReplies(ctx, 1); n != 1 {
			t.Errorf("unread replies of user 1 = %d", n)
		}
		r.MarkRead(at)
		if err := fbs.SaveReply(ctx, &r); err != nil {
			t.Fatal(err)
		}
		if n, _ := fbs.CountUnreadReplies(ctx, 1); n != 0 {
			t.Errorf("unread after reading = %d", n)
		}
		replied, uid := content.Replied, int64(1)
		filters := []struct {
			f    ports.FeedbackFilter
			want int64
		}{{ports.FeedbackFilter{}, 2}, {ports.FeedbackFilter{UserID: &uid}, 1}, {ports.FeedbackFilter{Status: &replied}, 1}, {ports.FeedbackFilter{CategoryID: &c.ID}, 1}}
		for _, x := range filters {
			if _, n, err := fbs.List(ctx, x.f, 0, 20); err != nil || n != x.want {
				t.Errorf("filter %+v: %d, %v", x.f, n, err)
			}
		}
		if n, _ := fbs.CountByCategory(ctx, c.ID); n != 1 {
			t.Errorf("by category = %d", n)
		}
		if err := fbs.Delete(ctx, mine.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := fbs.Reply(ctx, mine.ID); !errors.Is(err, shared.ErrNotFound) {
			t.Errorf("the reply outlived its feedback: %v", err)
		}
	})
}

package content

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/ports/portstest"
)

// store is an in-memory FAQs, Categories and Feedbacks.
type store struct {
	categories map[int64]content.Category
	feedback   map[int64]content.Feedback
	replies    map[int64]content.Reply // by feedback id
}

func (s *store) Create(_ context.Context, c *content.Category) error {
	c.ID = int64(len(s.categories) + 1)
	s.categories[c.ID] = *c
	return nil
}
func (s *store) ByID(_ context.Context, id int64) (content.Category, error) {
	return portstest.Get(s.categories, id)
}
func (s *store) Update(_ context.Context, c content.Category) error {
	s.categories[c.ID] = c
	return nil
}
func (s *store) Delete(_ context.Context, id int64) error { delete(s.categories, id); return nil }
func (s *store) List(context.Context, int, int) ([]content.Category, int64, error) {
	return nil, 0, nil
}

type feedbacks struct{ *store }

func (f feedbacks) Create(_ context.Context, x *content.Feedback) error {
	x.ID = int64(len(f.feedback) + 1)
	f.feedback[x.ID] = *x
	return nil
}
func (f feedbacks) ByID(_ context.Context, id int64) (content.Feedback, error) {
	return portstest.Get(f.feedback, id)
}
func (f feedbacks) Update(_ context.Context, x content.Feedback) error {
	f.feedback[x.ID] = x
	return nil
}
func (f feedbacks) Delete(_ context.Context, id int64) error {
	delete(f.feedback, id)
	delete(f.replies, id)
	return nil
}
func (f feedbacks) List(context.Context, ports.FeedbackFilter, int, int) ([]content.Feedback, int64, error) {
	return nil, 0, nil
}
func (f feedbacks) CountByCategory(_ context.Context, id int64) (int64, error) {
	var n int64
	for _, x := range f.feedback {
		if x.CategoryID == id {
			n++
		}
	}
	return n, nil
}
func (f feedbacks) Reply(_ context.Context, id int64) (content.Reply, error) {
	return portstest.Get(f.replies, id)
}
func (f feedbacks) SaveReply(_ context.Context, r *content.Reply) error {
	if r.ID == 0 {
		r.ID = int64(len(f.replies) + 1)
	}
	f.replies[r.FeedbackID] = *r
	return nil
}
func (f feedbacks) CountUnreadReplies(context.Context, int64) (int64, error) { return 0, nil }

func newTestService() (*Service, *store, *portstest.Outbox) {
	st := &store{categories: map[int64]content.Category{}, feedback: map[int64]content.Feedback{}, replies: map[int64]content.Reply{}}
	out := &portstest.Outbox{}
	clock := portstest.NewClock(time.Date(2019, 5, 24, 3, 48, 47, 0, time.UTC))
	return NewService(Deps{UoW: portstest.UnitOfWork{}, Outbox: out, Categories: st, Feedbacks: feedbacks{st}, Clock: clock}), st, out
}

func as(id int64, role account.Role) context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{AccountID: id, Role: role})
}

func TestFeedbackUseCases(t *testing.T) {
	s, st, out := newTestService()
	user, stranger, manager := as(2, account.RoleUser), as(3, account.RoleUser), as(9, account.RoleManager)
	cat, _ := s.CreateCategory(manager, "app", "app")

	if _, err := s.CreateFeedback(user, FeedbackInput{Content: "反馈内容", CategoryID: 42}); !errors.Is(err, content.ErrUnknownCategory) {
		t.Fatalf("unknown category: %v", err)
	}
	f, err := s.CreateFeedback(user, FeedbackInput{Content: "反馈内容", CategoryID: cat.ID, ContactPhone: "18656660930"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadReply(user, f.ID); !errors.Is(err, content.ErrNoReply) {
		t.Fatalf("no reply yet: %v", err)
	}
	if _, err := s.Reply(manager, f.ID, ReplyInput{Content: "回复内容"}); err != nil {
		t.Fatal(err)
	}
	if got := st.feedback[f.ID]; got.Status != content.Replied {
		t.Fatalf("feedback status after the reply = %d", got.Status)
	}
	if _, err := s.ReadReply(stranger, f.ID); !errors.Is(err, content.ErrNotYourFeedback) {
		t.Fatalf("a stranger reads the reply: %v", err)
	}
	first, err := s.ReadReply(user, f.ID)
	if err != nil || first.IsRead || first.ManagerID != 9 {
		t.Fatalf("first read = %+v, %v", first, err)
	}
	if !st.replies[f.ID].IsRead {
		t.Fatal("reading did not mark the reply read")
	}
	if second, _ := s.ReadReply(user, f.ID); !second.IsRead {
		t.Fatal("the second read shows the reply unread")
	}
	if err := s.DeleteCategory(manager, cat.ID); !errors.Is(err, content.ErrCategoryInUse) {
		t.Fatalf("delete a used category: %v", err)
	}
	if err := s.DeleteFeedback(stranger, f.ID); !errors.Is(err, content.ErrNotYourFeedback) {
		t.Fatalf("a stranger deletes: %v", err)
	}
	if err := s.DeleteFeedback(user, f.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteFeedback(user, f.ID); !errors.Is(err, content.ErrFeedbackNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	want := []string{"category_changed", "feedback_created", "feedback_replied", "reply_read", "feedback_deleted"}
	if len(out.Types()) != len(want) {
		t.Fatalf("events = %v, want %v", out.Types(), want)
	}
	for i := range want {
		if out.Types()[i] != want[i] {
			t.Fatalf("events = %v, want %v", out.Types(), want)
		}
	}
}

package appapi

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appcontent "github.com/campushub/campushub/app/content"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/domain/shared"
)

// Content mounts /api/faq, /api/feedback_category and /api/feedback.
type Content struct {
	S  *Server
	EP appcontent.Endpoints
}

// Mount implements server.Mounter.
func (c Content) Mount(r chi.Router) {
	s := c.S
	r.Method(http.MethodGet, "/api/faq", s.Handler(c.EP.FAQs, httpkit.DecodePage, httpkit.Paged(s.faq)))
	r.Method(http.MethodGet, "/api/faq/{id}", s.Handler(c.EP.FAQ, httpkit.DecodeID("id"), httpkit.Data(s.faq)))
	r.Method(http.MethodGet, "/api/feedback_category", s.Handler(c.EP.Categories, httpkit.DecodePage, httpkit.Paged(s.category)))
	r.Method(http.MethodPost, "/api/feedback", s.Handler(c.EP.CreateFeedback, decodeCreateFeedback, httpkit.Data(s.feedback)))
	r.Method(http.MethodGet, "/api/feedback", s.Handler(c.EP.MyFeedback, httpkit.DecodePage, httpkit.Paged(s.feedback)))
	r.Method(http.MethodDelete, "/api/feedback/{id}", s.Handler(c.EP.DeleteFeedback, httpkit.DecodeID("id"), nil))
	r.Method(http.MethodGet, "/api/feedback/reply/{feedback_id}", s.Handler(c.EP.ReadReply, httpkit.DecodeID("feedback_id"), httpkit.Data(s.reply)))
}

func decodeCreateFeedback(_ context.Context, r *http.Request) (any, error) {
	var b struct {
		Content      string `json:"feedback_content"`
		CategoryID   *int64 `json:"feedback_category_id"`
		ContactPhone string `json:"contact_phone"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	in := appcontent.FeedbackInput{Content: b.Content, ContactPhone: b.ContactPhone}
	if b.CategoryID != nil {
		if *b.CategoryID <= 0 {
			return nil, shared.Invalid("feedback_category_id", "feedback_category_id must be a positive id")
		}
		in.CategoryID = *b.CategoryID
	}
	return appcontent.CreateFeedbackRequest{Input: in}, nil
}

// FAQData is a FAQ entry, the seed's fields.
type FAQData struct {
	Record
	Title        string `json:"title"`
	Content      string `json:"content"`
	Category     string `json:"category"`
	ExternalLink string `json:"external_link"`
}

func (s *Server) faq(f content.FAQ) FAQData {
	return FAQData{Record: s.record(f.ID, f.AppID, f.CreatedAt, f.UpdatedAt),
		Title: f.Title, Content: f.Content, Category: f.Category, ExternalLink: f.ExternalLink}
}

// CategoryData is a feedback category, the seed's fields.
type CategoryData struct {
	Record
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (s *Server) category(c content.Category) CategoryData {
	return CategoryData{Record: s.record(c.ID, c.AppID, c.CreatedAt, c.UpdatedAt),
		Name: c.Name, Description: c.Description}
}

// FeedbackData is a feedback, the seed's fields.
type FeedbackData struct {
	Record
	FeedbackContent    string `json:"feedback_content"`
	FeedbackStatus     int    `json:"feedback_status"`
	FeedbackCategoryID int64  `json:"feedback_category_id"`
	ContactPhone       string `json:"contact_phone"`
	UserID             int64  `json:"user_id"`
}

func (s *Server) feedback(f content.Feedback) FeedbackData {
	return FeedbackData{Record: s.record(f.ID, f.AppID, f.CreatedAt, f.UpdatedAt),
		FeedbackContent: f.Content, FeedbackStatus: int(f.Status), FeedbackCategoryID: f.CategoryID,
		ContactPhone: f.ContactPhone, UserID: f.UserID}
}

// ReplyData is a manager's reply, the seed's fields.
type ReplyData struct {
	Record
	ReplyContent string `json:"reply_content"`
	ManagerID    int64  `json:"manager_id"`
	FeedbackID   int64  `json:"feedback_id"`
	IsRead       bool   `json:"is_read"`
}

func (s *Server) reply(r content.Reply) ReplyData {
	return ReplyData{Record: s.record(r.ID, r.AppID, r.CreatedAt, r.UpdatedAt),
		ReplyContent: r.Content, ManagerID: r.ManagerID, FeedbackID: r.FeedbackID, IsRead: r.IsRead}
}

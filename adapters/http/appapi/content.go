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
	r.Method(http.MethodGet, "/api/faq", s.Handler(c.EP.FAQs, decodeContentPage, s.faqPage))
	r.Method(http.MethodGet, "/api/faq/{id}", s.Handler(c.EP.FAQ, decodeContentID("id"), s.faq))
	r.Method(http.MethodGet, "/api/feedback_category", s.Handler(c.EP.Categories, decodeContentPage, s.categoryPage))
	r.Method(http.MethodPost, "/api/feedback", s.Handler(c.EP.CreateFeedback, decodeCreateFeedback, s.feedback))
	r.Method(http.MethodGet, "/api/feedback", s.Handler(c.EP.MyFeedback, decodeContentPage, s.feedbackPage))
	r.Method(http.MethodDelete, "/api/feedback/{id}", s.Handler(c.EP.DeleteFeedback, decodeContentID("id"), Empty))
	r.Method(http.MethodGet, "/api/feedback/reply/{feedback_id}", s.Handler(c.EP.ReadReply, decodeContentID("feedback_id"), s.reply))
}

func decodeContentPage(_ context.Context, r *http.Request) (any, error) {
	p, err := httpkit.ParsePage(r)
	return appcontent.PageRequest{Page: p}, err
}

func decodeContentID(param string) func(context.Context, *http.Request) (any, error) {
	return func(_ context.Context, r *http.Request) (any, error) {
		id, err := httpkit.ParseID(param, chi.URLParam(r, param))
		return appcontent.IDRequest{ID: id}, err
	}
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
	ID           int64  `json:"id"`
	AppID        string `json:"app_id"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
	Title        string `json:"title"`
	Content      string `json:"content"`
	Category     string `json:"category"`
	ExternalLink string `json:"external_link"`
}

func (s *Server) faqData(f content.FAQ) FAQData {
	return FAQData{ID: f.ID, AppID: f.AppID, CreatedAt: s.clock.Format(f.CreatedAt), UpdatedAt: s.clock.Format(f.UpdatedAt),
		Title: f.Title, Content: f.Content, Category: f.Category, ExternalLink: f.ExternalLink}
}

func (s *Server) faq(resp any) any { return s.faqData(resp.(appcontent.FAQResponse).FAQ) }

func (s *Server) faqPage(resp any) any {
	return pageOf(resp.(appcontent.ListResponse[content.FAQ]), s.faqData)
}

// CategoryData is a feedback category, the seed's fields.
type CategoryData struct {
	ID          int64  `json:"id"`
	AppID       string `json:"app_id"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (s *Server) categoryData(c content.Category) CategoryData {
	return CategoryData{ID: c.ID, AppID: c.AppID, CreatedAt: s.clock.Format(c.CreatedAt), UpdatedAt: s.clock.Format(c.UpdatedAt),
		Name: c.Name, Description: c.Description}
}

func (s *Server) category(resp any) any {
	return s.categoryData(resp.(appcontent.CategoryResponse).Category)
}

func (s *Server) categoryPage(resp any) any {
	return pageOf(resp.(appcontent.ListResponse[content.Category]), s.categoryData)
}

// FeedbackData is a feedback, the seed's fields.
type FeedbackData struct {
	ID                 int64  `json:"id"`
	AppID              string `json:"app_id"`
	CreatedAt          string `json:"created_at"`
	UpdatedAt          string `json:"updated_at"`
	FeedbackContent    string `json:"feedback_content"`
	FeedbackStatus     int    `json:"feedback_status"`
	FeedbackCategoryID int64  `json:"feedback_category_id"`
	ContactPhone       string `json:"contact_phone"`
	UserID             int64  `json:"user_id"`
}

func (s *Server) feedbackData(f content.Feedback) FeedbackData {
	return FeedbackData{ID: f.ID, AppID: f.AppID, CreatedAt: s.clock.Format(f.CreatedAt), UpdatedAt: s.clock.Format(f.UpdatedAt),
		FeedbackContent: f.Content, FeedbackStatus: int(f.Status), FeedbackCategoryID: f.CategoryID,
		ContactPhone: f.ContactPhone, UserID: f.UserID}
}

func (s *Server) feedback(resp any) any {
	return s.feedbackData(resp.(appcontent.FeedbackResponse).Feedback)
}

func (s *Server) feedbackPage(resp any) any {
	return pageOf(resp.(appcontent.ListResponse[content.Feedback]), s.feedbackData)
}

// ReplyData is a manager's reply, the seed's fields.
type ReplyData struct {
	ID           int64  `json:"id"`
	AppID        string `json:"app_id"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
	ReplyContent string `json:"reply_content"`
	ManagerID    int64  `json:"manager_id"`
	FeedbackID   int64  `json:"feedback_id"`
	IsRead       bool   `json:"is_read"`
}

func (s *Server) reply(resp any) any {
	r := resp.(appcontent.ReplyResponse).Reply
	return ReplyData{ID: r.ID, AppID: r.AppID, CreatedAt: s.clock.Format(r.CreatedAt), UpdatedAt: s.clock.Format(r.UpdatedAt),
		ReplyContent: r.Content, ManagerID: r.ManagerID, FeedbackID: r.FeedbackID, IsRead: r.IsRead}
}

// pageOf renders a content list response in the seed's pagination envelope.
func pageOf[T, D any](r appcontent.ListResponse[T], render func(T) D) httpkit.PageOf[D] {
	return httpkit.RenderPage(r.Page, r.Total, r.Items, render)
}

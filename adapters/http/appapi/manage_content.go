package appapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appcontent "github.com/campushub/campushub/app/content"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// ManageContent mounts the managers' content routes under /api/manage.
type ManageContent struct {
	S  *Server
	EP appcontent.Endpoints
}

// Mount implements server.Mounter.
func (m ManageContent) Mount(r chi.Router) {
	s := m.S
	r.Method(http.MethodPost, "/api/manage/faq", s.Handler(m.EP.CreateFAQ, decodeSaveFAQ, httpkit.Data(s.faq)))
	r.Method(http.MethodPut, "/api/manage/faq/{id}", s.Handler(m.EP.UpdateFAQ, decodeSaveFAQ, httpkit.Data(s.faq)))
	r.Method(http.MethodDelete, "/api/manage/faq/{id}", s.Handler(m.EP.DeleteFAQ, httpkit.DecodeID("id"), nil))
	r.Method(http.MethodPost, "/api/manage/feedback_category", s.Handler(m.EP.CreateCategory, decodeSaveCategory, httpkit.Data(s.category)))
	r.Method(http.MethodPut, "/api/manage/feedback_category/{id}", s.Handler(m.EP.UpdateCategory, decodeSaveCategory, httpkit.Data(s.category)))
	r.Method(http.MethodDelete, "/api/manage/feedback_category/{id}", s.Handler(m.EP.DeleteCategory, httpkit.DecodeID("id"), nil))
	r.Method(http.MethodGet, "/api/manage/feedback", s.Handler(m.EP.FeedbackList, decodeFeedbackList, httpkit.Paged(s.feedback)))
	r.Method(http.MethodPost, "/api/manage/feedback/{id}/reply", s.Handler(m.EP.Reply, decodeReply, httpkit.Data(s.reply)))
}

// decodeSaveFAQ reads a FAQ entry to create (no id in the path) or update.
func decodeSaveFAQ(_ context.Context, r *http.Request) (any, error) {
	id, err := httpkit.OptionalPathID(r, "id")
	if err != nil {
		return nil, err
	}
	var b struct {
		Title        string `json:"title"`
		Content      string `json:"content"`
		Category     string `json:"category"`
		ExternalLink string `json:"external_link"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	return appcontent.SaveFAQRequest{ID: id, Input: content.FAQInput{
		Title: b.Title, Content: b.Content, Category: b.Category, ExternalLink: b.ExternalLink,
	}}, nil
}

// decodeSaveCategory reads a category to create (no id in the path) or
// update.
func decodeSaveCategory(_ context.Context, r *http.Request) (any, error) {
	id, err := httpkit.OptionalPathID(r, "id")
	if err != nil {
		return nil, err
	}
	var b struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	return appcontent.SaveCategoryRequest{ID: id, Name: b.Name, Description: b.Description}, nil
}

// decodeFeedbackList reads the filters feedback_status, feedback_category_id
// and user_id, and the page.
func decodeFeedbackList(_ context.Context, r *http.Request) (any, error) {
	p, err := httpkit.ParsePage(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	var f ports.FeedbackFilter
	for _, name := range []string{"feedback_status", "feedback_category_id", "user_id"} {
		if _, err := httpkit.QueryValue(q, name); err != nil {
			return nil, err
		}
	}
	if v := q.Get("feedback_status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, shared.Invalid("feedback_status", "feedback_status must be 0, 1 or 2, got %q", v)
		}
		st, err := content.ParseStatus(n)
		if err != nil {
			return nil, err
		}
		f.Status = &st
	}
	for field, dst := range map[string]**int64{"feedback_category_id": &f.CategoryID, "user_id": &f.UserID} {
		if v := q.Get(field); v != "" {
			id, err := httpkit.ParseID(field, v)
			if err != nil {
				return nil, err
			}
			*dst = &id
		}
	}
	return appcontent.FeedbackListRequest{Filter: f, Page: p}, nil
}

func decodeReply(_ context.Context, r *http.Request) (any, error) {
	id, err := httpkit.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	var b struct {
		Content string `json:"reply_content"`
		Status  *int   `json:"feedback_status"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	in := appcontent.ReplyInput{Content: b.Content}
	if b.Status != nil {
		st, err := content.ParseStatus(*b.Status)
		if err != nil {
			return nil, err
		}
		in.Status = &st
	}
	return appcontent.ReplyRequest{FeedbackID: id, Input: in}, nil
}

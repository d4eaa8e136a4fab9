package console

import (
	"net/http"
	"strconv"

	appcontent "github.com/campushub/campushub/app/content"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/domain/shared"
)

type feedbackDetailData struct {
	Feedback     content.Feedback
	CategoryName string
	Reply        content.Reply
	Replied      bool
}

func (h *Handler) feedbackDetail(w http.ResponseWriter, r *http.Request, v *view) {
	h.feedbackPage(w, r, v, http.StatusOK)
}

func (h *Handler) feedbackPage(w http.ResponseWriter, r *http.Request, v *view, status int) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	f, rep, replied, err := h.svc.Content.Feedback(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	_, names, err := h.allCategories(r)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !v.Form.Has("reply_content") && replied {
		v.Form.Set("reply_content", rep.Content)
	}
	if !v.Form.Has("feedback_status") {
		v.Form.Set("feedback_status", "1")
	}
	if r.URL.Query().Get("replied") != "" {
		v.Flash = v.T("flash.replied")
	}
	v.Data = feedbackDetailData{Feedback: f, CategoryName: names[f.CategoryID], Reply: rep, Replied: replied}
	h.render(w, r, status, "feedback_detail", v)
}

func (h *Handler) reply(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !h.parseForm(w, r, v) {
		return
	}
	st := content.Replied
	if v.Val("feedback_status") == "2" {
		st = content.Closed
	} else if s := v.Val("feedback_status"); s != "1" && s != "" {
		err = shared.Invalid("feedback_status", "feedback_status must be 1 (replied) or 2 (closed)")
	}
	if err == nil {
		_, err = h.svc.Content.Reply(r.Context(), id, appcontent.ReplyInput{Content: v.Val("reply_content"), Status: &st})
	}
	if err != nil {
		h.formFail(w, r, v, err, "reply_content", func(status int) { h.feedbackPage(w, r, v, status) })
		return
	}
	h.redirect(w, r, Prefix+"/feedback/"+strconv.FormatInt(id, 10)+"?replied=1")
}

type faqListData struct {
	FAQs  []content.FAQ
	Pager pager
}

func (h *Handler) faqList(w http.ResponseWriter, r *http.Request, v *view) {
	h.faqPage(w, r, v, http.StatusOK)
}

func (h *Handler) faqPage(w http.ResponseWriter, r *http.Request, v *view, status int) {
	listPage(h, w, r, v, status, "faq", h.svc.Content.FAQs, func(fs []content.FAQ, p pager) any {
		return faqListData{FAQs: fs, Pager: p}
	})
}

// flashFromQuery shows the message a redirect after a form named.
func (h *Handler) flashFromQuery(r *http.Request, v *view) {
	if d := r.URL.Query().Get("done"); d != "" && v.Flash == "" {
		if _, ok := messages["done."+d]; ok {
			v.Flash = v.T("done." + d)
		}
	}
}

func faqInput(v *view) content.FAQInput {
	return content.FAQInput{Title: v.Val("title"), Content: v.Val("content"), Category: v.Val("category"), ExternalLink: v.Val("external_link")}
}

func (h *Handler) createFAQ(w http.ResponseWriter, r *http.Request, v *view) {
	if !h.parseForm(w, r, v) {
		return
	}
	if _, err := h.svc.Content.CreateFAQ(r.Context(), faqInput(v)); err != nil {
		h.formFail(w, r, v, err, "title", func(status int) { h.faqPage(w, r, v, status) })
		return
	}
	h.redirect(w, r, Prefix+"/faq?done=faq_saved")
}

func (h *Handler) faqEdit(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	f, err := h.svc.Content.FAQ(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	v.Form.Set("title", f.Title)
	v.Form.Set("content", f.Content)
	v.Form.Set("category", f.Category)
	v.Form.Set("external_link", f.ExternalLink)
	v.Data = f
	h.render(w, r, http.StatusOK, "faq_edit", v)
}

func (h *Handler) updateFAQ(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !h.parseForm(w, r, v) {
		return
	}
	if _, err := h.svc.Content.UpdateFAQ(r.Context(), id, faqInput(v)); err != nil {
		v.Data = content.FAQ{ID: id}
		h.editFail(w, r, v, err, "title", func(status int) { h.render(w, r, status, "faq_edit", v) })
		return
	}
	h.redirect(w, r, Prefix+"/faq?done=faq_saved")
}

func (h *Handler) deleteFAQ(w http.ResponseWriter, r *http.Request, v *view) {
	h.act(w, r, v, h.svc.Content.DeleteFAQ, func(int64) string { return Prefix + "/faq?done=faq_deleted" })
}

type categoryListData struct {
	Categories []content.Category
	Pager      pager
	// EditID is the category whose row shows the error of a failed edit.
	EditID int64
}

func (h *Handler) categoryList(w http.ResponseWriter, r *http.Request, v *view) {
	h.categoryPage(w, r, v, http.StatusOK, 0)
}

func (h *Handler) categoryPage(w http.ResponseWriter, r *http.Request, v *view, status int, editID int64) {
	listPage(h, w, r, v, status, "categories", h.svc.Content.Categories, func(cs []content.Category, p pager) any {
		return categoryListData{Categories: cs, Pager: p, EditID: editID}
	})
}

func (h *Handler) createCategory(w http.ResponseWriter, r *http.Request, v *view) {
	if !h.parseForm(w, r, v) {
		return
	}
	if _, err := h.svc.Content.CreateCategory(r.Context(), v.Val("name"), v.Val("description")); err != nil {
		h.formFail(w, r, v, err, "name", func(status int) { h.categoryPage(w, r, v, status, 0) })
		return
	}
	h.redirect(w, r, Prefix+"/categories?done=category_saved")
}

func (h *Handler) updateCategory(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !h.parseForm(w, r, v) {
		return
	}
	if _, err := h.svc.Content.UpdateCategory(r.Context(), id, v.Val("name"), v.Val("description")); err != nil {
		if k := shared.KindOf(err); k == shared.KindNotFound || !userError(err) {
			h.fail(w, r, v, err)
			return
		}
		// The error belongs to that row's form, not to the "new category" one.
		v.Errors["edit"] = v.message(err)
		h.categoryPage(w, r, v, statusOf(err), id)
		return
	}
	h.redirect(w, r, Prefix+"/categories?done=category_saved")
}

func (h *Handler) deleteCategory(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err == nil {
		err = h.svc.Content.DeleteCategory(r.Context(), id)
	}
	if err != nil {
		if shared.KindOf(err) == shared.KindConflict {
			v.Errors["edit"] = v.message(err)
			h.categoryPage(w, r, v, statusOf(err), id)
			return
		}
		h.fail(w, r, v, err)
		return
	}
	h.redirect(w, r, Prefix+"/categories?done=category_deleted")
}

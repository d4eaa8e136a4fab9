package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

func (h *Handler) overview(w http.ResponseWriter, r *http.Request, v *view) {
	o, err := h.svc.Console.Overview(r.Context())
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	v.Data = o
	h.render(w, r, http.StatusOK, "overview", v)
}

type pushesData struct {
	Pushes []push.Push
	Pager  pager
}

func (h *Handler) pushes(w http.ResponseWriter, r *http.Request, v *view) {
	h.pushesPage(w, r, v, http.StatusOK)
}

func (h *Handler) pushesPage(w http.ResponseWriter, r *http.Request, v *view, status int) {
	if v.Form.Get("push_scope") == "" {
		v.Form.Set("push_scope", "0")
	}
	listPage(h, w, r, v, status, "pushes", h.svc.Push.Pushes, func(ps []push.Push, p pager) any {
		return pushesData{Pushes: ps, Pager: p}
	})
}

// parseUserIDs reads a list of user ids separated by commas, spaces or
// new lines.
func parseUserIDs(s string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.FieldsFunc(s, isListSeparator) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return nil, shared.Invalid("user_ids", "%q is not a user id (a whole number from 1)", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (h *Handler) sendPush(w http.ResponseWriter, r *http.Request, v *view) {
	if !h.parseForm(w, r, v) {
		return
	}
	d := push.Draft{Title: v.Val("push_title"), Body: v.Val("push_body"), Scope: push.Everyone}
	var err error
	switch v.Val("push_scope") {
	case "0", "":
	case "1":
		d.Scope = push.Users
		d.UserIDs, err = parseUserIDs(v.Val("user_ids"))
		if err == nil && len(d.UserIDs) == 0 {
			err = shared.Invalid("user_ids", "%s", v.T("error.user_ids_required"))
		}
	default:
		err = shared.Invalid("push_scope", "push_scope must be 0 (everyone) or 1 (chosen users)")
	}
	var p push.Push
	if err == nil {
		p, err = h.svc.Push.Send(r.Context(), d)
	}
	if err != nil {
		h.formFail(w, r, v, err, "push_title", func(status int) { h.pushesPage(w, r, v, status) })
		return
	}
	h.redirect(w, r, Prefix+"/pushes/"+strconv.FormatInt(p.ID, 10)+"?sent=1")
}

type pushDetailData struct {
	Push       push.Push
	Deliveries []push.Delivery
	Pager      pager
}

func (h *Handler) pushDetail(w http.ResponseWriter, r *http.Request, v *view) {
	id, no, ok := h.idAndPage(w, r, v)
	if !ok {
		return
	}
	p, err := h.svc.Push.Status(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	ds, total, err := h.svc.Push.PushDeliveries(r.Context(), id, kit.Page{No: no, Size: pageSize})
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if r.URL.Query().Get("sent") != "" {
		v.Flash = v.T("flash.push_queued")
	}
	v.Data = pushDetailData{Push: p, Deliveries: ds, Pager: newPager(r, no, total)}
	h.render(w, r, http.StatusOK, "push", v)
}

type feedbackListData struct {
	Feedback   []feedbackRow
	Categories []categoryOption
	Status     string
	Category   string
	Pager      pager
}

type feedbackRow struct {
	ID           int64
	Content      string
	Status       int
	CategoryName string
	UserID       int64
	ContactPhone string
	CreatedAt    time.Time
}

type categoryOption struct {
	ID   int64
	Name string
}

// allCategories reads every feedback category (there are few) for the
// filters and labels.
func (h *Handler) allCategories(r *http.Request) ([]categoryOption, map[int64]string, error) {
	var out []categoryOption
	names := map[int64]string{}
	for no := 1; ; no++ {
		cs, total, err := h.svc.Content.Categories(r.Context(), kit.Page{No: no, Size: 100})
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cs {
			out = append(out, categoryOption{ID: c.ID, Name: c.Name})
			names[c.ID] = c.Name
		}
		if int64(no*100) >= total || len(cs) == 0 {
			return out, names, nil
		}
	}
}

func (h *Handler) feedbackList(w http.ResponseWriter, r *http.Request, v *view) {
	no, err := pageNo(r)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	q := r.URL.Query()
	var f ports.FeedbackFilter
	if s := q.Get("status"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 2 {
			h.fail(w, r, v, shared.Invalid("status", "status must be 0 (pending), 1 (replied) or 2 (closed), got %q", s))
			return
		}
		st := content.Status(n)
		f.Status = &st
	}
	if s := q.Get("category"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 0 {
			h.fail(w, r, v, shared.Invalid("category", "category must be a category id, got %q", s))
			return
		}
		f.CategoryID = &id
	}
	cats, names, err := h.allCategories(r)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	fs, total, err := h.svc.Content.FeedbackList(r.Context(), f, kit.Page{No: no, Size: pageSize})
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	rows := make([]feedbackRow, len(fs))
	for i, x := range fs {
		rows[i] = feedbackRow{ID: x.ID, Content: x.Content, Status: int(x.Status), CategoryName: names[x.CategoryID],
			UserID: x.UserID, ContactPhone: x.ContactPhone, CreatedAt: x.CreatedAt}
	}
	v.Data = feedbackListData{Feedback: rows, Categories: cats, Status: q.Get("status"), Category: q.Get("category"), Pager: newPager(r, no, total)}
	h.render(w, r, http.StatusOK, "feedback", v)
}

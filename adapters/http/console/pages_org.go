package console

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/campushub/campushub/adapters/http/activityapi"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// closeTimeLayout is what a datetime-local input sends.
const closeTimeLayout = "2006-01-02T15:04"

type orgHomeData struct {
	Activities []activity.Activity
	Meetings   []activity.Meeting
	Pager      pager
}

func (h *Handler) orgHome(w http.ResponseWriter, r *http.Request, v *view) {
	h.orgHomePage(w, r, v, http.StatusOK)
}

func (h *Handler) orgHomePage(w http.ResponseWriter, r *http.Request, v *view, status int) {
	ms, err := h.svc.Activity.ListMeetings(r.Context())
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !v.Form.Has("kind") {
		v.Form.Set("kind", string(activity.KindSignin))
	}
	listPage(h, w, r, v, status, "org_home", h.svc.Activity.ListActivities, func(as []activity.Activity, p pager) any {
		return orgHomeData{Activities: as, Meetings: ms, Pager: p}
	})
}

// draft reads the activity form. Every field is set, so an edit replaces
// what the form shows.
func (h *Handler) draft(v *view) (activity.Draft, error) {
	s := func(name string) *string { x := v.Val(name); return &x }
	d := activity.Draft{Name: s("name"), Kind: s("kind"), Background: s("background"), Logo: s("logo"), Music: s("music")}
	ci := strings.Join(v.Form["collect_info"], ",")
	d.CollectInfo = &ci
	var ct time.Time
	if raw := strings.TrimSpace(v.Val("close_time")); raw != "" {
		loc := h.cfg.Clock.Loc
		if loc == nil {
			loc = time.UTC
		}
		t, err := time.ParseInLocation(closeTimeLayout, raw, loc)
		if err != nil {
			return d, shared.Invalid("close_time", "%s", v.T("error.close_time"))
		}
		ct = t.UTC()
	}
	d.CloseTime = &ct
	perm := []int64{}
	for _, p := range v.Form["permission"] {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return d, shared.Invalid("permission", "permission holds meeting ids, got %q", p)
		}
		perm = append(perm, id)
	}
	d.Permission = &perm
	return d, nil
}

func (h *Handler) createActivity(w http.ResponseWriter, r *http.Request, v *view) {
	if !h.parseForm(w, r, v) {
		return
	}
	d, err := h.draft(v)
	var a activity.Activity
	if err == nil {
		a, err = h.svc.Activity.CreateActivity(r.Context(), d)
	}
	if err != nil {
		h.formFail(w, r, v, err, "name", func(status int) { h.orgHomePage(w, r, v, status) })
		return
	}
	h.redirect(w, r, Prefix+"/org/activities/"+strconv.FormatInt(a.ID, 10)+"?done=activity_saved")
}

type activityData struct {
	Activity activity.Activity
	Meetings []activity.Meeting
	Members  []activity.Member
	Winners  []activity.Winner
	Drawn    []activity.Winner
	Query    string
	Meeting  string
	Pager    pager
	CSV      string
}

// Permitted reports whether the activity is limited to meeting id.
func (d activityData) Permitted(id int64) bool { return slices.Contains(d.Activity.Permission, id) }

// Collects reports whether the activity collects info.
func (d activityData) Collects(info string) bool {
	return d.Activity.CollectInfo.Has(activity.Info(info))
}

func (h *Handler) activityDetail(w http.ResponseWriter, r *http.Request, v *view) {
	h.activityPage(w, r, v, http.StatusOK, nil)
}

func (h *Handler) activityPage(w http.ResponseWriter, r *http.Request, v *view, status int, drawn []activity.Winner) {
	id, no, ok := h.idAndPage(w, r, v)
	if !ok {
		return
	}
	f, err := memberFilter(r)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	ctx := r.Context()
	a, err := h.svc.Activity.Activity(ctx, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	ms, err := h.svc.Activity.ListMeetings(ctx)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	members, total, err := h.svc.Activity.ListMembers(ctx, id, f, kit.Page{No: no, Size: pageSize})
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	var winners []activity.Winner
	if a.Kind == activity.KindLottery {
		if winners, err = h.svc.Activity.ListWinners(ctx, id); err != nil {
			h.fail(w, r, v, err)
			return
		}
	}
	if !v.Form.Has("name") {
		v.Form.Set("name", a.Name)
		v.Form.Set("kind", string(a.Kind))
		v.Form.Set("background", a.Background)
		v.Form.Set("logo", a.Logo)
		v.Form.Set("music", a.Music)
		for _, i := range a.CollectInfo {
			v.Form.Add("collect_info", string(i))
		}
		if !a.CloseTime.IsZero() {
			loc := h.cfg.Clock.Loc
			if loc == nil {
				loc = time.UTC
			}
			v.Form.Set("close_time", a.CloseTime.In(loc).Format(closeTimeLayout))
		}
	}
	if !v.Form.Has("count") {
		v.Form.Set("count", "1")
	}
	h.flashFromQuery(r, v)
	csv := r.URL.Path + "/members.csv"
	if q := r.URL.Query(); q.Get("q") != "" || q.Get("meeting") != "" {
		cq := q
		cq.Del("page")
		csv += "?" + cq.Encode()
	}
	v.Data = activityData{Activity: a, Meetings: ms, Members: members, Winners: winners, Drawn: drawn,
		Query: r.URL.Query().Get("q"), Meeting: r.URL.Query().Get("meeting"), Pager: newPager(r, no, total), CSV: csv}
	h.render(w, r, status, "activity", v)
}

func memberFilter(r *http.Request) (ports.MemberFilter, error) {
	q := r.URL.Query()
	f := ports.MemberFilter{Query: strings.TrimSpace(q.Get("q"))}
	if len(f.Query) > 100 {
		return f, shared.Invalid("q", "the search text is too long (at most 100 characters)")
	}
	if s := q.Get("meeting"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 0 {
			return f, shared.Invalid("meeting", "meeting must be a meeting id, got %q", s)
		}
		f.MeetingID = id
	}
	return f, nil
}

func (h *Handler) updateActivity(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !h.parseForm(w, r, v) {
		return
	}
	d, err := h.draft(v)
	if err == nil {
		_, err = h.svc.Activity.UpdateActivity(r.Context(), id, d)
	}
	if err != nil {
		h.editFail(w, r, v, err, "name", func(status int) { h.activityPage(w, r, v, status, nil) })
		return
	}
	h.redirect(w, r, r.URL.Path+"?done=activity_saved")
}

func (h *Handler) closeActivity(w http.ResponseWriter, r *http.Request, v *view) {
	h.act(w, r, v, func(ctx context.Context, id int64) error {
		_, err := h.svc.Activity.CloseActivity(ctx, id)
		return err
	}, func(id int64) string {
		return Prefix + "/org/activities/" + strconv.FormatInt(id, 10) + "?done=activity_closed"
	})
}

// exportMembers streams the members as CSV, in the same format as the
// organisation API's export.
func (h *Handler) exportMembers(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	f, err := memberFilter(r)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	stream, err := h.svc.Activity.ExportMembers(r.Context(), id, f)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="members-`+strconv.FormatInt(id, 10)+`.csv"`)
	if err := activityapi.WriteMembersCSV(r.Context(), w, h.cfg.Clock, stream); err != nil {
		h.cfg.Log.ErrorContext(r.Context(), "console: members export broke off", "error", err.Error())
	}
}

func (h *Handler) draw(w http.ResponseWriter, r *http.Request, v *view) {
	if !h.parseForm(w, r, v) {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(v.Val("count")))
	if err != nil {
		err = shared.Invalid("count", "count must be a whole number from 1 to %d", activity.MaxDraw)
	}
	var winners []activity.Winner
	if err == nil {
		winners, err = h.svc.Activity.Draw(r.Context(), id, n)
	}
	if err != nil {
		h.editFail(w, r, v, err, "count", func(status int) { h.activityPage(w, r, v, status, nil) })
		return
	}
	v.Flash = v.T("flash.drawn", len(winners))
	h.activityPage(w, r, v, http.StatusOK, winners)
}

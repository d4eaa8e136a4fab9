package console

import (
	"net/http"
	"strconv"

	appwx "github.com/campushub/campushub/app/wxrelay"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

type projectsData struct {
	Projects []wxrelay.Project
	Pager    pager
	// Secret is a new project's signing secret, shown this once.
	Secret  string
	Created wxrelay.Project
}

func (h *Handler) projects(w http.ResponseWriter, r *http.Request, v *view) {
	h.projectsPage(w, r, v, http.StatusOK, projectsData{})
}

func (h *Handler) projectsPage(w http.ResponseWriter, r *http.Request, v *view, status int, d projectsData) {
	listPage(h, w, r, v, status, "relay", whole(h.svc.Relay.ListProjects), func(ps []wxrelay.Project, p pager) any {
		d.Projects, d.Pager = ps, p
		return d
	})
}

// addProject registers a project and shows its signing secret once, on
// this answer only (it is not redirected to, so a reload cannot show it
// again).
func (h *Handler) addProject(w http.ResponseWriter, r *http.Request, v *view) {
	if !h.parseForm(w, r, v) {
		return
	}
	p, err := h.svc.Relay.AddProject(r.Context(), v.Val("url"), v.Val("project"))
	if err != nil {
		h.formFail(w, r, v, err, "url", func(status int) { h.projectsPage(w, r, v, status, projectsData{}) })
		return
	}
	v.Form = map[string][]string{}
	v.Flash = v.T("flash.project_added")
	h.projectsPage(w, r, v, http.StatusCreated, projectsData{Secret: p.Secret, Created: p})
}

type projectData struct {
	Project    wxrelay.Project
	Deliveries []wxrelay.Delivery
	Status     string
	Pager      pager
	Secret     string
}

func (h *Handler) project(w http.ResponseWriter, r *http.Request, v *view) {
	h.projectPage(w, r, v, http.StatusOK, "")
}

func (h *Handler) projectPage(w http.ResponseWriter, r *http.Request, v *view, status int, secret string) {
	id, no, ok := h.idAndPage(w, r, v)
	if !ok {
		return
	}
	p, err := h.svc.Relay.Project(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	st := r.URL.Query().Get("status")
	ds, total, err := h.svc.Relay.ListDeliveries(r.Context(), ports.DeliveryFilter{
		ProjectID: id, Status: wxrelay.DeliveryStatus(st), Offset: offset(no), Limit: pageSize,
	})
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !v.Form.Has("url") {
		v.Form.Set("url", p.URL)
		v.Form.Set("project", p.Name)
		v.Form.Set("statu", strconv.Itoa(int(p.Status)))
	}
	h.flashFromQuery(r, v)
	if n := r.URL.Query().Get("replayed"); n != "" && v.Flash == "" {
		v.Flash = v.T("flash.replayed", n)
	}
	v.Data = projectData{Project: p, Deliveries: ds, Status: st, Pager: newPager(r, no, total), Secret: secret}
	h.render(w, r, status, "project", v)
}

func (h *Handler) updateProject(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !h.parseForm(w, r, v) {
		return
	}
	in := appwx.UpdateInput{ID: id}
	u, name := v.Val("url"), v.Val("project")
	in.URL, in.Name = &u, &name
	st, err := strconv.ParseInt(v.Val("statu"), 10, 64)
	if err != nil {
		err = shared.Invalid("statu", "statu must be 0 (valid) or 1 (invalid)")
	} else {
		in.Status = &st
		_, err = h.svc.Relay.UpdateProject(r.Context(), in)
	}
	if err != nil {
		h.editFail(w, r, v, err, "url", func(status int) { h.projectPage(w, r, v, status, "") })
		return
	}
	h.redirect(w, r, Prefix+"/relay/"+strconv.FormatInt(id, 10)+"?done=project_saved")
}

// rotateSecret gives the project a new signing secret and shows it once.
func (h *Handler) rotateSecret(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	p, err := h.svc.Relay.RotateSecret(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	v.Flash = v.T("flash.secret_rotated")
	h.projectPage(w, r, v, http.StatusOK, p.Secret)
}

func (h *Handler) replayFailed(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	n, err := h.svc.Relay.ReplayFailed(r.Context(), id)
	if err != nil {
		if shared.KindOf(err) == shared.KindConflict {
			v.Errors[""] = v.message(err)
			h.projectPage(w, r, v, statusOf(err), "")
			return
		}
		h.fail(w, r, v, err)
		return
	}
	h.redirect(w, r, Prefix+"/relay/"+strconv.FormatInt(id, 10)+"?replayed="+strconv.Itoa(n))
}

type deliveryData struct {
	Delivery wxrelay.Delivery
	Project  wxrelay.Project
	Attempts []wxrelay.Attempt
}

func (h *Handler) delivery(w http.ResponseWriter, r *http.Request, v *view) {
	h.deliveryPage(w, r, v, http.StatusOK)
}

func (h *Handler) deliveryPage(w http.ResponseWriter, r *http.Request, v *view, status int) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d, err := h.svc.Relay.Delivery(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	p, err := h.svc.Relay.Project(r.Context(), d.ProjectID)
	if err != nil && shared.KindOf(err) != shared.KindNotFound {
		h.fail(w, r, v, err)
		return
	}
	as, err := h.svc.Relay.Attempts(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.flashFromQuery(r, v)
	v.Data = deliveryData{Delivery: d, Project: p, Attempts: as}
	h.render(w, r, status, "delivery", v)
}

func (h *Handler) replay(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if _, err := h.svc.Relay.Replay(r.Context(), id); err != nil {
		if shared.KindOf(err) == shared.KindConflict {
			v.Errors[""] = v.message(err)
			h.deliveryPage(w, r, v, statusOf(err))
			return
		}
		h.fail(w, r, v, err)
		return
	}
	h.redirect(w, r, Prefix+"/relay/deliveries/"+strconv.FormatInt(id, 10)+"?done=replayed")
}

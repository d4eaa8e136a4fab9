package console

import (
	"net/http"
	"strconv"

	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/domain/activity"
)

type orgsData struct {
	Orgs  []activity.Organisation
	Pager pager
}

func (h *Handler) orgs(w http.ResponseWriter, r *http.Request, v *view) {
	h.orgsPage(w, r, v, http.StatusOK)
}

func (h *Handler) orgsPage(w http.ResponseWriter, r *http.Request, v *view, status int) {
	listPage(h, w, r, v, status, "orgs", h.svc.Activity.ListOrgs, func(os []activity.Organisation, p pager) any {
		return orgsData{Orgs: os, Pager: p}
	})
}

func (h *Handler) createOrg(w http.ResponseWriter, r *http.Request, v *view) {
	if !h.parseForm(w, r, v) {
		return
	}
	o, err := h.svc.Activity.CreateOrg(r.Context(), v.Val("name"))
	if err != nil {
		h.formFail(w, r, v, err, "name", func(status int) { h.orgsPage(w, r, v, status) })
		return
	}
	h.redirect(w, r, Prefix+"/orgs/"+strconv.FormatInt(o.ID, 10)+"?done=org_created")
}

type orgDetailData struct {
	Org    activity.Organisation
	Tokens []activity.OrgToken
	Issued *appactivity.IssuedToken
}

func (h *Handler) orgDetail(w http.ResponseWriter, r *http.Request, v *view) {
	h.orgDetailPage(w, r, v, http.StatusOK, nil)
}

func (h *Handler) orgDetailPage(w http.ResponseWriter, r *http.Request, v *view, status int, issued *appactivity.IssuedToken) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	ts, err := h.svc.Activity.Tokens(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	o, err := h.svc.Activity.Org(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.flashFromQuery(r, v)
	v.Data = orgDetailData{Org: o, Tokens: ts, Issued: issued}
	h.render(w, r, status, "org_detail", v)
}

// issueToken issues a token and shows it once, on this answer only.
func (h *Handler) issueToken(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !h.parseForm(w, r, v) {
		return
	}
	t, err := h.svc.Activity.IssueToken(r.Context(), id, v.Val("label"))
	if err != nil {
		h.editFail(w, r, v, err, "label", func(status int) { h.orgDetailPage(w, r, v, status, nil) })
		return
	}
	v.Form = map[string][]string{}
	v.Flash = v.T("flash.token_issued")
	h.orgDetailPage(w, r, v, http.StatusCreated, &t)
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	tid, err := pathID(r, "token")
	if err == nil {
		err = h.svc.Activity.RevokeToken(r.Context(), id, tid)
	}
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.redirect(w, r, Prefix+"/orgs/"+strconv.FormatInt(id, 10)+"?done=token_revoked")
}

package activityapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// OrgPrefix is where the organisation API lives.
const OrgPrefix = "/api/v3/org"

// Org mounts the organisation API.
type Org struct {
	S  *Server
	EP appactivity.Org
}

// Mount implements server.Mounter.
func (o Org) Mount(r chi.Router) {
	s, ep := o.S, o.EP
	p := OrgPrefix
	routes := []struct {
		method, path string
		h            http.Handler
	}{
		{http.MethodGet, p, s.handler(ep.Me, noBody(struct{}{}), "成功", s.orgData)},
		{http.MethodPost, p + "/activities", s.handler(ep.CreateActivity, s.decodeDraft, "成功", s.activityView)},
		{http.MethodGet, p + "/activities", s.handler(ep.ListActivities, decodePage, "成功", s.activityPage)},
		{http.MethodGet, p + "/activities/{id}", s.handler(ep.GetActivity, decodeActivity, "成功", s.activityView)},
		{http.MethodPut, p + "/activities/{id}", s.handler(ep.UpdateActivity, s.decodeDraft, "成功", s.activityView)},
		{http.MethodDelete, p + "/activities/{id}", s.handler(ep.DeleteActivity, decodeActivity, "成功", nil)},
		{http.MethodPost, p + "/activities/{id}/close", s.handler(ep.CloseActivity, decodeActivity, "成功", s.activityView)},
		{http.MethodGet, p + "/activities/{id}/members", s.handler(ep.ListMembers, decodeMembers, "成功", s.memberPage)},
		{http.MethodGet, p + "/activities/{id}/members/export", s.csvHandler(ep.ExportMembers, decodeMembers)},
		{http.MethodPost, p + "/activities/{id}/draws", s.handler(ep.Draw, decodeDraw, "成功", s.winners)},
		{http.MethodGet, p + "/activities/{id}/winners", s.handler(ep.Winners, decodeActivity, "成功", s.winners)},
		{http.MethodPost, p + "/meetings", s.handler(ep.CreateMeeting, decodeName, "成功", s.meetingView)},
		{http.MethodGet, p + "/meetings", s.handler(ep.ListMeetings, noBody(struct{}{}), "成功", s.meetingList)},
		{http.MethodDelete, p + "/meetings/{id}", s.handler(ep.DeleteMeeting, decodeActivity, "成功", nil)},
		{http.MethodGet, p + "/meetings/{id}/users", s.handler(ep.MeetingUsers, decodeActivity, "成功", users)},
		{http.MethodPost, p + "/meetings/{id}/users", s.handler(ep.AuthoriseUsers, decodeUsers, "成功", users)},
		{http.MethodDelete, p + "/meetings/{id}/users/{member_id}", s.handler(ep.RevokeUser, decodeMember, "成功", nil)},
	}
	for _, rt := range routes {
		r.Method(rt.method, rt.path, orgCredential(rt.h))
	}
}

// orgCredential takes the organisation token from Authorization: Token …
// or from the access_token query parameter.
func orgCredential(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := auth.ParseAuthorization(r.Header.Get("Authorization"))
		if tok == "" {
			tok = r.URL.Query().Get("access_token")
		}
		cred := appactivity.Credential{Type: string(appactivity.CallerOrg), Token: tok}
		next.ServeHTTP(w, r.WithContext(appactivity.WithCredential(r.Context(), cred)))
	})
}

func noBody(req any) func(context.Context, *http.Request) (any, error) {
	return func(context.Context, *http.Request) (any, error) { return req, nil }
}

func decodePage(_ context.Context, r *http.Request) (any, error) {
	p, err := httpkit.ParsePage(r)
	return p, err
}

// idList accepts [1,2] or "1,2".
type idList []int64

func (l *idList) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		ids, err := activity.SplitIDs("permission", s)
		*l = ids
		return err
	}
	var ids []int64
	if err := json.Unmarshal(b, &ids); err != nil {
		return shared.Invalid("permission", `permission must list meeting ids: [1,2] or "1,2"`)
	}
	*l = ids
	return nil
}

type draftBody struct {
	Name        *string `json:"name"`
	Kind        *string `json:"kind"`
	Background  *string `json:"background"`
	Logo        *string `json:"logo"`
	Music       *string `json:"music"`
	CollectInfo *string `json:"collect_info"`
	CloseTime   *string `json:"close_time"`
	Permission  *idList `json:"permission"`
}

func (s *Server) decodeDraft(_ context.Context, r *http.Request) (any, error) {
	var id int64
	if chi.URLParam(r, "id") != "" {
		var err error
		if id, err = pathID(r, "id"); err != nil {
			return nil, err
		}
	}
	var b draftBody
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	d := activity.Draft{Name: b.Name, Kind: b.Kind, Background: b.Background, Logo: b.Logo, Music: b.Music, CollectInfo: b.CollectInfo}
	if b.Permission != nil {
		ids := []int64(*b.Permission)
		d.Permission = &ids
	}
	if b.CloseTime != nil {
		var t time.Time
		if v := strings.TrimSpace(*b.CloseTime); v != "" {
			var err error
			if t, err = s.clock.Parse(v); err != nil {
				return nil, shared.Invalid("close_time", "close_time must look like 2006-01-02 15:04:05 (or be empty for none), got %q", v)
			}
		}
		d.CloseTime = &t
	}
	return appactivity.DraftRequest{ID: id, Draft: d}, nil
}

func decodeMembers(_ context.Context, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := httpkit.ParsePage(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	if _, err := httpkit.QueryValue(q, "meeting_id"); err != nil {
		return nil, err
	}
	f := ports.MemberFilter{Query: strings.TrimSpace(q.Get("q"))}
	if err := httpkit.MaxLen("q", f.Query, 100); err != nil {
		return nil, err
	}
	if v := q.Get("meeting_id"); v != "" {
		if f.MeetingID, err = httpkit.ParseID("meeting_id", v); err != nil {
			return nil, err
		}
	}
	return appactivity.MembersRequest{ID: id, Filter: f, Page: p}, nil
}

func decodeDraw(_ context.Context, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var b struct {
		Count *int `json:"count"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	if b.Count == nil {
		return nil, shared.Invalid("count", "count is required")
	}
	return appactivity.DrawRequest{ID: id, Count: *b.Count}, nil
}

func decodeName(_ context.Context, r *http.Request) (any, error) {
	var b struct {
		Name string `json:"name"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	return appactivity.NameRequest{Name: b.Name}, nil
}

func decodeUsers(_ context.Context, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var b struct {
		MemberIDs []string `json:"member_ids"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	return appactivity.UsersRequest{ID: id, MemberIDs: b.MemberIDs}, nil
}

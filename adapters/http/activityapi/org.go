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
	"github.com/campushub/campushub/app/kit"
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
		{http.MethodGet, p, s.Handler(ep.Me, noBody, httpkit.Data(s.org))},
		{http.MethodPost, p + "/activities", s.Handler(ep.CreateActivity, s.decodeDraft, httpkit.Data(s.view))},
		{http.MethodGet, p + "/activities", s.Handler(ep.ListActivities, decodePage, httpkit.Paged(s.view))},
		{http.MethodGet, p + "/activities/{id}", s.Handler(ep.GetActivity, decodeActivity, httpkit.Data(s.view))},
		{http.MethodPut, p + "/activities/{id}", s.Handler(ep.UpdateActivity, s.decodeDraft, httpkit.Data(s.view))},
		{http.MethodDelete, p + "/activities/{id}", s.Handler(ep.DeleteActivity, decodeActivity, nil)},
		{http.MethodPost, p + "/activities/{id}/close", s.Handler(ep.CloseActivity, decodeActivity, httpkit.Data(s.view))},
		{http.MethodGet, p + "/activities/{id}/members", s.Handler(ep.ListMembers, decodeMembers, httpkit.Paged(s.memberView))},
		{http.MethodGet, p + "/activities/{id}/members/export", s.csvHandler(ep.ExportMembers, decodeMembers)},
		{http.MethodPost, p + "/activities/{id}/draws", s.Handler(ep.Draw, decodeDraw, httpkit.Each(s.winner))},
		{http.MethodGet, p + "/activities/{id}/winners", s.Handler(ep.Winners, decodeActivity, httpkit.Each(s.winner))},
		{http.MethodPost, p + "/meetings", s.Handler(ep.CreateMeeting, decodeName, httpkit.Data(s.meeting))},
		{http.MethodGet, p + "/meetings", s.Handler(ep.ListMeetings, noBody, httpkit.Each(s.meeting))},
		{http.MethodDelete, p + "/meetings/{id}", s.Handler(ep.DeleteMeeting, decodeActivity, nil)},
		{http.MethodGet, p + "/meetings/{id}/users", s.Handler(ep.MeetingUsers, decodeActivity, httpkit.AsIs)},
		{http.MethodPost, p + "/meetings/{id}/users", s.Handler(ep.AuthoriseUsers, decodeUsers, httpkit.AsIs)},
		{http.MethodDelete, p + "/meetings/{id}/users/{member_id}", s.Handler(ep.RevokeUser, decodeMember, nil)},
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

// noBody decodes a route that takes nothing but its caller.
func noBody(context.Context, *http.Request) (any, error) { return kit.Empty{}, nil }

func decodePage(_ context.Context, r *http.Request) (any, error) {
	return httpkit.ParsePage(r)
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
	id, err := httpkit.OptionalPathID(r, "id")
	if err != nil {
		return nil, err
	}
	var b draftBody
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	d, err := s.draft(b)
	if err != nil {
		return nil, err
	}
	return appactivity.DraftRequest{ID: id, Draft: d}, nil
}

// draft turns a decoded body into the domain's draft.
func (s *Server) draft(b draftBody) (activity.Draft, error) {
	d := activity.Draft{Name: b.Name, Kind: b.Kind, Background: b.Background, Logo: b.Logo, Music: b.Music, CollectInfo: b.CollectInfo}
	if b.Permission != nil {
		ids := []int64(*b.Permission)
		d.Permission = &ids
	}
	if b.CloseTime != nil {
		var t time.Time
		if v := strings.TrimSpace(*b.CloseTime); v != "" {
			var err error
			if t, err = s.Clock().Parse(v); err != nil {
				return d, shared.Invalid("close_time", "close_time must look like 2006-01-02 15:04:05 (or be empty for none), got %q", v)
			}
		}
		d.CloseTime = &t
	}
	return d, nil
}

func decodeMembers(_ context.Context, r *http.Request) (any, error) {
	id, p, err := httpkit.PathIDPage(r, "id")
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
	id, err := httpkit.PathID(r, "id")
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
	id, err := httpkit.PathID(r, "id")
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

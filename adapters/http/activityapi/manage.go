package activityapi

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/activity"
)

// ManagePrefix is where managers administer organisations.
const ManagePrefix = "/api/v3/manage/orgs"

// Manage mounts the managers' organisation routes; they authenticate with
// the account module's Authorization: Token … and need the manager role.
type Manage struct {
	S  *Server
	EP appactivity.Manage
}

// Mount implements server.Mounter.
func (m Manage) Mount(r chi.Router) {
	s, ep := m.S, m.EP
	tok := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if v := r.Header.Get("Authorization"); v != "" {
				r = r.WithContext(auth.WithToken(r.Context(), auth.ParseAuthorization(v)))
			}
			h.ServeHTTP(w, r)
		})
	}
	r.Method(http.MethodPost, ManagePrefix, tok(s.handler(ep.CreateOrg, decodeName, "成功", s.orgData)))
	r.Method(http.MethodGet, ManagePrefix, tok(s.handler(ep.ListOrgs, decodePage, "成功", func(resp any) any { return pageOf(resp, s.org) })))
	r.Method(http.MethodPost, ManagePrefix+"/{org_id}/tokens", tok(s.handler(ep.IssueToken, decodeIssue, "成功", s.issued)))
	r.Method(http.MethodGet, ManagePrefix+"/{org_id}/tokens", tok(s.handler(ep.ListTokens, decodeTokenPath, "成功", s.tokenList)))
	r.Method(http.MethodDelete, ManagePrefix+"/{org_id}/tokens/{token_id}", tok(s.handler(ep.RevokeToken, decodeTokenPath, "成功", nil)))
}

func decodeTokenPath(_ context.Context, r *http.Request) (any, error) {
	org, err := pathID(r, "org_id")
	if err != nil {
		return nil, err
	}
	req := appactivity.TokenRequest{OrgID: org}
	if chi.URLParam(r, "token_id") != "" {
		if req.TokenID, err = pathID(r, "token_id"); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func decodeIssue(ctx context.Context, r *http.Request) (any, error) {
	req, err := decodeTokenPath(ctx, r)
	if err != nil {
		return nil, err
	}
	var b struct {
		Label string `json:"label"`
	}
	if err := httpkit.DecodeOptionalJSON(r, &b); err != nil {
		return nil, err
	}
	t := req.(appactivity.TokenRequest)
	t.Label = b.Label
	return t, nil
}

// TokenView is an organisation token without its secret.
type TokenView struct {
	ID        int64  `json:"id"`
	OrgID     int64  `json:"org_id"`
	Hint      string `json:"hint"`
	Label     string `json:"label"`
	IssuedAt  string `json:"issued_at"`
	RevokedAt string `json:"revoked_at"`
	Active    bool   `json:"active"`
}

func (s *Server) token(t activity.OrgToken) TokenView {
	return TokenView{ID: t.ID, OrgID: t.OrgID, Hint: t.Hint, Label: t.Label, IssuedAt: s.clock.Format(t.IssuedAt),
		RevokedAt: s.clock.Format(t.RevokedAt), Active: t.Active()}
}

func (s *Server) issued(resp any) any {
	it := resp.(appactivity.Response).Data.(appactivity.IssuedToken)
	return struct {
		TokenView
		AccessToken string `json:"access_token"`
	}{s.token(it.Token), it.Plain}
}

func (s *Server) tokenList(resp any) any {
	ts := resp.(appactivity.Response).Data.([]activity.OrgToken)
	out := make([]TokenView, len(ts))
	for i, t := range ts {
		out[i] = s.token(t)
	}
	return out
}

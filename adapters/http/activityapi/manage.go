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
	r.Method(http.MethodPost, ManagePrefix, tok(s.Handler(ep.CreateOrg, decodeName, httpkit.Data(s.org))))
	r.Method(http.MethodGet, ManagePrefix, tok(s.Handler(ep.ListOrgs, decodePage, httpkit.Paged(s.org))))
	r.Method(http.MethodPost, ManagePrefix+"/{org_id}/tokens", tok(s.Handler(ep.IssueToken, decodeIssue, httpkit.Data(s.issued))))
	r.Method(http.MethodGet, ManagePrefix+"/{org_id}/tokens", tok(s.Handler(ep.ListTokens, decodeTokenPath, httpkit.Each(s.token))))
	r.Method(http.MethodDelete, ManagePrefix+"/{org_id}/tokens/{token_id}", tok(s.Handler(ep.RevokeToken, decodeTokenPath, nil)))
}

func decodeTokenPath(_ context.Context, r *http.Request) (any, error) {
	org, err := httpkit.PathID(r, "org_id")
	if err != nil {
		return nil, err
	}
	tok, err := httpkit.OptionalPathID(r, "token_id")
	if err != nil {
		return nil, err
	}
	return appactivity.TokenRequest{OrgID: org, TokenID: tok}, nil
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
	return TokenView{ID: t.ID, OrgID: t.OrgID, Hint: t.Hint, Label: t.Label, IssuedAt: s.Clock().Format(t.IssuedAt),
		RevokedAt: s.Clock().Format(t.RevokedAt), Active: t.Active()}
}

// IssuedView is a newly issued token: the only answer that shows it.
type IssuedView struct {
	TokenView
	AccessToken string `json:"access_token"`
}

func (s *Server) issued(it appactivity.IssuedToken) IssuedView {
	return IssuedView{s.token(it.Token), it.Plain}
}

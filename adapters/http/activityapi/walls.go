package activityapi

import (
	"cmp"
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/shared"
)

// Walls mounts the organisation back office's wall creation of the
// activity document: POST /activitys_signin creates a sign-in wall and
// POST /activitys_message a message wall, each also under /api/v3 (the
// document's samples use both spellings for the family's routes).
type Walls struct {
	S  *Server
	EP appactivity.Walls
}

// Mount implements server.Mounter.
func (m Walls) Mount(r chi.Router) {
	s := m.S
	for _, prefix := range []string{"/api/v3", ""} {
		r.Method(http.MethodPost, prefix+PrefixSignin, wallCredential(s.Handler(m.EP.CreateSignin, s.decodeWall, httpkit.Data(s.view))))
		r.Method(http.MethodPost, prefix+PrefixMessage, wallCredential(s.Handler(m.EP.CreateMessage, s.decodeWall, httpkit.Data(s.view))))
	}
}

// wallCredential takes the token as the organisation API does
// (Authorization: Token … or ?access_token=…) and, as the activity
// document's other routes do, honours ?access_type=: left out it means
// org; user is identified and then refused (only organisations create
// walls).
func wallCredential(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		tok := cmp.Or(auth.ParseAuthorization(r.Header.Get("Authorization")), q.Get("access_token"))
		typ := cmp.Or(strings.TrimSpace(q.Get("access_type")), string(appactivity.CallerOrg))
		cred := appactivity.Credential{Type: typ, Token: tok}
		next.ServeHTTP(w, r.WithContext(appactivity.WithCredential(r.Context(), cred)))
	})
}

// wallBody is an activity draft; the name may also be given as
// activity_name, the field's name in the document's activity data.
type wallBody struct {
	draftBody
	ActivityName *string `json:"activity_name"`
}

func (s *Server) decodeWall(_ context.Context, r *http.Request) (any, error) {
	var b wallBody
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	if b.ActivityName != nil {
		if b.Name != nil {
			return nil, shared.Invalid("activity_name", "activity_name and name are the same field; give one of them")
		}
		b.Name = b.ActivityName
	}
	d, err := s.draft(b.draftBody)
	if err != nil {
		return nil, err
	}
	return appactivity.DraftRequest{Draft: d}, nil
}

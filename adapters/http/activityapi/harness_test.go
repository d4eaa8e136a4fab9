package activityapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/http/activityapi"
	"github.com/campushub/campushub/adapters/http/appapi"
	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/test/fixture"
	"github.com/campushub/campushub/test/testenv"
)

// harness is the real stack on a temporary SQLite file: the account
// service (for user and manager tokens), the activity service, both API
// families and the assembled handler.
type harness struct {
	t        testing.TB
	db       *storage.DB
	accounts *fixture.Accounts
	h        http.Handler
	manager  string // a manager's access token
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	db := testenv.OpenDB(t, testenv.SQLiteURL(t))
	loc, _ := time.LoadLocation("Asia/Shanghai")
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	accounts := fixture.NewAccounts(db, nil)
	svc := appactivity.NewService(appactivity.Deps{
		UoW: db, Outbox: storage.NewOutbox(db),
		Organisations: storage.NewOrganisations(db), Activities: storage.NewActivities(db), Meetings: storage.NewMeetings(db),
		Members: storage.NewMembers(db), Signins: storage.NewCourseSignins(db), Winners: storage.NewWinners(db),
		Participants: storage.NewParticipants(db), Users: accounts, Random: secure.Random{},
	})
	s := activityapi.NewServer(log, httpkit.Clock{Loc: loc})
	h := server.New(server.Options{
		Logger: log, Registry: prometheus.NewRegistry(), BodyLimit: 1 << 20,
		Families: httpkit.Families{appapi.Family{Log: log}, s.Family()},
		Mounts: []server.Mounter{
			activityapi.WX{S: s, EP: appactivity.MakeWX(svc)},
			activityapi.Org{S: s, EP: appactivity.MakeOrg(svc)},
			activityapi.Walls{S: s, EP: appactivity.MakeWalls(svc)},
			activityapi.Participants{S: s, EP: appactivity.MakeParticipants(svc)},
			activityapi.Manage{S: s, EP: appactivity.MakeManage(svc, accounts)},
		},
	})
	return &harness{t: t, db: db, accounts: accounts, h: h, manager: accounts.Manager(t, "manager@example.com")}
}

// user registers an app user and returns its account id and access token.
func (hs *harness) user(email string) (int64, string) {
	hs.t.Helper()
	return hs.accounts.SignIn(hs.t, email, account.RoleUser)
}

// reply is an answer: status, envelope and raw body.
type reply struct {
	Status int
	Code   int             `json:"code"`
	Msg    string          `json:"msg"`
	Data   json.RawMessage `json:"data"`
	Raw    string
}

// do sends a request; header pairs follow the body.
func (hs *harness) do(method, path, body string, header ...string) reply {
	hs.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if strings.HasPrefix(strings.TrimSpace(body), "{") {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, req)
	r := reply{Status: w.Code, Raw: w.Body.String()}
	if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
			hs.t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, w.Body.String())
		}
	}
	return r
}

// ok insists on a success and decodes its data into dst (when not nil).
func (hs *harness) ok(r reply, dst any) {
	hs.t.Helper()
	if r.Status != http.StatusOK || r.Code != 0 {
		hs.t.Fatalf("want success, got %d: %s", r.Status, r.Raw)
	}
	if dst != nil {
		if err := json.Unmarshal(r.Data, dst); err != nil {
			hs.t.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
}

// org creates an organisation and issues it a token.
func (hs *harness) org(name string) (int64, string) {
	hs.t.Helper()
	mgr := []string{"Authorization", "Token " + hs.manager}
	var o struct{ ID int64 }
	hs.ok(hs.do("POST", "/api/v3/manage/orgs", fmt.Sprintf(`{"name":%q}`, name), mgr...), &o)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	hs.ok(hs.do("POST", fmt.Sprintf("/api/v3/manage/orgs/%d/tokens", o.ID), `{"label":"test"}`, mgr...), &tok)
	return o.ID, tok.AccessToken
}

// orgDo calls the organisation API with an org token.
func (hs *harness) orgDo(token, method, path, body string) reply {
	hs.t.Helper()
	return hs.do(method, path, body, "Authorization", "Token "+token)
}

// activity creates an activity with the given JSON fields and returns its id.
func (hs *harness) activity(token, fields string) int64 {
	hs.t.Helper()
	var a struct{ ID int64 }
	hs.ok(hs.orgDo(token, "POST", "/api/v3/org/activities", fields), &a)
	return a.ID
}

// meeting creates a meeting authorising users and returns its id.
func (hs *harness) meeting(token string, users ...string) int64 {
	hs.t.Helper()
	var m struct{ ID int64 }
	hs.ok(hs.orgDo(token, "POST", "/api/v3/org/meetings", `{"name":"board"}`), &m)
	if len(users) > 0 {
		b, _ := json.Marshal(map[string]any{"member_ids": users})
		hs.ok(hs.orgDo(token, "POST", fmt.Sprintf("/api/v3/org/meetings/%d/users", m.ID), string(b)), nil)
	}
	return m.ID
}

// events counts outbox rows of an event type.
func (hs *harness) events(typ string) int {
	hs.t.Helper()
	n, err := hs.db.NewSelect().Table("outbox").Where("type = ?", "campushub.activity."+typ).Count(context.Background())
	if err != nil {
		hs.t.Fatalf("count events: %v", err)
	}
	return int(n)
}

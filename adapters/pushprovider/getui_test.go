package pushprovider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/push"
)

// standIn is a local server answering like Getui's v2 REST API.
type standIn struct {
	t         *testing.T
	mu        sync.Mutex
	tokens    int    // tokens issued
	valid     string // the token currently accepted
	cidCalls  [][]string
	authCode  int // answer code of /auth
	listCode  int // answer code of /push/list/cid
	status    func(cid string) string
	httpError int  // answer every push call with this HTTP status
	garbage   bool // answer push calls with something that is not JSON
}

const (
	appID, appKey, secret = "app1", "key1", "secret1"
)

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.t.Errorf("%s: body is not JSON: %v", r.URL.Path, err)
	}
	answer := func(code int, msg string, data any) {
		_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "msg": msg, "data": data})
	}
	switch r.URL.Path {
	case "/v2/" + appID + "/auth":
		ts, _ := body["timestamp"].(string)
		sum := sha256.Sum256([]byte(appKey + ts + secret))
		if body["sign"] != hex.EncodeToString(sum[:]) || body["appkey"] != appKey {
			answer(20001, "sign error", nil)
			return
		}
		if s.authCode != 0 {
			answer(s.authCode, "appkey disabled", nil)
			return
		}
		s.tokens++
		s.valid = fmt.Sprintf("tok%d", s.tokens)
		answer(0, "success", map[string]string{"token": s.valid, "expire_time": fmt.Sprint(time.Now().Add(24 * time.Hour).UnixMilli())})
		return
	}
	if r.Header.Get("token") != s.valid {
		answer(codeTokenInvalid, "token invalid", nil)
		return
	}
	if s.httpError != 0 {
		w.WriteHeader(s.httpError)
		_, _ = w.Write([]byte("<html>bad gateway</html>"))
		return
	}
	if s.garbage {
		_, _ = w.Write([]byte("not json"))
		return
	}
	switch r.URL.Path {
	case "/v2/" + appID + "/push/list/message":
		msg := body["push_message"].(map[string]any)["notification"].(map[string]any)
		answer(0, "", map[string]string{"taskid": "task-" + msg["title"].(string)})
	case "/v2/" + appID + "/push/list/cid":
		if s.listCode != 0 {
			answer(s.listCode, "push failed", nil)
			return
		}
		var cids []string
		for _, c := range body["audience"].(map[string]any)["cid"].([]any) {
			cids = append(cids, c.(string))
		}
		s.cidCalls = append(s.cidCalls, cids)
		per := map[string]string{}
		for _, c := range cids {
			per[c] = s.status(c)
		}
		answer(0, "", map[string]any{body["taskid"].(string): per})
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func newStandIn(t *testing.T) (*standIn, *Getui) {
	s := &standIn{t: t, status: func(string) string { return "successed_online" }}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, NewGetui(GetuiConfig{BaseURL: srv.URL + "/v2/", AppID: appID, AppKey: appKey, MasterSecret: secret, Timeout: 2 * time.Second})
}

func messages(n int, title string) []push.Message {
	out := make([]push.Message, n)
	for i := range out {
		out[i] = push.Message{PushID: 7, ClientID: fmt.Sprintf("cid%04d", i), ClientType: push.Android, Title: title, Body: "body"}
	}
	return out
}

func TestGetuiSend(t *testing.T) {
	cases := []struct {
		name      string
		setup     func(s *standIn)
		msgs      []push.Message
		wantErr   string
		wantOK    int
		wantCalls int
	}{
		{name: "every device accepted", msgs: messages(3, "hi"), wantOK: 3, wantCalls: 1},
		{name: "more client ids than one batch", msgs: messages(batchSize+5, "hi"), wantOK: batchSize + 5, wantCalls: 2},
		{name: "per-device refusals", msgs: messages(4, "hi"), wantOK: 2, wantCalls: 1, setup: func(s *standIn) {
			s.status = func(cid string) string {
				if strings.HasSuffix(cid, "1") || strings.HasSuffix(cid, "3") {
					return "cid_invalid"
				}
				return "successed_offline"
			}
		}},
		{name: "expired token is renewed once", msgs: messages(2, "hi"), wantOK: 2, wantCalls: 1, setup: func(s *standIn) {
			s.valid = "revoked-before-use"
		}},
		{name: "auth refused", msgs: messages(1, "hi"), wantErr: "code 30001", setup: func(s *standIn) { s.authCode = 30001 }},
		{name: "push refused", msgs: messages(1, "hi"), wantErr: "code 20004", setup: func(s *standIn) { s.listCode = 20004 }},
		{name: "provider down", msgs: messages(1, "hi"), wantErr: "HTTP 502", setup: func(s *standIn) { s.httpError = http.StatusBadGateway }},
		{name: "unreadable answer", msgs: messages(1, "hi"), wantErr: "unreadable answer", setup: func(s *standIn) { s.garbage = true }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, g := newStandIn(t)
			if tc.setup != nil {
				tc.setup(s)
			}
			res, err := g.Send(context.Background(), tc.msgs)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != len(tc.msgs) {
				t.Fatalf("%d results for %d messages", len(res), len(tc.msgs))
			}
			ok := 0
			for _, r := range res {
				if r.Accepted {
					ok++
				} else if r.Detail == "" {
					t.Error("a refused delivery carries no detail")
				}
			}
			if ok != tc.wantOK || len(s.cidCalls) != tc.wantCalls {
				t.Fatalf("accepted %d in %d calls, want %d in %d", ok, len(s.cidCalls), tc.wantOK, tc.wantCalls)
			}
		})
	}
}

func TestGetuiReusesToken(t *testing.T) {
	s, g := newStandIn(t)
	for range 3 {
		if _, err := g.Send(context.Background(), messages(1, "again")); err != nil {
			t.Fatal(err)
		}
	}
	if s.tokens != 1 {
		t.Fatalf("signed in %d times for 3 sends, want 1", s.tokens)
	}
}

func TestGetuiMissingStatusIsRefused(t *testing.T) {
	s, g := newStandIn(t)
	s.status = func(cid string) string { return "" }
	res, err := g.Send(context.Background(), messages(1, "x"))
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Accepted {
		t.Fatal("a client id the provider did not answer for counts as accepted")
	}
}

func TestLogAcceptsEverything(t *testing.T) {
	res, err := Log{}.Send(context.Background(), messages(2, "x"))
	if err != nil || len(res) != 2 || !res[0].Accepted || !res[1].Accepted {
		t.Fatalf("Log.Send = %v, %v", res, err)
	}
}

package appapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The seed's push examples (app-api.txt).
const (
	seedDevice     = `{"id": 3,"app_id": "","created_at": "2019-05-23 15:24:40","updated_at": "2019-05-23 15:24:40","user_id": 8,"client_id": "xxxxxxx","client_type": "android","switch": true}`
	seedPushItem   = `{"id": 1,"app_id": "","created_at": "2019-05-30 00:00:00","updated_at": "2019-05-30 00:00:00","push_title": "推送测试","push_body": "推送测试内容","push_scope": 0,"manager_id": 1,"push_status": 1}`
	seedPushDetail = `{"id": 1,"app_id": "","created_at": "2019-05-30 00:00:00","updated_at": "2019-05-30 00:00:00","push_title": "推送测试","push_body": "推送测试内容","push_scope": 0,"manager_id": 1}`
	seedCount      = `{"push_count": 0,"feedback_count": 1}`
	seedPushSend   = `{"push_title": "推送测试","push_body": "推送测试内容","push_scope": 0}`
)

func TestPushRoutesWithSeedExamples(t *testing.T) {
	h := newHarness(t)
	uid, tok := h.user()
	_, mgr := h.manager()

	dev := h.ok(h.do("POST", "/api/push/bind", `{"client_id": "xxxxxxx","client_type": "android"}`, tok))
	hasShape(t, "bind", dev, seedDevice)
	if d := decode(t, dev); d["user_id"] != float64(uid) || d["switch"] != true || d["client_type"] != "android" {
		t.Errorf("bind answered %v", d)
	}
	hasShape(t, "get switch", h.ok(h.do("GET", "/api/push/switch/xxxxxxx", "", tok)), seedDevice)
	if data := h.ok(h.do("PUT", "/api/push/switch/xxxxxxx", `{"switch": false}`, tok)); string(data) != "{}" {
		t.Errorf("put switch data = %s, want {}", data)
	}
	if d := decode(t, h.ok(h.do("GET", "/api/push/switch/xxxxxxx", "", tok))); d["switch"] != false {
		t.Errorf("switch after PUT false = %v", d["switch"])
	}
	h.ok(h.do("PUT", "/api/push/switch/xxxxxxx", `{"switch": true}`, tok))

	sent := decode(t, h.ok(h.do("POST", "/api/manage/push", seedPushSend, mgr)))
	if sent["push_status"] != float64(0) || sent["targets"] != float64(1) {
		t.Errorf("a new push is %v, want queued with one target", sent)
	}
	h.dispatch()
	if got := h.provider.clientIDs(); len(got) != 1 || got[0] != "xxxxxxx" {
		t.Errorf("provider was handed %v", got)
	}

	list := pageOf(t, h.ok(h.do("GET", "/api/push/log", "", tok)))
	if list.Total != 1 || list.Pages != 1 || list.CurrentPage != 1 || list.PageSize != 20 || len(list.Data) != 1 {
		t.Fatalf("push log page = %+v", list)
	}
	hasShape(t, "push log item", list.Data[0], seedPushItem)
	item := decode(t, list.Data[0])
	if item["push_status"] != float64(1) || item["push_title"] != "推送测试" {
		t.Errorf("push log item = %v, want sent (1)", item)
	}
	id := int64(item["id"].(float64))
	hasShape(t, "push log detail", h.ok(h.do("GET", fmt.Sprintf("/api/push/log/%d", id), "", tok)), seedPushDetail, "push_status")

	count := h.ok(h.do("GET", "/api/message/count", "", tok))
	hasShape(t, "message count", count, seedCount)
	if c := decode(t, count); c["push_count"] != float64(1) || c["feedback_count"] != float64(0) {
		t.Errorf("count = %v", c)
	}
	if c := decode(t, h.ok(h.do("GET", fmt.Sprintf("/api/message/count?push_ids=[%d]", id), "", tok))); c["push_count"] != float64(0) {
		t.Errorf("count after reading = %v", c)
	}

	if data := h.ok(h.do("DELETE", "/api/push/log/delete", "", tok)); string(data) != "{}" {
		t.Errorf("delete data = %s", data)
	}
	if p := pageOf(t, h.ok(h.do("GET", "/api/push/log", "", tok))); p.Total != 0 || len(p.Data) != 0 {
		t.Errorf("log after clearing = %+v", p)
	}
	h.fail("cleared push detail", h.do("GET", fmt.Sprintf("/api/push/log/%d", id), "", tok), http.StatusNotFound, 10001)
}

func TestBindMovesADeviceBetweenUsers(t *testing.T) {
	h := newHarness(t)
	a, ta := h.user()
	b, tb := h.user()
	first := decode(t, h.ok(h.do("POST", "/api/push/bind", `{"client_id":"cid-1","client_type":"ios"}`, ta)))
	h.ok(h.do("PUT", "/api/push/switch/cid-1", `{"switch":false}`, ta))
	moved := decode(t, h.ok(h.do("POST", "/api/push/bind", `{"client_id":"cid-1","client_type":"android"}`, tb)))
	if moved["id"] != first["id"] || moved["user_id"] != float64(b) || moved["switch"] != true || moved["client_type"] != "android" {
		t.Fatalf("after the move the device is %v (was %v, user a=%d)", moved, first, a)
	}
	h.fail("old owner reads", h.do("GET", "/api/push/switch/cid-1", "", ta), http.StatusForbidden, 10003)
	h.fail("old owner switches", h.do("PUT", "/api/push/switch/cid-1", `{"switch":true}`, ta), http.StatusForbidden, 10003)
	h.fail("unknown device", h.do("GET", "/api/push/switch/nope", "", tb), http.StatusNotFound, 10001)
	h.fail("unknown device put", h.do("PUT", "/api/push/switch/nope", `{"switch":true}`, tb), http.StatusNotFound, 10001)

	// The owner binding again keeps the switch as the owner set it.
	h.ok(h.do("PUT", "/api/push/switch/cid-1", `{"switch":false}`, tb))
	again := decode(t, h.ok(h.do("POST", "/api/push/bind", `{"client_id":"cid-1","client_type":"android"}`, tb)))
	if again["switch"] != false {
		t.Errorf("re-binding by the owner turned the switch to %v", again["switch"])
	}
	want := []string{"campushub.push.device_bound", "campushub.push.switch_changed", "campushub.push.device_unbound",
		"campushub.push.device_bound", "campushub.push.switch_changed", "campushub.push.device_bound"}
	if got := pushEvents(h.eventTypes()); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("events = %v\nwant %v", got, want)
	}
}

func pushEvents(all []string) []string {
	var out []string
	for _, e := range all {
		if strings.HasPrefix(e, "campushub.push.") {
			out = append(out, e)
		}
	}
	return out
}

func TestPushesReachOnlyTheirAudience(t *testing.T) {
	h := newHarness(t)
	a, ta := h.user()
	_, tb := h.user()
	_, mgr := h.manager()
	h.ok(h.do("POST", "/api/push/bind", `{"client_id":"a-phone","client_type":"android"}`, ta))
	h.ok(h.do("POST", "/api/push/bind", `{"client_id":"a-pad","client_type":"ios"}`, ta))
	h.ok(h.do("POST", "/api/push/bind", `{"client_id":"b-phone","client_type":"android"}`, tb))
	h.ok(h.do("PUT", "/api/push/switch/a-pad", `{"switch":false}`, ta))

	sent := decode(t, h.ok(h.do("POST", "/api/manage/push", fmt.Sprintf(`{"push_title":"t","push_body":"b","push_scope":1,"user_ids":[%d]}`, a), mgr)))
	id := int64(sent["id"].(float64))
	h.dispatch()
	if got := h.provider.clientIDs(); strings.Join(got, ",") != "a-phone" {
		t.Errorf("provider was handed %v, want only a-phone (a-pad is switched off, b is not addressed)", got)
	}
	h.ok(h.do("GET", fmt.Sprintf("/api/push/log/%d", id), "", ta))
	h.fail("someone else's push", h.do("GET", fmt.Sprintf("/api/push/log/%d", id), "", tb), http.StatusNotFound, 10001)
	if p := pageOf(t, h.ok(h.do("GET", "/api/push/log", "", tb))); p.Total != 0 {
		t.Errorf("b sees %d pushes", p.Total)
	}
	status := decode(t, h.ok(h.do("GET", fmt.Sprintf("/api/manage/push/%d", id), "", mgr)))
	if status["push_status"] != float64(1) || status["sent_count"] != float64(1) || status["targets"] != float64(1) {
		t.Errorf("delivery status = %v", status)
	}
	if ids, _ := status["user_ids"].([]any); len(ids) != 1 || ids[0] != float64(a) {
		t.Errorf("user_ids = %v", status["user_ids"])
	}
}

func TestPushDeliveryOutcomes(t *testing.T) {
	cases := []struct {
		name       string
		refuse     []string
		down       bool
		wantStatus float64
		wantSent   float64
		wantFailed float64
	}{
		{name: "all accepted", wantStatus: 1, wantSent: 2},
		{name: "one refused", refuse: []string{"d1"}, wantStatus: 1, wantSent: 1, wantFailed: 1},
		{name: "all refused", refuse: []string{"d1", "d2"}, wantStatus: 2, wantFailed: 2},
		{name: "provider down stays queued for a retry", down: true, wantStatus: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			_, tok := h.user()
			_, mgr := h.manager()
			h.ok(h.do("POST", "/api/push/bind", `{"client_id":"d1","client_type":"android"}`, tok))
			h.ok(h.do("POST", "/api/push/bind", `{"client_id":"d2","client_type":"ios"}`, tok))
			for _, c := range tc.refuse {
				h.provider.refuse[c] = true
			}
			h.provider.down = tc.down
			sent := decode(t, h.ok(h.do("POST", "/api/manage/push", seedPushSend, mgr)))
			h.dispatch()
			path := fmt.Sprintf("/api/manage/push/%d", int64(sent["id"].(float64)))
			st := decode(t, h.ok(h.do("GET", path, "", mgr)))
			if st["push_status"] != tc.wantStatus || st["sent_count"] != tc.wantSent || st["failed_count"] != tc.wantFailed {
				t.Errorf("status = %v", st)
			}
			if tc.down && (st["attempts"] != float64(1) || st["last_error"] == "") {
				t.Errorf("a failed attempt is not recorded: %v", st)
			}
			d := pageOf(t, h.ok(h.do("GET", path+"/deliveries", "", mgr)))
			if d.Total != 2 {
				t.Fatalf("deliveries = %+v", d)
			}
			failed := 0
			for _, raw := range d.Data {
				if decode(t, raw)["push_status"] == float64(2) {
					failed++
				}
			}
			if float64(failed) != tc.wantFailed {
				t.Errorf("%d failed deliveries, want %v", failed, tc.wantFailed)
			}
			list := pageOf(t, h.ok(h.do("GET", "/api/manage/push", "", mgr)))
			if list.Total != 1 {
				t.Errorf("managers' push list = %+v", list)
			}
		})
	}
}

func TestUnreadCountArithmetic(t *testing.T) {
	h := newHarness(t)
	me, tok := h.user()
	other, _ := h.user()
	_, mgr := h.manager()
	send := func(body string) int64 {
		return int64(decode(t, h.ok(h.do("POST", "/api/manage/push", body, mgr)))["id"].(float64))
	}
	p1 := send(`{"push_title":"1","push_body":"b","push_scope":0}`)
	p2 := send(`{"push_title":"2","push_body":"b","push_scope":0}`)
	p3 := send(fmt.Sprintf(`{"push_title":"3","push_body":"b","push_scope":1,"user_ids":[%d]}`, me))
	p4 := send(fmt.Sprintf(`{"push_title":"4","push_body":"b","push_scope":1,"user_ids":[%d]}`, other))
	cases := []struct {
		name  string
		query string
		want  float64
	}{
		{"nothing read", "", 3},
		{"empty list", "?push_ids=", 3},
		{"comma separated", fmt.Sprintf("?push_ids=%d,%d", p1, p2), 1},
		{"repeated", fmt.Sprintf("?push_ids=%d&push_ids=%d", p1, p3), 1},
		{"bracket name", fmt.Sprintf("?push_ids[]=%d", p3), 2},
		{"JSON array", fmt.Sprintf("?push_ids=[%d,%d,%d]", p1, p2, p3), 0},
		{"JSON array, URL-encoded", fmt.Sprintf("?push_ids=%%5B%d%%2C%d%%5D", p1, p2), 1},
		{"duplicates count once", fmt.Sprintf("?push_ids=%d,%d,%d", p1, p1, p1), 2},
		{"someone else's and unknown ids change nothing", fmt.Sprintf("?push_ids=%d,999999", p4), 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := decode(t, h.ok(h.do("GET", "/api/message/count"+tc.query, "", tok)))
			if c["push_count"] != tc.want {
				t.Errorf("push_count = %v, want %v", c["push_count"], tc.want)
			}
		})
	}
	h.ok(h.do("DELETE", "/api/push/log/delete", "", tok))
	if c := decode(t, h.ok(h.do("GET", "/api/message/count", "", tok))); c["push_count"] != float64(0) {
		t.Errorf("after clearing push_count = %v", c["push_count"])
	}
	send(`{"push_title":"5","push_body":"b","push_scope":0}`)
	if c := decode(t, h.ok(h.do("GET", "/api/message/count", "", tok))); c["push_count"] != float64(1) {
		t.Errorf("a push after clearing: push_count = %v, want 1", c["push_count"])
	}
	_, otherTok := h.user()
	if c := decode(t, h.ok(h.do("GET", "/api/message/count", "", otherTok))); c["push_count"] != float64(3) {
		t.Errorf("a new user sees %v pushes, want the 3 sent to everyone", c["push_count"])
	}
}

func TestPushLogPagination(t *testing.T) {
	h := newHarness(t)
	_, tok := h.user()
	_, mgr := h.manager()
	if p := pageOf(t, h.ok(h.do("GET", "/api/push/log", "", tok))); p.Total != 0 || p.Pages != 0 || len(p.Data) != 0 {
		t.Errorf("empty log = %+v", p)
	}
	for i := range 3 {
		h.ok(h.do("POST", "/api/manage/push", fmt.Sprintf(`{"push_title":"p%d","push_body":"b","push_scope":0}`, i), mgr))
	}
	cases := []struct {
		query      string
		wantItems  int
		wantPages  int64
		wantFirst  string
		wantPageNo int
	}{
		{"?page_size=2", 2, 2, "p2", 1},
		{"?page_no=2&page_size=2", 1, 2, "p0", 2},
		{"?page_no=3&page_size=2", 0, 2, "", 3},
		{"?page_no=1&page_size=100", 3, 1, "p2", 1},
	}
	for _, tc := range cases {
		p := pageOf(t, h.ok(h.do("GET", "/api/push/log"+tc.query, "", tok)))
		if len(p.Data) != tc.wantItems || p.Pages != tc.wantPages || p.Total != 3 || p.CurrentPage != tc.wantPageNo {
			t.Errorf("%s: page = %+v", tc.query, p)
		}
		if tc.wantFirst != "" && decode(t, p.Data[0])["push_title"] != tc.wantFirst {
			t.Errorf("%s: first item %s, want %s (newest first)", tc.query, p.Data[0], tc.wantFirst)
		}
	}
	for _, q := range []string{"?page_no=0", "?page_no=-1", "?page_no=x", "?page_size=0", "?page_size=101", "?page_size=1.5"} {
		h.fail("push log "+q, h.do("GET", "/api/push/log"+q, "", tok), http.StatusBadRequest, 10005)
	}
}

func TestPushBadInput(t *testing.T) {
	h := newHarness(t)
	_, tok := h.user()
	_, mgr := h.manager()
	h.ok(h.do("POST", "/api/push/bind", `{"client_id":"mine","client_type":"android"}`, tok))
	long := strings.Repeat("x", 129)
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprint(i + 1)
	}
	cases := []struct {
		name, method, path, body string
		token                    string
		status                   int
	}{
		{"bind malformed JSON", "POST", "/api/push/bind", `{"client_id":`, tok, 400},
		{"bind empty body", "POST", "/api/push/bind", ``, tok, 400},
		{"bind wrong type", "POST", "/api/push/bind", `{"client_id":5,"client_type":"android"}`, tok, 400},
		{"bind missing client_id", "POST", "/api/push/bind", `{"client_type":"android"}`, tok, 400},
		{"bind missing client_type", "POST", "/api/push/bind", `{"client_id":"x"}`, tok, 400},
		{"bind unknown client_type", "POST", "/api/push/bind", `{"client_id":"x","client_type":"windows"}`, tok, 400},
		{"bind over-long client_id", "POST", "/api/push/bind", `{"client_id":"` + long + `","client_type":"ios"}`, tok, 400},
		{"bind client_id with spaces", "POST", "/api/push/bind", `{"client_id":"a b","client_type":"ios"}`, tok, 400},
		{"bind unknown field", "POST", "/api/push/bind", `{"client_id":"x","client_type":"ios","extra":1}`, tok, 400},
		{"bind array body", "POST", "/api/push/bind", `[1]`, tok, 400},
		{"switch missing", "PUT", "/api/push/switch/mine", `{}`, tok, 400},
		{"switch not a boolean", "PUT", "/api/push/switch/mine", `{"switch":"yes"}`, tok, 400},
		{"switch over-long client id", "GET", "/api/push/switch/" + long, ``, tok, 400},
		{"log id not a number", "GET", "/api/push/log/abc", ``, tok, 400},
		{"log id zero", "GET", "/api/push/log/0", ``, tok, 400},
		{"log unknown id", "GET", "/api/push/log/424242", ``, tok, 404},
		{"count letters", "GET", "/api/message/count?push_ids=a,b", ``, tok, 400},
		{"count negative", "GET", "/api/message/count?push_ids=-1", ``, tok, 400},
		{"count broken JSON", "GET", "/api/message/count?push_ids=[1,", ``, tok, 400},
		{"count JSON strings", "GET", `/api/message/count?push_ids=["1"]`, ``, tok, 400},
		{"count too many ids", "GET", "/api/message/count?push_ids=" + strings.Join(many, ","), ``, tok, 400},
		{"send missing title", "POST", "/api/manage/push", `{"push_body":"b","push_scope":0}`, mgr, 400},
		{"send over-long title", "POST", "/api/manage/push", `{"push_title":"` + strings.Repeat("标", 101) + `","push_body":"b","push_scope":0}`, mgr, 400},
		{"send missing scope", "POST", "/api/manage/push", `{"push_title":"t","push_body":"b"}`, mgr, 400},
		{"send unknown scope", "POST", "/api/manage/push", `{"push_title":"t","push_body":"b","push_scope":2}`, mgr, 400},
		{"send users without ids", "POST", "/api/manage/push", `{"push_title":"t","push_body":"b","push_scope":1}`, mgr, 400},
		{"send everyone with ids", "POST", "/api/manage/push", `{"push_title":"t","push_body":"b","push_scope":0,"user_ids":[1]}`, mgr, 400},
		{"send bad user id", "POST", "/api/manage/push", `{"push_title":"t","push_body":"b","push_scope":1,"user_ids":[0]}`, mgr, 400},
		{"send ids not numbers", "POST", "/api/manage/push", `{"push_title":"t","push_body":"b","push_scope":1,"user_ids":["a"]}`, mgr, 400},
		{"status unknown push", "GET", "/api/manage/push/99", ``, mgr, 404},
		{"deliveries bad id", "GET", "/api/manage/push/x/deliveries", ``, mgr, 400},
		{"wrong method", "PATCH", "/api/push/bind", ``, tok, 405},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do(tc.method, tc.path, tc.body, tc.token)
			want := map[int]int{400: 10005, 404: 10001, 405: 10002}[tc.status]
			h.fail(tc.name, r, tc.status, want)
		})
	}
	if got := len(h.provider.clientIDs()); got != 0 {
		t.Errorf("bad requests reached the provider %d times", got)
	}
	var n int
	_ = json.Unmarshal(h.ok(h.do("GET", "/api/manage/push", "", mgr)), &struct{ Total *int }{&n})
	if n != 0 {
		t.Errorf("rejected sends left %d pushes", n)
	}
}

// BenchmarkMessageCount measures the unread counter through the real stack:
// token check, 50 pushes visible to the caller, 20 ids read, one reply.
func BenchmarkMessageCount(b *testing.B) {
	h := newHarness(b)
	me, tok := h.user()
	_, mgr := h.manager()
	for i := range 50 {
		scope := `"push_scope":0`
		if i%2 == 1 {
			scope = fmt.Sprintf(`"push_scope":1,"user_ids":[%d]`, me)
		}
		h.ok(h.do("POST", "/api/manage/push", fmt.Sprintf(`{"push_title":"p%d","push_body":"b",%s}`, i, scope), mgr))
	}
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = fmt.Sprint(i + 1)
	}
	path := "/api/message/count?push_ids=" + strings.Join(ids, ",")
	for b.Loop() {
		if c := decode(b, h.ok(h.do("GET", path, "", tok))); c["push_count"] != float64(30) {
			b.Fatalf("push_count = %v", c["push_count"])
		}
	}
}

// BenchmarkPushLog measures a page of the caller's push log.
func BenchmarkPushLog(b *testing.B) {
	h := newHarness(b)
	_, tok := h.user()
	_, mgr := h.manager()
	for i := range 50 {
		h.ok(h.do("POST", "/api/manage/push", fmt.Sprintf(`{"push_title":"p%d","push_body":"b","push_scope":0}`, i), mgr))
	}
	for b.Loop() {
		if p := pageOf(b, h.ok(h.do("GET", "/api/push/log?page_size=20", "", tok))); len(p.Data) != 20 {
			b.Fatalf("%d items", len(p.Data))
		}
	}
}

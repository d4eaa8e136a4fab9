package appapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// moduleRoutes are every push and content route with a valid body, so that
// only the credential decides the answer.
var moduleRoutes = []struct {
	method, path, body string
	manager            bool
}{
	{"POST", "/api/push/bind", `{"client_id":"c1","client_type":"android"}`, false},
	{"GET", "/api/push/switch/c1", ``, false},
	{"PUT", "/api/push/switch/c1", `{"switch":true}`, false},
	{"GET", "/api/push/log", ``, false},
	{"GET", "/api/push/log/1", ``, false},
	{"DELETE", "/api/push/log/delete", ``, false},
	{"GET", "/api/message/count?push_ids=1,2", ``, false},
	{"GET", "/api/faq", ``, false},
	{"GET", "/api/faq/1", ``, false},
	{"GET", "/api/feedback_category", ``, false},
	{"POST", "/api/feedback", `{"feedback_content":"反馈内容"}`, false},
	{"GET", "/api/feedback", ``, false},
	{"DELETE", "/api/feedback/1", ``, false},
	{"GET", "/api/feedback/reply/1", ``, false},
	{"POST", "/api/manage/push", `{"push_title":"t","push_body":"b","push_scope":0}`, true},
	{"GET", "/api/manage/push", ``, true},
	{"GET", "/api/manage/push/1", ``, true},
	{"GET", "/api/manage/push/1/deliveries", ``, true},
	{"POST", "/api/manage/faq", `{"title":"t","content":"c"}`, true},
	{"PUT", "/api/manage/faq/1", `{"title":"t","content":"c"}`, true},
	{"DELETE", "/api/manage/faq/1", ``, true},
	{"POST", "/api/manage/feedback_category", `{"name":"n"}`, true},
	{"PUT", "/api/manage/feedback_category/1", `{"name":"n"}`, true},
	{"DELETE", "/api/manage/feedback_category/1", ``, true},
	{"GET", "/api/manage/feedback?feedback_status=0", ``, true},
	{"POST", "/api/manage/feedback/1/reply", `{"reply_content":"r"}`, true},
}

func TestModuleRoutesNeedAValidToken(t *testing.T) {
	h := newHarness(t)
	uid, user := h.user()
	expired := h.expiredToken(uid)
	for _, rt := range moduleRoutes {
		for _, tc := range []struct {
			name, token  string
			status, code int
		}{
			{"no token", "", http.StatusUnauthorized, 10004},
			{"unknown token", "not-a-token-at-all", http.StatusUnauthorized, 10004},
			{"expired token", expired, http.StatusUnauthorized, 10004},
		} {
			t.Run(rt.method+" "+rt.path+" "+tc.name, func(t *testing.T) {
				h.fail(tc.name, h.do(rt.method, rt.path, rt.body, tc.token), tc.status, tc.code)
			})
		}
		if rt.manager {
			t.Run(rt.method+" "+rt.path+" user token", func(t *testing.T) {
				h.fail("user on a manager route", h.do(rt.method, rt.path, rt.body, user), http.StatusForbidden, 10003)
			})
		}
	}
	if n := len(pushEvents(h.eventTypes())); n != 0 {
		t.Errorf("refused requests wrote %d push events", n)
	}
}

func TestAnotherUsersTokenSeesNothingOfMine(t *testing.T) {
	h := newHarness(t)
	me, mine := h.user()
	_, theirs := h.user()
	_, mgr := h.manager()
	h.ok(h.do("POST", "/api/push/bind", `{"client_id":"my-phone","client_type":"ios"}`, mine))
	push := int64(decode(t, h.ok(h.do("POST", "/api/manage/push", fmt.Sprintf(`{"push_title":"t","push_body":"b","push_scope":1,"user_ids":[%d]}`, me), mgr)))["id"].(float64))
	fb := int64(decode(t, h.ok(h.do("POST", "/api/feedback", `{"feedback_content":"mine"}`, mine)))["id"].(float64))
	h.ok(h.do("POST", fmt.Sprintf("/api/manage/feedback/%d/reply", fb), `{"reply_content":"r"}`, mgr))
	cases := []struct {
		method, path, body string
		status, code       int
	}{
		{"GET", "/api/push/switch/my-phone", ``, http.StatusForbidden, 10003},
		{"PUT", "/api/push/switch/my-phone", `{"switch":false}`, http.StatusForbidden, 10003},
		{"GET", fmt.Sprintf("/api/push/log/%d", push), ``, http.StatusNotFound, 10001},
		{"DELETE", fmt.Sprintf("/api/feedback/%d", fb), ``, http.StatusForbidden, 10003},
		{"GET", fmt.Sprintf("/api/feedback/reply/%d", fb), ``, http.StatusForbidden, 10003},
	}
	for _, tc := range cases {
		h.fail(tc.method+" "+tc.path, h.do(tc.method, tc.path, tc.body, theirs), tc.status, tc.code)
	}
	// Nothing changed for the owner.
	if d := decode(t, h.ok(h.do("GET", "/api/push/switch/my-phone", "", mine))); d["switch"] != true {
		t.Errorf("another user turned my switch to %v", d["switch"])
	}
	if c := decode(t, h.ok(h.do("GET", "/api/message/count", "", mine))); c["push_count"] != float64(1) || c["feedback_count"] != float64(1) {
		t.Errorf("my counts after another user's attempts = %v", c)
	}
}

func TestManagerContentLifecycle(t *testing.T) {
	h := newHarness(t)
	ua, ta := h.user()
	_, tb := h.user()
	mid, mgr := h.manager()

	faq := int64(decode(t, h.ok(h.do("POST", "/api/manage/faq", `{"title":"q","content":"a","category":"账号","external_link":"https://example.com/help"}`, mgr)))["id"].(float64))
	upd := decode(t, h.ok(h.do("PUT", fmt.Sprintf("/api/manage/faq/%d", faq), `{"title":"q2","content":"a2"}`, mgr)))
	if upd["title"] != "q2" || upd["category"] != "" || upd["external_link"] != "" {
		t.Errorf("updated FAQ = %v", upd)
	}
	if d := decode(t, h.ok(h.do("GET", fmt.Sprintf("/api/faq/%d", faq), "", ta))); d["title"] != "q2" {
		t.Errorf("users see %v after the update", d["title"])
	}
	h.ok(h.do("DELETE", fmt.Sprintf("/api/manage/faq/%d", faq), "", mgr))
	h.fail("deleted FAQ", h.do("GET", fmt.Sprintf("/api/faq/%d", faq), "", ta), http.StatusNotFound, 10001)

	c1 := int64(decode(t, h.ok(h.do("POST", "/api/manage/feedback_category", `{"name":"app","description":"app"}`, mgr)))["id"].(float64))
	c2 := int64(decode(t, h.ok(h.do("POST", "/api/manage/feedback_category", `{"name":"web"}`, mgr)))["id"].(float64))
	if d := decode(t, h.ok(h.do("PUT", fmt.Sprintf("/api/manage/feedback_category/%d", c2), `{"name":"site","description":"网站"}`, mgr))); d["name"] != "site" {
		t.Errorf("renamed category = %v", d)
	}
	h.fail("rename onto a taken name", h.do("PUT", fmt.Sprintf("/api/manage/feedback_category/%d", c2), `{"name":"app"}`, mgr), http.StatusConflict, 10005)

	fa := int64(decode(t, h.ok(h.do("POST", "/api/feedback", fmt.Sprintf(`{"feedback_content":"a's","feedback_category_id":%d}`, c1), ta)))["id"].(float64))
	h.ok(h.do("POST", "/api/feedback", fmt.Sprintf(`{"feedback_content":"b's","feedback_category_id":%d}`, c2), tb))
	h.ok(h.do("POST", "/api/feedback", `{"feedback_content":"b's again"}`, tb))

	filters := []struct {
		query string
		want  int64
	}{
		{"", 3},
		{fmt.Sprintf("?feedback_category_id=%d", c1), 1},
		{fmt.Sprintf("?user_id=%d", ua), 1},
		{"?feedback_status=0", 3},
		{"?feedback_status=2", 0},
	}
	for _, f := range filters {
		if p := pageOf(t, h.ok(h.do("GET", "/api/manage/feedback"+f.query, "", mgr))); p.Total != f.want {
			t.Errorf("feedback%s: %d, want %d", f.query, p.Total, f.want)
		}
	}

	rep := decode(t, h.ok(h.do("POST", fmt.Sprintf("/api/manage/feedback/%d/reply", fa), `{"reply_content":"first"}`, mgr)))
	if rep["manager_id"] != float64(mid) || rep["is_read"] != false {
		t.Errorf("reply = %v", rep)
	}
	h.ok(h.do("GET", fmt.Sprintf("/api/feedback/reply/%d", fa), "", ta))
	again := decode(t, h.ok(h.do("POST", fmt.Sprintf("/api/manage/feedback/%d/reply", fa), `{"reply_content":"closing","feedback_status":2}`, mgr)))
	if again["id"] != rep["id"] || again["reply_content"] != "closing" {
		t.Errorf("a second reply did not replace the first: %v then %v", rep, again)
	}
	if c := decode(t, h.ok(h.do("GET", "/api/message/count", "", ta))); c["feedback_count"] != float64(1) {
		t.Errorf("a replaced reply is unread again: feedback_count = %v", c["feedback_count"])
	}
	if p := pageOf(t, h.ok(h.do("GET", "/api/manage/feedback?feedback_status=2", "", mgr))); p.Total != 1 {
		t.Errorf("closed feedback: %d", p.Total)
	}

	h.fail("delete a used category", h.do("DELETE", fmt.Sprintf("/api/manage/feedback_category/%d", c1), "", mgr), http.StatusConflict, 10005)
	h.ok(h.do("DELETE", fmt.Sprintf("/api/feedback/%d", fa), "", ta))
	h.ok(h.do("DELETE", fmt.Sprintf("/api/manage/feedback_category/%d", c1), "", mgr))
	if p := pageOf(t, h.ok(h.do("GET", "/api/feedback_category", "", ta))); p.Total != 1 {
		t.Errorf("categories after delete: %d", p.Total)
	}

	var faqEvents int
	for _, e := range h.eventTypes() {
		if e == "campushub.content.faq_changed" {
			faqEvents++
		}
	}
	if faqEvents != 3 {
		t.Errorf("%d faq_changed events, want 3 (created, updated, deleted)", faqEvents)
	}
	for _, payload := range h.eventPayloads() {
		if strings.Contains(payload, ta) || strings.Contains(payload, mgr) {
			t.Errorf("an event carries a token: %s", payload)
		}
	}
}

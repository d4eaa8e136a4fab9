package appapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The seed's content examples (app-api.txt).
const (
	seedFAQ      = `{"id": 2,"app_id": "","created_at": "2019-05-23 18:17:16","updated_at": "2019-05-23 18:17:16","title": "标题","content": "内容","category": "","external_link": ""}`
	seedCategory = `{"id": 1,"app_id": "","created_at": "2019-05-24 11:28:08","updated_at": "2019-05-24 11:30:57","name": "app","description": "app"}`
	seedFeedback = `{"id": 3,"app_id": "","created_at": "2019-05-24 11:48:47","updated_at": "2019-05-24 11:48:47","feedback_content": "反馈内容","feedback_status": 0,"feedback_category_id": 1,"contact_phone": "18656660930","user_id": 2}`
	seedReply    = `{"id": 2,"app_id": "","created_at": "2019-05-24 14:02:44","updated_at": "2019-05-24 14:02:44","reply_content": "回复内容","manager_id": 2,"feedback_id": 3,"is_read": false}`
)

func TestContentRoutesWithSeedExamples(t *testing.T) {
	h := newHarness(t)
	uid, tok := h.user()
	mid, mgr := h.manager()

	faq := h.ok(h.do("POST", "/api/manage/faq", `{"title": "标题","content": "内容","category": "","external_link": ""}`, mgr))
	hasShape(t, "created FAQ", faq, seedFAQ)
	faqID := int64(decode(t, faq)["id"].(float64))
	list := pageOf(t, h.ok(h.do("GET", "/api/faq", "", tok)))
	if list.Total != 1 || list.Pages != 1 || list.CurrentPage != 1 || list.PageSize != 20 || len(list.Data) != 1 {
		t.Fatalf("FAQ page = %+v", list)
	}
	hasShape(t, "FAQ item", list.Data[0], seedFAQ)
	hasShape(t, "FAQ detail", h.ok(h.do("GET", fmt.Sprintf("/api/faq/%d", faqID), "", tok)), seedFAQ)

	cat := h.ok(h.do("POST", "/api/manage/feedback_category", `{"name": "app","description": "app"}`, mgr))
	hasShape(t, "created category", cat, seedCategory)
	catID := int64(decode(t, cat)["id"].(float64))
	cats := pageOf(t, h.ok(h.do("GET", "/api/feedback_category", "", tok)))
	if cats.Total != 1 || len(cats.Data) != 1 {
		t.Fatalf("category page = %+v", cats)
	}
	hasShape(t, "category item", cats.Data[0], seedCategory)

	body := fmt.Sprintf(`{"feedback_content": "反馈内容","feedback_category_id": %d,"contact_phone": "18656660930"}`, catID)
	fb := h.ok(h.do("POST", "/api/feedback", body, tok))
	hasShape(t, "created feedback", fb, seedFeedback)
	f := decode(t, fb)
	if f["user_id"] != float64(uid) || f["feedback_status"] != float64(0) || f["contact_phone"] != "18656660930" {
		t.Errorf("feedback = %v", f)
	}
	fbID := int64(f["id"].(float64))
	h.ok(h.do("POST", "/api/feedback", `{"feedback_content": "第二条反馈"}`, tok))
	mine := pageOf(t, h.ok(h.do("GET", "/api/feedback", "", tok)))
	if mine.Total != 2 || len(mine.Data) != 2 {
		t.Fatalf("my feedback = %+v", mine)
	}
	hasShape(t, "feedback item", mine.Data[0], seedFeedback)
	if decode(t, mine.Data[0])["feedback_content"] != "第二条反馈" {
		t.Errorf("feedback is not newest first: %s", mine.Data[0])
	}

	h.fail("reply before one exists", h.do("GET", fmt.Sprintf("/api/feedback/reply/%d", fbID), "", tok), http.StatusNotFound, 10001)
	rep := h.ok(h.do("POST", fmt.Sprintf("/api/manage/feedback/%d/reply", fbID), `{"reply_content": "回复内容"}`, mgr))
	hasShape(t, "manager's reply", rep, seedReply)
	if c := decode(t, h.ok(h.do("GET", "/api/message/count", "", tok))); c["feedback_count"] != float64(1) {
		t.Errorf("feedback_count before reading = %v", c["feedback_count"])
	}
	read := h.ok(h.do("GET", fmt.Sprintf("/api/feedback/reply/%d", fbID), "", tok))
	hasShape(t, "reply", read, seedReply)
	r := decode(t, read)
	if r["manager_id"] != float64(mid) || r["feedback_id"] != float64(fbID) || r["reply_content"] != "回复内容" || r["is_read"] != false {
		t.Errorf("first read of the reply = %v", r)
	}
	if c := decode(t, h.ok(h.do("GET", "/api/message/count", "", tok))); c["feedback_count"] != float64(0) {
		t.Errorf("feedback_count after reading = %v", c["feedback_count"])
	}
	if r := decode(t, h.ok(h.do("GET", fmt.Sprintf("/api/feedback/reply/%d", fbID), "", tok))); r["is_read"] != true {
		t.Errorf("second read of the reply = %v", r)
	}
	if st := decode(t, pageOf(t, h.ok(h.do("GET", "/api/feedback?page_no=2&page_size=1", "", tok))).Data[0]); st["feedback_status"] != float64(1) {
		t.Errorf("replied feedback has status %v, want 1", st["feedback_status"])
	}

	if data := h.ok(h.do("DELETE", fmt.Sprintf("/api/feedback/%d", fbID), "", tok)); string(data) != "{}" {
		t.Errorf("delete data = %s", data)
	}
	h.fail("deleted feedback's reply", h.do("GET", fmt.Sprintf("/api/feedback/reply/%d", fbID), "", tok), http.StatusNotFound, 10001)
	h.fail("delete twice", h.do("DELETE", fmt.Sprintf("/api/feedback/%d", fbID), "", tok), http.StatusNotFound, 10001)

	for _, payload := range h.eventPayloads() {
		if strings.Contains(payload, "18656660930") {
			t.Errorf("an event carries the contact phone: %s", payload)
		}
	}
	want := []string{"faq_changed", "category_changed", "feedback_created", "feedback_created", "feedback_replied", "reply_read", "feedback_deleted"}
	var got []string
	for _, e := range h.eventTypes() {
		if rest, ok := strings.CutPrefix(e, "campushub.content."); ok {
			got = append(got, rest)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("content events = %v\nwant %v", got, want)
	}
}

func TestFeedbackBelongsToItsAuthor(t *testing.T) {
	h := newHarness(t)
	_, ta := h.user()
	_, tb := h.user()
	_, mgr := h.manager()
	id := int64(decode(t, h.ok(h.do("POST", "/api/feedback", `{"feedback_content":"mine"}`, ta)))["id"].(float64))
	h.ok(h.do("POST", fmt.Sprintf("/api/manage/feedback/%d/reply", id), `{"reply_content":"ok"}`, mgr))
	h.fail("another user deletes", h.do("DELETE", fmt.Sprintf("/api/feedback/%d", id), "", tb), http.StatusForbidden, 10003)
	h.fail("another user reads the reply", h.do("GET", fmt.Sprintf("/api/feedback/reply/%d", id), "", tb), http.StatusForbidden, 10003)
	if p := pageOf(t, h.ok(h.do("GET", "/api/feedback", "", tb))); p.Total != 0 {
		t.Errorf("another user lists %d feedback", p.Total)
	}
	if c := decode(t, h.ok(h.do("GET", "/api/message/count", "", tb))); c["feedback_count"] != float64(0) {
		t.Errorf("another user's feedback_count = %v", c["feedback_count"])
	}
}

func TestContentPagination(t *testing.T) {
	h := newHarness(t)
	_, tok := h.user()
	_, mgr := h.manager()
	for _, path := range []string{"/api/faq", "/api/feedback_category", "/api/feedback"} {
		if p := pageOf(t, h.ok(h.do("GET", path, "", tok))); p.Total != 0 || p.Pages != 0 || len(p.Data) != 0 {
			t.Errorf("%s empty = %+v", path, p)
		}
	}
	for i := range 5 {
		h.ok(h.do("POST", "/api/manage/faq", fmt.Sprintf(`{"title":"q%d","content":"a"}`, i), mgr))
		h.ok(h.do("POST", "/api/manage/feedback_category", fmt.Sprintf(`{"name":"c%d"}`, i), mgr))
		h.ok(h.do("POST", "/api/feedback", fmt.Sprintf(`{"feedback_content":"f%d"}`, i), tok))
	}
	cases := []struct {
		query     string
		wantItems int
		wantPages int64
	}{
		{"?page_size=2", 2, 3},
		{"?page_no=3&page_size=2", 1, 3},
		{"?page_no=4&page_size=2", 0, 3},
		{"?page_size=5", 5, 1},
	}
	for _, path := range []string{"/api/faq", "/api/feedback_category", "/api/feedback", "/api/manage/feedback"} {
		token := tok
		if strings.HasPrefix(path, "/api/manage") {
			token = mgr
		}
		for _, tc := range cases {
			p := pageOf(t, h.ok(h.do("GET", path+tc.query, "", token)))
			if p.Total != 5 || len(p.Data) != tc.wantItems || p.Pages != tc.wantPages {
				t.Errorf("%s%s = total %d pages %d items %d", path, tc.query, p.Total, p.Pages, len(p.Data))
			}
		}
		for _, q := range []string{"?page_no=0", "?page_size=101", "?page_size=abc", "?page_no=", "?page_size="} {
			h.fail(path+q, h.do("GET", path+q, "", token), http.StatusBadRequest, 10005)
		}
	}
	first := decode(t, pageOf(t, h.ok(h.do("GET", "/api/feedback_category?page_size=1", "", tok))).Data[0])
	if first["name"] != "c0" {
		t.Errorf("categories are not in id order: first is %v", first["name"])
	}
}

func TestContentBadInput(t *testing.T) {
	h := newHarness(t)
	_, tok := h.user()
	_, mgr := h.manager()
	cat := int64(decode(t, h.ok(h.do("POST", "/api/manage/feedback_category", `{"name":"app"}`, mgr)))["id"].(float64))
	fb := int64(decode(t, h.ok(h.do("POST", "/api/feedback", `{"feedback_content":"fine"}`, tok)))["id"].(float64))
	faq := int64(decode(t, h.ok(h.do("POST", "/api/manage/faq", `{"title":"t","content":"c"}`, mgr)))["id"].(float64))
	cases := []struct {
		name, method, path, body string
		manager                  bool
		status, code             int
	}{
		{"feedback malformed", "POST", "/api/feedback", `{"feedback_content":`, false, 400, 10005},
		{"feedback missing content", "POST", "/api/feedback", `{"contact_phone":"18656660930"}`, false, 400, 10005},
		{"feedback blank content", "POST", "/api/feedback", `{"feedback_content":"   "}`, false, 400, 10005},
		{"feedback too short", "POST", "/api/feedback", `{"feedback_content":"x"}`, false, 400, 10005},
		{"feedback too long", "POST", "/api/feedback", `{"feedback_content":"` + strings.Repeat("长", 2001) + `"}`, false, 400, 10005},
		{"feedback unknown category", "POST", "/api/feedback", `{"feedback_content":"ok ok","feedback_category_id":999}`, false, 400, 10005},
		{"feedback category zero", "POST", "/api/feedback", `{"feedback_content":"ok ok","feedback_category_id":0}`, false, 400, 10005},
		{"feedback category as text", "POST", "/api/feedback", `{"feedback_content":"ok ok","feedback_category_id":"1"}`, false, 400, 10005},
		{"feedback bad phone", "POST", "/api/feedback", `{"feedback_content":"ok ok","contact_phone":"call me"}`, false, 400, 10005},
		{"feedback short phone", "POST", "/api/feedback", `{"feedback_content":"ok ok","contact_phone":"123"}`, false, 400, 10005},
		{"feedback unknown field", "POST", "/api/feedback", `{"feedback_content":"ok ok","user_id":1}`, false, 400, 10005},
		{"feedback id not a number", "DELETE", "/api/feedback/abc", ``, false, 400, 10005},
		{"faq id not a number", "GET", "/api/faq/abc", ``, false, 400, 10005},
		{"faq unknown", "GET", "/api/faq/999", ``, false, 404, 10001},
		{"reply id negative", "GET", "/api/feedback/reply/-3", ``, false, 400, 10005},
		{"create faq without title", "POST", "/api/manage/faq", `{"content":"c"}`, true, 400, 10005},
		{"create faq bad link", "POST", "/api/manage/faq", `{"title":"t","content":"c","external_link":"javascript:alert(1)"}`, true, 400, 10005},
		{"create faq over-long title", "POST", "/api/manage/faq", `{"title":"` + strings.Repeat("t", 201) + `","content":"c"}`, true, 400, 10005},
		{"update unknown faq", "PUT", "/api/manage/faq/999", `{"title":"t","content":"c"}`, true, 404, 10001},
		{"update faq wrong type", "PUT", fmt.Sprintf("/api/manage/faq/%d", faq), `{"title":1,"content":"c"}`, true, 400, 10005},
		{"delete unknown faq", "DELETE", "/api/manage/faq/999", ``, true, 404, 10001},
		{"category without name", "POST", "/api/manage/feedback_category", `{"description":"d"}`, true, 400, 10005},
		{"category name taken", "POST", "/api/manage/feedback_category", `{"name":"app"}`, true, 409, 10005},
		{"category in use", "DELETE", fmt.Sprintf("/api/manage/feedback_category/%d", cat), ``, true, 409, 10005},
		{"update unknown category", "PUT", "/api/manage/feedback_category/999", `{"name":"x"}`, true, 404, 10001},
		{"feedback filter bad status", "GET", "/api/manage/feedback?feedback_status=7", ``, true, 400, 10005},
		{"feedback filter status text", "GET", "/api/manage/feedback?feedback_status=new", ``, true, 400, 10005},
		{"feedback filter bad category", "GET", "/api/manage/feedback?feedback_category_id=x", ``, true, 400, 10005},
		{"reply without content", "POST", fmt.Sprintf("/api/manage/feedback/%d/reply", fb), `{}`, true, 400, 10005},
		{"reply back to pending", "POST", fmt.Sprintf("/api/manage/feedback/%d/reply", fb), `{"reply_content":"r","feedback_status":0}`, true, 400, 10005},
		{"reply unknown feedback", "POST", "/api/manage/feedback/999/reply", `{"reply_content":"r"}`, true, 404, 10001},
		{"reply with a null status", "POST", fmt.Sprintf("/api/manage/feedback/%d/reply", fb), `{"reply_content":"r","feedback_status":null}`, true, 400, 10005},
		{"faq with a null link", "POST", "/api/manage/faq", `{"title":"t","content":"c","external_link":null}`, true, 400, 10005},
		{"feedback filter empty status", "GET", "/api/manage/feedback?feedback_status=", ``, true, 400, 10005},
		{"wrong method", "PUT", "/api/faq", `{}`, false, 405, 10002},
		{"unknown path", "GET", "/api/faqs", ``, false, 404, 10002},
	}
	// The category is in use once a feedback names it.
	h.ok(h.do("POST", "/api/feedback", fmt.Sprintf(`{"feedback_content":"uses it","feedback_category_id":%d}`, cat), tok))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			token := tok
			if tc.manager {
				token = mgr
			}
			h.fail(tc.name, h.do(tc.method, tc.path, tc.body, token), tc.status, tc.code)
		})
	}
	if p := pageOf(t, h.ok(h.do("GET", "/api/feedback", "", tok))); p.Total != 2 {
		t.Errorf("rejected feedback was stored: %d rows", p.Total)
	}
}

package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	appcontent "github.com/campushub/campushub/app/content"
	appwx "github.com/campushub/campushub/app/wxrelay"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/ports"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

func TestOverviewCountsWhatMatters(t *testing.T) {
	h := newHarness(t)
	userCtx, _ := h.user("u1")
	if _, err := h.svc.Push.Bind(userCtx, "client-1", "android"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Content.CreateFeedback(userCtx, appcontent.FeedbackInput{Content: "the app crashes"}); err != nil {
		t.Fatal(err)
	}
	b := h.browser().signIn()
	a := b.get("/console/overview")
	expect(t, "overview", a, http.StatusOK, "用户", "待回复反馈", "待发布事件")
	for label, want := range map[string]string{"用户": "1", "设备": "1", "待回复反馈": "1", "今日推送": "0"} {
		if !strings.Contains(a.Body, "<b>"+want+"</b><span>"+label) && !strings.Contains(a.Body, "<b>"+want+"</b><span><a href=\"/console/feedback?status=0\">"+label) {
			t.Errorf("overview does not show %s = %s:\n%s", label, want, a.Body)
		}
	}
}

func TestPushes(t *testing.T) {
	h := newHarness(t)
	userCtx, uid := h.user("u1")
	if _, err := h.svc.Push.Bind(userCtx, "client-1", "android"); err != nil {
		t.Fatal(err)
	}
	b := h.browser().signIn()
	expect(t, "pushes page", b.get("/console/pushes"), http.StatusOK, `name="push_title"`, "暂无数据")

	cases := []struct {
		name   string
		form   url.Values
		field  string
		status int
		text   string
	}{
		{"no title", url.Values{"push_title": {""}, "push_body": {"b"}, "push_scope": {"0"}}, "push_title", 400, "此项必填"},
		{"no body", url.Values{"push_title": {"t"}, "push_body": {" "}, "push_scope": {"0"}}, "push_body", 400, "此项必填"},
		{"title too long", url.Values{"push_title": {strings.Repeat("长", 101)}, "push_body": {"b"}, "push_scope": {"0"}}, "push_title", 400, "太长了（最多 100 个字符）"},
		{"chosen users without ids", url.Values{"push_title": {"t"}, "push_body": {"b"}, "push_scope": {"1"}, "user_ids": {""}}, "user_ids", 400, "至少一个用户编号"},
		{"bad user id", url.Values{"push_title": {"t"}, "push_body": {"b"}, "push_scope": {"1"}, "user_ids": {"1, x"}}, "user_ids", 400, `"x" 不是用户编号`},
		{"bad scope", url.Values{"push_title": {"t"}, "push_body": {"b"}, "push_scope": {"7"}}, "push_scope", 400, "推送对象只能是"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := b.post("/console/pushes", tc.form)
			expect(t, tc.name, a, tc.status)
			if msg := fieldError(a.Body, tc.field); !strings.Contains(msg, tc.text) {
				t.Fatalf("error next to %s is %q, want %q\n%s", tc.field, msg, tc.text, a.Body)
			}
			if v := tc.form.Get("push_body"); v != "" && v != " " && !strings.Contains(a.Body, ">"+v+"</textarea>") {
				t.Fatalf("the typed message is not kept")
			}
		})
	}
	a := b.post("/console/pushes", url.Values{"push_title": {"Exam moved"}, "push_body": {"to Friday"}, "push_scope": {"1"}, "user_ids": {id(uid)}})
	if a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Location, "/console/pushes/") {
		t.Fatalf("send: %d %q\n%s", a.Status, a.Location, a.Body)
	}
	expect(t, "push detail", b.get(a.Location), http.StatusOK, "Exam moved", "to Friday", "client-1", "推送已排队")
	expect(t, "push list", b.get("/console/pushes"), http.StatusOK, "Exam moved")
	expect(t, "unknown push", b.get("/console/pushes/999"), http.StatusNotFound)
	expect(t, "bad push id", b.get("/console/pushes/abc"), http.StatusBadRequest)
	expect(t, "bad page", b.get("/console/pushes?page=0"), http.StatusBadRequest, "页码必须是")
}

func TestFeedbackInboxAndReply(t *testing.T) {
	h := newHarness(t)
	cat, err := h.svc.Content.CreateCategory(h.managerCtx(), "Bugs", "")
	if err != nil {
		t.Fatal(err)
	}
	userCtx, _ := h.user("u1")
	f, err := h.svc.Content.CreateFeedback(userCtx, appcontent.FeedbackInput{Content: "login fails", CategoryID: cat.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Content.CreateFeedback(userCtx, appcontent.FeedbackInput{Content: "uncategorised idea"}); err != nil {
		t.Fatal(err)
	}
	b := h.browser().signIn()
	expect(t, "inbox", b.get("/console/feedback"), http.StatusOK, "login fails", "uncategorised idea", "Bugs")
	a := b.get("/console/feedback?category=" + id(cat.ID))
	expect(t, "by category", a, http.StatusOK, "login fails")
	if strings.Contains(a.Body, "uncategorised idea") {
		t.Fatal("the category filter lets other feedback through")
	}
	expect(t, "bad status filter", b.get("/console/feedback?status=9"), http.StatusBadRequest, "状态只能是")
	expect(t, "bad category filter", b.get("/console/feedback?category=x"), http.StatusBadRequest)

	path := "/console/feedback/" + id(f.ID)
	expect(t, "read", b.get(path), http.StatusOK, "login fails", "待处理")
	a = b.post(path+"/reply", url.Values{"reply_content": {""}, "feedback_status": {"1"}})
	expect(t, "empty reply", a, http.StatusBadRequest)
	if fieldError(a.Body, "reply_content") == "" {
		t.Fatalf("no error next to the reply:\n%s", a.Body)
	}
	a = b.post(path+"/reply", url.Values{"reply_content": {"x"}, "feedback_status": {"5"}})
	expect(t, "bad status", a, http.StatusBadRequest)
	if fieldError(a.Body, "feedback_status") == "" {
		t.Fatalf("no error next to the status:\n%s", a.Body)
	}
	a = b.post(path+"/reply", url.Values{"reply_content": {"fixed in 2.1"}, "feedback_status": {"1"}})
	if a.Status != http.StatusSeeOther {
		t.Fatalf("reply: %d\n%s", a.Status, a.Body)
	}
	expect(t, "replied", b.get(a.Location), http.StatusOK, "fixed in 2.1", "已回复", "回复已发送")
	expect(t, "pending filter", b.get("/console/feedback?status=0"), http.StatusOK, "uncategorised idea")
	expect(t, "unknown feedback", b.get("/console/feedback/999"), http.StatusNotFound)
	expect(t, "reply to unknown", b.post("/console/feedback/999/reply", url.Values{"reply_content": {"x"}}), http.StatusNotFound)
}

func TestFAQEditor(t *testing.T) {
	h := newHarness(t)
	b := h.browser().signIn()
	a := b.post("/console/faq", url.Values{"title": {"How?"}, "content": {"Like this"}, "category": {""}, "external_link": {"ftp://x"}})
	expect(t, "bad link", a, http.StatusBadRequest, `value="How?"`)
	if !strings.Contains(fieldError(a.Body, "external_link"), "http 或 https") {
		t.Fatalf("no error next to the link:\n%s", a.Body)
	}
	a = b.post("/console/faq", url.Values{"title": {""}, "content": {"x"}, "category": {""}, "external_link": {""}})
	expect(t, "no title", a, http.StatusBadRequest)
	if fieldError(a.Body, "title") == "" {
		t.Fatalf("no error next to the title:\n%s", a.Body)
	}
	a = b.post("/console/faq", url.Values{"title": {"How do I reset my password?"}, "content": {"Use the code"}, "category": {"account"}, "external_link": {""}})
	if a.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", a.Status, a.Body)
	}
	expect(t, "list", b.get(a.Location), http.StatusOK, "How do I reset my password?", "问题已保存")
	fs, _, err := h.svc.Content.FAQs(h.managerCtx(), kitPage(1))
	if err != nil || len(fs) != 1 {
		t.Fatalf("faqs: %v %v", fs, err)
	}
	path := "/console/faq/" + id(fs[0].ID)
	expect(t, "edit form", b.get(path), http.StatusOK, `value="How do I reset my password?"`)
	expect(t, "bad edit", b.post(path, url.Values{"title": {""}, "content": {"x"}, "category": {""}, "external_link": {""}}), http.StatusBadRequest)
	a = b.post(path, url.Values{"title": {"Reset password"}, "content": {"Use the e-mail code"}, "category": {"account"}, "external_link": {""}})
	expect(t, "edit", a, http.StatusSeeOther)
	expect(t, "edited", b.get("/console/faq"), http.StatusOK, "Reset password")
	expect(t, "unknown", b.get("/console/faq/999"), http.StatusNotFound)
	expect(t, "update unknown", b.post("/console/faq/999", url.Values{"title": {"x"}, "content": {"y"}}), http.StatusNotFound)
	expect(t, "delete", b.post(path+"/delete", nil), http.StatusSeeOther)
	if a := b.get("/console/faq"); strings.Contains(a.Body, "Reset password") {
		t.Fatal("deleted question still listed")
	}

	// Pagination: 25 entries make two pages.
	for i := 0; i < 25; i++ {
		if _, err := h.svc.Content.CreateFAQ(h.managerCtx(), content.FAQInput{Title: fmt.Sprintf("Q%02d", i), Content: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	a = b.get("/console/faq")
	expect(t, "page 1", a, http.StatusOK, "1 / 2", "Q24", `rel="next"`)
	a = b.get("/console/faq?page=2")
	expect(t, "page 2", a, http.StatusOK, "2 / 2", "Q00", `rel="prev"`)
	if strings.Contains(a.Body, "Q24") {
		t.Fatal("page 2 repeats page 1")
	}
}

func TestCategoryEditor(t *testing.T) {
	h := newHarness(t)
	b := h.browser().signIn()
	expect(t, "create", b.post("/console/categories", url.Values{"name": {"Bugs"}, "description": {"things that break"}}), http.StatusSeeOther)
	a := b.post("/console/categories", url.Values{"name": {"Bugs"}, "description": {""}})
	expect(t, "duplicate", a, http.StatusConflict)
	if fieldError(a.Body, "name") == "" {
		t.Fatalf("no error next to the name:\n%s", a.Body)
	}
	expect(t, "empty name", b.post("/console/categories", url.Values{"name": {""}, "description": {""}}), http.StatusBadRequest)
	cs, _, _ := h.svc.Content.Categories(h.managerCtx(), kitPage(1))
	path := "/console/categories/" + id(cs[0].ID)
	expect(t, "rename", b.post(path, url.Values{"name": {"Defects"}, "description": {"d"}}), http.StatusSeeOther)
	expect(t, "renamed", b.get("/console/categories"), http.StatusOK, `value="Defects"`)
	expect(t, "rename empty", b.post(path, url.Values{"name": {""}, "description": {"d"}}), http.StatusBadRequest)
	userCtx, _ := h.user("u1")
	if _, err := h.svc.Content.CreateFeedback(userCtx, appcontent.FeedbackInput{Content: "crash", CategoryID: cs[0].ID}); err != nil {
		t.Fatal(err)
	}
	expect(t, "delete in use", b.post(path+"/delete", nil), http.StatusConflict)
	expect(t, "delete unknown", b.post("/console/categories/999/delete", nil), http.StatusNotFound)
}

func TestRelayProjects(t *testing.T) {
	h := newHarness(t)
	b := h.browser().signIn()
	a := b.post("/console/relay", url.Values{"url": {"ftp://example.org"}, "project": {"p"}})
	expect(t, "bad url", a, http.StatusBadRequest)
	if fieldError(a.Body, "url") == "" {
		t.Fatalf("no error next to the url:\n%s", a.Body)
	}
	a = b.post("/console/relay", url.Values{"url": {"https://example.org/hook"}, "project": {""}})
	expect(t, "no name", a, http.StatusBadRequest)
	if fieldError(a.Body, "project") == "" {
		t.Fatalf("no error next to the name:\n%s", a.Body)
	}
	a = b.post("/console/relay", url.Values{"url": {"http://127.0.0.1:9/hook"}, "project": {"sink"}})
	expect(t, "add", a, http.StatusCreated, "whsec_", "签名密钥只显示这一次")
	ps, err := h.svc.Relay.ListProjects(h.managerCtx())
	if err != nil || len(ps) != 1 {
		t.Fatalf("projects: %v %v", ps, err)
	}
	if !strings.Contains(a.Body, ps[0].Secret) {
		t.Fatal("the page does not show the project's secret")
	}
	if strings.Contains(b.get("/console/relay").Body, "whsec_") {
		t.Fatal("the project list shows the secret again")
	}
	path := "/console/relay/" + id(ps[0].ID)
	a = b.get(path)
	expect(t, "project page", a, http.StatusOK, "sink", "暂无投递")
	if strings.Contains(a.Body, "whsec_") {
		t.Fatal("the project page shows the secret")
	}
	expect(t, "duplicate", b.post("/console/relay", url.Values{"url": {"http://127.0.0.1:9/hook"}, "project": {"sink"}}), http.StatusConflict)
	expect(t, "bad status", b.post(path, url.Values{"url": {"http://127.0.0.1:9/hook"}, "project": {"sink"}, "statu": {"5"}}), http.StatusBadRequest)
	expect(t, "bad edit url", b.post(path, url.Values{"url": {""}, "project": {"sink"}, "statu": {"0"}}), http.StatusBadRequest)

	// A delivery that failed for good, then replay.
	if err := h.svc.Relay.Receive(h.managerCtx(), appwx.ReceiveInput{AppKey: "app", Event: "e", RawData: "r", Body: []byte(`{"n":1}`)}); err != nil {
		t.Fatal(err)
	}
	ds, _, err := h.svc.Relay.ListDeliveries(h.managerCtx(), ports.DeliveryFilter{ProjectID: ps[0].ID, Limit: 10})
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries: %v %v", ds, err)
	}
	expect(t, "delivery list", b.get(path), http.StatusOK, `data-status="pending"`)
	expect(t, "filtered", b.get(path+"?status=failed"), http.StatusOK, "暂无投递")
	expect(t, "bad filter", b.get(path+"?status=bogus"), http.StatusBadRequest, "状态只能是")
	dpath := "/console/relay/deliveries/" + id(ds[0].ID)
	expect(t, "delivery", b.get(dpath), http.StatusOK, "尚无尝试", "待投递")

	// Disable: pending deliveries are held; replay is refused with the reason.
	expect(t, "disable", b.post(path, url.Values{"url": {"http://127.0.0.1:9/hook"}, "project": {"sink"}, "statu": {"1"}}), http.StatusSeeOther)
	expect(t, "disabled", b.get(path), http.StatusOK, "无效", `data-status="held"`, "暂存")
	a = b.post(path+"/replay-failed", nil)
	expect(t, "replay while invalid", a, http.StatusConflict, "statu 0")
	expect(t, "replay one while invalid", b.post(dpath+"/replay", nil), http.StatusConflict)
	// Enable: the held delivery is released; fail it to replay it.
	expect(t, "enable", b.post(path, url.Values{"url": {"http://127.0.0.1:9/hook"}, "project": {"sink"}, "statu": {"0"}}), http.StatusSeeOther)
	expect(t, "released", b.get(path), http.StatusOK, `data-status="pending"`)
	released, _, err := h.svc.Relay.ListDeliveries(h.managerCtx(), ports.DeliveryFilter{ProjectID: ps[0].ID, Limit: 10})
	if err != nil || len(released) != 1 || released[0].Status != "pending" {
		t.Fatalf("after enabling: %v %v", released, err)
	}
	if err := h.svc.Relay.Deliveries.Update(h.managerCtx(), released[0].Abandon("HTTP 500", time.Now())); err != nil {
		t.Fatal(err)
	}
	a = b.post(path+"/replay-failed", nil)
	if a.Status != http.StatusSeeOther || !strings.Contains(a.Location, "replayed=1") {
		t.Fatalf("replay failed: %d %q", a.Status, a.Location)
	}
	expect(t, "replayed", b.get(a.Location), http.StatusOK, "已重放 1 个失败投递", `data-status="pending"`)
	expect(t, "replay one", b.post(dpath+"/replay", nil), http.StatusSeeOther)

	a = b.post(path+"/rotate", nil)
	expect(t, "rotate", a, http.StatusOK, "whsec_")
	if strings.Contains(a.Body, ps[0].Secret) {
		t.Fatal("rotation shows the old secret")
	}
	// The breaker's state shows on the list, the project page and the overview.
	paused := ps[0]
	now := time.Now().UTC()
	paused.Failures, paused.FailingSince, paused.PausedAt, paused.NextProbeAt, paused.ProbeInterval = 5, now.Add(-time.Minute), now, now.Add(time.Minute), time.Minute
	if err := storage.NewWXProjects(h.db).SetHealth(context.Background(), paused); err != nil {
		t.Fatal(err)
	}
	expect(t, "paused in the list", b.get("/console/relay"), http.StatusOK, "熔断暂停")
	expect(t, "paused project", b.get(path), http.StatusOK, "熔断暂停", "下次探测", "暂停于")
	expect(t, "paused in the overview", b.get("/console/overview"), http.StatusOK, "<b>0 / 1 / 0</b>")

	expect(t, "unknown project", b.get("/console/relay/999"), http.StatusNotFound)
	expect(t, "unknown delivery", b.get("/console/relay/deliveries/999"), http.StatusNotFound)
	expect(t, "rotate unknown", b.post("/console/relay/999/rotate", nil), http.StatusNotFound)
}

func TestOrganisationsAndTokens(t *testing.T) {
	h := newHarness(t)
	b := h.browser().signIn()
	a := b.post("/console/orgs", url.Values{"name": {" "}})
	expect(t, "empty name", a, http.StatusBadRequest)
	if fieldError(a.Body, "name") == "" {
		t.Fatalf("no error next to the name:\n%s", a.Body)
	}
	a = b.post("/console/orgs", url.Values{"name": {"计算机学院"}})
	if a.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", a.Status, a.Body)
	}
	path := strings.SplitN(a.Location, "?", 2)[0]
	expect(t, "org page", b.get(a.Location), http.StatusOK, "计算机学院", "机构已创建")
	expect(t, "list", b.get("/console/orgs"), http.StatusOK, "计算机学院")
	a = b.post(path+"/tokens", url.Values{"label": {strings.Repeat("x", 500)}})
	expect(t, "long label", a, http.StatusBadRequest)
	if fieldError(a.Body, "label") == "" {
		t.Fatalf("no error next to the label:\n%s", a.Body)
	}
	a = b.post(path+"/tokens", url.Values{"label": {"front desk"}})
	expect(t, "issue", a, http.StatusCreated, "org_", "令牌只显示这一次", "front desk")
	start := strings.Index(a.Body, `id="secret">`) + len(`id="secret">`)
	token := a.Body[start : start+strings.Index(a.Body[start:], "<")]
	if a := b.get(path); strings.Contains(a.Body, token) {
		t.Fatal("the organisation page shows the token again")
	}
	orgB := h.browser().signInOrg(token)
	expect(t, "org signs in with it", orgB.get("/console/org"), http.StatusOK, "计算机学院")
	orgID, _ := strconv.ParseInt(strings.TrimPrefix(path, "/console/orgs/"), 10, 64)
	ts, _ := h.svc.Activity.Tokens(h.managerCtx(), orgID)
	expect(t, "revoke", b.post(path+"/tokens/"+id(ts[0].ID)+"/revoke", nil), http.StatusSeeOther)
	expect(t, "revoked", b.get(path), http.StatusOK, "已吊销")
	expect(t, "revoke again", b.post(path+"/tokens/"+id(ts[0].ID)+"/revoke", nil), http.StatusNotFound)
	expect(t, "unknown org", b.get("/console/orgs/999"), http.StatusNotFound)
	expect(t, "issue for unknown", b.post("/console/orgs/999/tokens", url.Values{"label": {"x"}}), http.StatusNotFound)
}

func TestOrganisationArea(t *testing.T) {
	h := newHarness(t)
	orgID, token := h.org("Org")
	b := h.browser().signInOrg(token)
	expect(t, "home", b.get("/console/org"), http.StatusOK, "新建活动")

	a := b.post("/console/org/activities", url.Values{"name": {"Draw"}, "kind": {"party"}})
	expect(t, "bad kind", a, http.StatusBadRequest)
	if fieldError(a.Body, "kind") == "" {
		t.Fatalf("no error next to the kind:\n%s", a.Body)
	}
	a = b.post("/console/org/activities", url.Values{"name": {"Draw"}, "kind": {"lottery"}, "close_time": {"tomorrow"}})
	expect(t, "bad close time", a, http.StatusBadRequest)
	if fieldError(a.Body, "close_time") == "" {
		t.Fatalf("no error next to the closing time:\n%s", a.Body)
	}
	expect(t, "no name", b.post("/console/org/activities", url.Values{"name": {""}, "kind": {"lottery"}}), http.StatusBadRequest)

	// Meetings.
	expect(t, "meetings", b.get("/console/org/meetings"), http.StatusOK, "新建会议")
	expect(t, "empty meeting", b.post("/console/org/meetings", url.Values{"name": {""}}), http.StatusBadRequest)
	a = b.post("/console/org/meetings", url.Values{"name": {"Freshers"}})
	if a.Status != http.StatusSeeOther {
		t.Fatalf("create meeting: %d\n%s", a.Status, a.Body)
	}
	mpath := strings.SplitN(a.Location, "?", 2)[0]
	a = b.post(mpath+"/users", url.Values{"member_ids": {""}})
	expect(t, "no member ids", a, http.StatusBadRequest)
	if fieldError(a.Body, "member_ids") == "" {
		t.Fatalf("no error next to the member ids:\n%s", a.Body)
	}
	expect(t, "authorise", b.post(mpath+"/users", url.Values{"member_ids": {"101, 102\n103"}}), http.StatusSeeOther)
	expect(t, "authorised", b.get(mpath), http.StatusOK, "101", "102", "103")
	expect(t, "revoke user", b.post(mpath+"/users/revoke", url.Values{"member_id": {"103"}}), http.StatusSeeOther)
	if a := b.get(mpath); strings.Contains(a.Body, ">103<") {
		t.Fatal("revoked user still listed")
	}

	a = b.post("/console/org/activities", url.Values{"name": {"Spring draw"}, "kind": {"lottery"}, "collect_info": {"name", "phone"}, "close_time": {"2030-05-01T18:30"}})
	if a.Status != http.StatusSeeOther {
		t.Fatalf("create activity: %d\n%s", a.Status, a.Body)
	}
	apath := strings.SplitN(a.Location, "?", 2)[0]
	actID, _ := strconv.ParseInt(strings.TrimPrefix(apath, "/console/org/activities/"), 10, 64)
	a = b.get(a.Location)
	expect(t, "activity page", a, http.StatusOK, "Spring draw", "活动已保存", `value="2030-05-01T18:30"`)
	for i := 1; i <= 25; i++ {
		_, err := h.svc.Activity.SubmitMember(orgCtx(orgID), actID, fmt.Sprintf("m%02d", i), activity.Profile{Nickname: fmt.Sprintf("nick%02d", i), RealName: "张三", Phone: "13800000000"})
		if err != nil {
			t.Fatal(err)
		}
	}
	a = b.get(apath)
	expect(t, "members page 1", a, http.StatusOK, "m01", "1 / 2")
	expect(t, "members page 2", b.get(apath+"?page=2"), http.StatusOK, "m25", "2 / 2")
	a = b.get(apath + "?q=nick07")
	expect(t, "search", a, http.StatusOK, "m07")
	if strings.Contains(a.Body, "m08") {
		t.Fatal("search lets other members through")
	}
	expect(t, "bad meeting filter", b.get(apath+"?meeting=x"), http.StatusBadRequest)

	csv := b.get(apath + "/members.csv")
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", csv.Status, csv.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(csv.Body, "\ufeffmember_id,") || strings.Count(csv.Body, "\n") != 26 || !strings.Contains(csv.Body, "m25,nick25") {
		t.Fatalf("csv content:\n%s", csv.Body)
	}
	if csv := b.get(apath + "/members.csv?q=nick07"); strings.Count(csv.Body, "\n") != 2 {
		t.Fatalf("filtered csv:\n%s", csv.Body)
	}

	for _, bad := range []string{"0", "x", "100000"} {
		a = b.post(apath+"/draw", url.Values{"count": {bad}})
		expect(t, "draw "+bad, a, http.StatusBadRequest)
		if fieldError(a.Body, "count") == "" {
			t.Fatalf("no error next to the count for %q:\n%s", bad, a.Body)
		}
	}
	a = b.post(apath+"/draw", url.Values{"count": {"3"}})
	expect(t, "draw", a, http.StatusOK, "抽出 3 位中奖者")
	ws, err := h.svc.Activity.ListWinners(orgCtx(orgID), actID)
	if err != nil || len(ws) != 3 {
		t.Fatalf("winners: %v %v", ws, err)
	}
	for _, w := range ws {
		if !strings.Contains(a.Body, w.MemberID) {
			t.Fatalf("the page does not show winner %s", w.MemberID)
		}
	}

	a = b.post(apath, url.Values{"name": {""}, "kind": {"lottery"}})
	expect(t, "bad edit", a, http.StatusBadRequest)
	expect(t, "edit", b.post(apath, url.Values{"name": {"Summer draw"}, "kind": {"lottery"}, "collect_info": {"name"}}), http.StatusSeeOther)
	expect(t, "edited", b.get(apath), http.StatusOK, "Summer draw")
	expect(t, "close", b.post(apath+"/close", nil), http.StatusSeeOther)
	expect(t, "closed", b.get(apath), http.StatusOK, "已关闭")

	msg := h.activity(orgID, "Wall", "message")
	a = b.post("/console/org/activities/"+id(msg.ID)+"/draw", url.Values{"count": {"1"}})
	expect(t, "draw on a message wall", a, http.StatusBadRequest, "lottery")
	expect(t, "unknown activity", b.get("/console/org/activities/999"), http.StatusNotFound)
	expect(t, "delete meeting", b.post(mpath+"/delete", nil), http.StatusSeeOther)
	expect(t, "unknown meeting", b.get(mpath), http.StatusNotFound)
}

func TestLanguage(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	expect(t, "default", b.get("/console/login"), http.StatusOK, "管理员登录", `lang="zh-CN"`)
	b.header.Set("Accept-Language", "en-GB,en;q=0.9,zh;q=0.5")
	expect(t, "Accept-Language en", b.get("/console/login"), http.StatusOK, "Managers", `lang="en"`)
	b.header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
	expect(t, "Accept-Language zh", b.get("/console/login"), http.StatusOK, "管理员登录")
	a := b.get("/console/lang?to=en&next=/console/login")
	if a.Status != http.StatusSeeOther || a.Location != "/console/login" {
		t.Fatalf("switch: %d %q", a.Status, a.Location)
	}
	expect(t, "chosen en", b.get("/console/login"), http.StatusOK, "Managers")
	expect(t, "bad language", b.get("/console/lang?to=fr"), http.StatusBadRequest)
	if a := b.get("/console/lang?to=zh&next=https://evil.example/"); a.Location != "/console/" {
		t.Fatalf("open redirect: %q", a.Location)
	}

	en := newHarness(t, func(c *consoleConfig) { c.Language = "en" })
	expect(t, "CONSOLE_LANGUAGE=en", en.browser().get("/console/login"), http.StatusOK, "Managers")
}

func TestBadInputNeverBreaksAPage(t *testing.T) {
	h := newHarness(t)
	h.org("Placeholder") // organisation 1 and its token 1, which the manager's garbage revokes
	orgID, token := h.org("Org")
	h.activity(orgID, "A", "lottery")
	mgr, org := h.browser().signIn(), h.browser().signInOrg(token)
	garbage := []url.Values{
		{}, {"name": {strings.Repeat("名", 5000)}}, {"push_scope": {"x"}, "statu": {"x"}, "count": {"-1"}, "feedback_status": {"x"}},
		{"url": {"http://[::1"}, "project": {"\x00"}, "close_time": {"9999-99-99T99:99"}, "permission": {"x"}},
		{"member_ids": {strings.Repeat("1,", 2000)}, "collect_info": {"blood type"}, "kind": {"\u202e"}},
	}
	for _, r := range routes {
		b := mgr
		if !isManagerRoute(r.path) {
			b = org
		}
		for _, f := range garbage {
			a := b.do(r.method, r.path, f, nil) // do fails the test on any 5xx
			if a.Status == 0 {
				t.Fatal("no answer")
			}
		}
		for _, p := range []string{strings.Replace(r.path, "/1", "/abc", 1), strings.Replace(r.path, "/1", "/99999999999999999999", 1)} {
			if p == r.path {
				continue
			}
			if a := b.do(r.method, p, url.Values{}, nil); a.Status != http.StatusBadRequest && a.Status != http.StatusNotFound {
				t.Errorf("%s %s: %d, want 400 or 404", r.method, p, a.Status)
			}
		}
	}
	// A body over the limit is refused in words.
	a := mgr.post("/console/faq", url.Values{"content": {strings.Repeat("x", 2<<20)}})
	if a.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized form: %d", a.Status)
	}
}

func TestShortListsArePagedToo(t *testing.T) {
	h := newHarness(t)
	orgID, token := h.org("Org")
	for i := 0; i < 22; i++ {
		if _, err := h.svc.Activity.CreateMeeting(orgCtx(orgID), fmt.Sprintf("M%02d", i)); err != nil {
			t.Fatal(err)
		}
		if _, err := h.svc.Relay.AddProject(h.managerCtx(), fmt.Sprintf("http://127.0.0.1:9/hook%02d", i), fmt.Sprintf("P%02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	org := h.browser().signInOrg(token)
	expect(t, "meetings page 1", org.get("/console/org/meetings"), http.StatusOK, "1 / 2", ">M00<")
	a := org.get("/console/org/meetings?page=2")
	expect(t, "meetings page 2", a, http.StatusOK, "2 / 2", ">M21<")
	if strings.Contains(a.Body, ">M00<") {
		t.Fatal("page 2 repeats page 1")
	}
	expect(t, "meetings far page", org.get("/console/org/meetings?page=9"), http.StatusOK, "暂无数据")
	mgr := h.browser().signIn()
	expect(t, "projects page 1", mgr.get("/console/relay"), http.StatusOK, "1 / 2", ">P00<")
	expect(t, "projects page 2", mgr.get("/console/relay?page=2"), http.StatusOK, ">P21<")
	expect(t, "projects bad page", mgr.get("/console/relay?page=x"), http.StatusBadRequest)
}

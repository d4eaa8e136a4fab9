package activityapi_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// TestWalls creates sign-in and message walls on both spellings of their
// routes, with the credentials the family accepts, and refuses what the
// organisation API refuses, token and role before input.
func TestWalls(t *testing.T) {
	hs := newHarness(t)
	_, org := hs.org("Campus Union")
	_, user := hs.user("wall-user@example.com")
	auth := []string{"Authorization", "Token " + org}

	cases := []struct {
		name, path, body, kind string
		header                 []string
	}{
		{"sign-in wall", "/activitys_signin", `{"name":"Welcome","collect_info":"name"}`, "signin", auth},
		{"sign-in wall under /api/v3", "/api/v3/activitys_signin", `{"name":"Welcome","kind":"signin"}`, "signin", auth},
		{"message wall, token in the query", "/activitys_message?access_token=" + org + "&access_type=org", `{"activity_name":"Say hi"}`, "message", nil},
		{"message wall under /api/v3", "/api/v3/activitys_message?access_token=" + org, `{"name":"Say hi","close_time":"2099-01-01 12:00:00"}`, "message", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var a struct {
				ID   int64
				Kind string
				Name string
			}
			hs.ok(hs.do("POST", tc.path, tc.body, tc.header...), &a)
			if a.ID == 0 || a.Kind != tc.kind || a.Name == "" {
				t.Fatalf("created %+v", a)
			}
			var info struct {
				ActivityID string `json:"activity_id"`
			}
			hs.ok(hs.do("GET", fmt.Sprintf("/activitys_for_wx/%d?access_token=%s&access_type=user", a.ID, user), ""), &info)
			if info.ActivityID != fmt.Sprint(a.ID) {
				t.Fatalf("the WeChat side reads the wall as %+v", info)
			}
		})
	}
	if n := hs.events("activity_created"); n != len(cases) {
		t.Fatalf("want %d activity_created events, got %d", len(cases), n)
	}

	refusals := []struct {
		name, path, body string
		header           []string
		status           int
		msg              string
	}{
		{"no token, bad body", "/activitys_signin", `{"nam":1}`, nil, 401, "access_token"},
		{"wrong token, bad body", "/activitys_message", `{`, []string{"Authorization", "Token org_wrong"}, 401, "organisation token"},
		{"a user, bad body", "/activitys_signin?access_token=" + user + "&access_type=user", `{"nam":1}`, nil, 403, "organisation"},
		{"unknown access_type", "/activitys_signin?access_token=" + org + "&access_type=admin", `{"name":"x"}`, nil, 400, "access_type"},
		{"another kind", "/activitys_signin", `{"name":"x","kind":"lottery"}`, auth, 400, "kind"},
		{"no name", "/activitys_message", `{"logo":"x"}`, auth, 400, "name is required"},
		{"both names", "/activitys_message", `{"name":"a","activity_name":"a"}`, auth, 400, "activity_name"},
		{"unknown field", "/api/v3/activitys_message", `{"name":"a","colour":"red"}`, auth, 400, "colour"},
		{"bad close_time", "/activitys_signin", `{"name":"a","close_time":"tomorrow"}`, auth, 400, "close_time"},
		{"another organisation's meeting", "/activitys_signin", `{"name":"a","permission":[99999]}`, auth, 400, "permission"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			r := hs.do("POST", tc.path, tc.body, tc.header...)
			if r.Status != tc.status || r.Code != 1 || !strings.Contains(r.Msg, tc.msg) || string(r.Data) != "null" {
				t.Fatalf("want %d naming %q, got %d: %s", tc.status, tc.msg, r.Status, r.Raw)
			}
		})
	}
	if n := hs.events("activity_created"); n != len(cases) {
		t.Fatalf("refused walls wrote events: %d", n)
	}

	for _, path := range []string{"/activitys_signin", "/api/v3/activitys_message"} {
		r := hs.do("GET", path, "", auth...)
		if r.Status != http.StatusMethodNotAllowed || r.Code != 1 {
			t.Fatalf("GET %s: want 405 in the family's envelope, got %d: %s", path, r.Status, r.Raw)
		}
	}
	if r := hs.do("POST", "/activitys_signin/1", `{}`, auth...); r.Status != http.StatusNotFound || r.Code != 1 {
		t.Fatalf("an unknown path under the wall's prefix: %d %s", r.Status, r.Raw)
	}
}

type participant struct {
	MemberID string `json:"member_id"`
	Nickname string `json:"member_nickname"`
	Phone    string `json:"member_phone"`
	Source   string `json:"source"`
	Drawn    bool   `json:"drawn"`
	DrawnAt  string `json:"drawn_at"`
}

// TestParticipants runs a lottery's participant list: members who joined,
// the template, imports as CSV and as an upload, the paged and the full
// list, a draw, and imports refused whole with their wrong rows named.
func TestParticipants(t *testing.T) {
	hs := newHarness(t)
	_, org := hs.org("Campus Union")
	id := hs.activity(org, `{"name":"Spring lottery","kind":"lottery","collect_info":"phone"}`)
	base := fmt.Sprintf("/api/v3/org/activities/%d/participants", id)
	hs.ok(hs.do("POST", fmt.Sprintf("/activitys_for_wx/%d/wx/userInfo?access_token=%s&access_type=org", id, org),
		`{"member_id":"wx1","member_nickname":"Li","member_phone":"13800138000"}`), nil)

	csvPost := func(path, body string) reply {
		return hs.do("POST", path, body, "Authorization", "Token "+org, "Content-Type", "text/csv")
	}

	t.Run("template", func(t *testing.T) {
		r := hs.orgDo(org, "GET", base+"/template", "")
		if r.Status != http.StatusOK || r.Raw != "\ufeffmember_id,member_nickname,member_icon,member_real_name,member_phone\n" {
			t.Fatalf("template: %d %q", r.Status, r.Raw)
		}
	})
	t.Run("import a CSV file", func(t *testing.T) {
		file := "\ufeffmember_phone, Member_ID ,member_nickname\r\n13800138001,imp1,Zhao\r\n,,\r\n13800138002,imp2,\"Qian, Jr\"\r\n,wx1,Li Lei\r\n"
		var got map[string]int
		hs.ok(csvPost(base+"/import", file), &got)
		if got["created"] != 2 || got["updated"] != 1 || got["unchanged"] != 0 {
			t.Fatalf("import: %v", got)
		}
		if hs.events("participants_imported") != 1 || hs.events("member_joined") != 3 || hs.events("member_updated") != 1 {
			t.Fatal("the import's events are missing")
		}
	})
	t.Run("import an upload", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "participants.csv")
		_, _ = fw.Write([]byte("member_id,member_phone\nimp3,+8613800138003\nimp1,13800138001\n"))
		_ = mw.Close()
		var got map[string]int
		hs.ok(hs.do("POST", base+"/import", body.String(), "Authorization", "Token "+org, "Content-Type", mw.FormDataContentType()), &got)
		if got["created"] != 1 || got["unchanged"] != 1 {
			t.Fatalf("upload: %v", got)
		}
	})

	var winners []struct {
		MemberID string `json:"member_id"`
	}
	hs.ok(hs.orgDo(org, "POST", fmt.Sprintf("/api/v3/org/activities/%d/draws", id), `{"count":1}`), &winners)

	t.Run("paged list", func(t *testing.T) {
		var page struct {
			Total int
			Data  []participant
		}
		hs.ok(hs.orgDo(org, "GET", base+"?page_no=1&page_size=3", ""), &page)
		if page.Total != 4 || len(page.Data) != 3 {
			t.Fatalf("page: %+v", page)
		}
		if p := page.Data[0]; p.MemberID != "wx1" || p.Source != "joined" || p.Nickname != "Li Lei" {
			t.Fatalf("first participant: %+v", p)
		}
		if p := page.Data[2]; p.MemberID != "imp2" || p.Source != "imported" || p.Nickname != "Qian, Jr" || p.Phone != "13800138002" {
			t.Fatalf("third participant: %+v", p)
		}
		if r := hs.orgDo(org, "GET", base+"?page_size=0", ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Msg, "page_size") {
			t.Fatalf("page_size=0: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("full list", func(t *testing.T) {
		var all []participant
		r := hs.orgDo(org, "GET", base+"/all", "")
		hs.ok(r, &all)
		if r.Msg != "成功" || len(all) != 4 || all[3].MemberID != "imp3" {
			t.Fatalf("all: %s", r.Raw)
		}
		drawn := 0
		for _, p := range all {
			if p.Drawn {
				drawn++
				if p.MemberID != winners[0].MemberID || p.DrawnAt == "" {
					t.Fatalf("drawn participant %+v, winner %v", p, winners)
				}
			} else if p.DrawnAt != "" {
				t.Fatalf("undrawn participant with a draw time: %+v", p)
			}
		}
		if drawn != 1 {
			t.Fatalf("want 1 drawn participant, got %d", drawn)
		}
	})
	t.Run("an empty lottery's full list", func(t *testing.T) {
		empty := hs.activity(org, `{"name":"Empty","kind":"lottery"}`)
		var all []participant
		r := hs.orgDo(org, "GET", fmt.Sprintf("/api/v3/org/activities/%d/participants/all", empty), "")
		hs.ok(r, &all)
		if string(r.Data) != "[]" {
			t.Fatalf("an empty list: %s", r.Raw)
		}
	})

	refused := []struct {
		name, ct, body string
		status         int
		names          []string
	}{
		{"wrong rows named, nothing imported", "text/csv", "member_id,member_phone,member_nickname\nnew1,13800138009,a\n,13800138009,b\nnew2,,c\nnew3,12ab,d\nnew1,13800138009,e\n",
			400, []string{"4 rows are wrong", "line 3: member_id", "line 4: member_phone: member_phone is required", "line 5: member_phone", `line 6: member_id: member_id "new1" is repeated: line 2`}},
		{"a winner column", "text/csv", "member_id,winner\nimp1,1\n", 400, []string{`unknown column "winner"`, "drawn at random"}},
		{"no member_id column", "text/csv", "member_phone\n13800138000\n", 400, []string{"member_id column"}},
		{"a repeated column", "text/csv", "member_id,MEMBER_ID\nx,y\n", 400, []string{"given twice"}},
		{"a short row", "text/csv", "member_id,member_phone\nx,13800138000\ny\n", 400, []string{"line 3", "cells"}},
		{"a stray quote", "text/csv", "member_id,member_phone\n\"x,13800138000\n", 400, []string{"line", "malformed CSV"}},
		{"not UTF-8", "text/csv", "member_id,member_nickname\nx,\xd5\xc5\xc8\xfd\n", 400, []string{"line 2", "UTF-8"}},
		{"a NUL", "text/csv", "member_id\nx\x00\n", 400, []string{"line 2", "NUL"}},
		{"an empty file", "text/csv", "", 400, []string{"empty"}},
		{"only a header", "text/csv", "member_id\n", 400, []string{"no participants"}},
		{"JSON", "application/json", `{"member_id":"x"}`, 400, []string{"text/csv"}},
		{"a form without the file", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n", 400, []string{`unknown form field "other"`}},
		{"too big", "text/csv", "member_id\n" + strings.Repeat("m\n", 1<<19), 413, []string{"larger than"}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			r := hs.do("POST", base+"/import", tc.body, "Authorization", "Token "+org, "Content-Type", tc.ct)
			if r.Status != tc.status || r.Code != 1 {
				t.Fatalf("want %d, got %d: %s", tc.status, r.Status, r.Raw)
			}
			for _, n := range tc.names {
				if !strings.Contains(r.Msg, n) {
					t.Errorf("the message does not name %q: %s", n, r.Msg)
				}
			}
		})
	}
	var page struct{ Total int }
	hs.ok(hs.orgDo(org, "GET", base, ""), &page)
	if page.Total != 4 || hs.events("participants_imported") != 2 {
		t.Fatalf("refused imports changed the list (%d participants) or wrote events", page.Total)
	}

	t.Run("more rows than one import takes", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("member_id,member_phone\n")
		for i := 0; i <= 5000; i++ {
			fmt.Fprintf(&b, "b%d,13800138000\n", i)
		}
		r := csvPost(base+"/import", b.String())
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Msg, "line 5002") || !strings.Contains(r.Msg, "at most 5000") {
			t.Fatalf("5001 rows: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("only lotteries have participants", func(t *testing.T) {
		wall := hs.activity(org, `{"name":"Wall","kind":"message"}`)
		for _, call := range []struct{ method, path, body string }{
			{"GET", "", ""}, {"GET", "/all", ""}, {"GET", "/template", ""}, {"POST", "/import", "member_id\nx\n"},
		} {
			r := hs.do(call.method, fmt.Sprintf("/api/v3/org/activities/%d/participants%s", wall, call.path), call.body,
				"Authorization", "Token "+org, "Content-Type", "text/csv")
			if r.Status != http.StatusBadRequest || !strings.Contains(r.Msg, "lotter") {
				t.Fatalf("%s %s of a message wall: %d %s", call.method, call.path, r.Status, r.Raw)
			}
		}
	})
	t.Run("a draw takes no winners from the caller", func(t *testing.T) {
		for _, body := range []string{`{"count":1,"member_ids":["imp1"]}`, `{"count":1,"winners":["imp1"]}`, `{"count":1,"seed":42}`} {
			r := hs.orgDo(org, "POST", fmt.Sprintf("/api/v3/org/activities/%d/draws", id), body)
			if r.Status != http.StatusBadRequest || !strings.Contains(r.Msg, "unknown field") {
				t.Fatalf("a draw with %s: %d %s", body, r.Status, r.Raw)
			}
		}
	})
}

// TestParticipantsAuthFirst: every participant route checks the token
// (and that it is an organisation's) before the input, and one
// organisation never reaches another's lottery.
func TestParticipantsAuthFirst(t *testing.T) {
	hs := newHarness(t)
	_, orgA := hs.org("A")
	_, orgB := hs.org("B")
	_, user := hs.user("p-user@example.com")
	id := hs.activity(orgA, `{"name":"A's lottery","kind":"lottery"}`)
	routes := []struct{ method, path, body string }{
		{"GET", "/api/v3/org/activities/%s/participants?page_size=x", ""},
		{"GET", "/api/v3/org/activities/%s/participants/all", ""},
		{"GET", "/api/v3/org/activities/%s/participants/template", ""},
		{"POST", "/api/v3/org/activities/%s/participants/import", "member_id,winner\n"},
	}
	for _, rt := range routes {
		bad := fmt.Sprintf(rt.path, "x")
		for _, who := range []struct {
			name, token string
			status      int
		}{{"nobody", "", 401}, {"a wrong token", "org_wrong", 401}, {"a user's token", user, 401}} {
			var h []string
			if who.token != "" {
				h = []string{"Authorization", "Token " + who.token}
			}
			if r := hs.do(rt.method, bad, rt.body, append(h, "Content-Type", "text/csv")...); r.Status != who.status || r.Code != 1 {
				t.Errorf("%s %s as %s: want %d, got %d: %s", rt.method, bad, who.name, who.status, r.Status, r.Raw)
			}
		}
		path := fmt.Sprintf(rt.path, fmt.Sprint(id))
		if rt.method == "GET" {
			path = strings.TrimSuffix(path, "?page_size=x")
		}
		r := hs.do(rt.method, path, "member_id\nintruder\n", "Authorization", "Token "+orgB, "Content-Type", "text/csv")
		if r.Status != http.StatusForbidden || !strings.Contains(r.Msg, "another organisation") {
			t.Errorf("%s %s as organisation B: want 403, got %d: %s", rt.method, path, r.Status, r.Raw)
		}
	}
	var page struct{ Total int }
	hs.ok(hs.orgDo(orgA, "GET", fmt.Sprintf("/api/v3/org/activities/%d/participants", id), ""), &page)
	if page.Total != 0 {
		t.Fatalf("another organisation's import reached the lottery: %d participants", page.Total)
	}
}

package activityapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestOrganisationLifecycle runs an organisation's whole journey: token
// issue and revoke, activity update, close and delete, members listing and
// export, meetings, and a lottery draw.
func TestOrganisationLifecycle(t *testing.T) {
	hs := newHarness(t)
	orgID, org := hs.org("Campus Union")
	var me struct{ ID int64 }
	hs.ok(hs.orgDo(org, "GET", "/api/v3/org", ""), &me)
	if me.ID != orgID {
		t.Fatalf("GET /api/v3/org: want organisation %d, got %d", orgID, me.ID)
	}

	id := hs.activity(org, `{"name":"Spring lottery","kind":"lottery","collect_info":"name"}`)
	for _, m := range []struct{ id, name, nick string }{{"m1", "Li Lei", "lei"}, {"m2", "Han Meimei", "=cmd()"}, {"m3", "Lin Tao", "tao"}} {
		body := fmt.Sprintf(`{"member_id":%q,"member_real_name":%q,"member_nickname":%q}`, m.id, m.name, m.nick)
		hs.ok(hs.do("POST", fmt.Sprintf("/activitys_for_wx/%d/wx/userInfo?access_token=%s&access_type=org", id, org), body), nil)
	}

	t.Run("members are paged and filtered", func(t *testing.T) {
		var page struct {
			Total, Pages, CurrentPage, PageSize int
			Data                                []struct {
				MemberID string `json:"member_id"`
				RealName string `json:"member_real_name"`
			}
		}
		r := hs.orgDo(org, "GET", fmt.Sprintf("/api/v3/org/activities/%d/members?page_no=2&page_size=2", id), "")
		hs.ok(r, &page)
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(r.Data, &raw)
		if page.Total != 3 || len(page.Data) != 1 || page.Data[0].MemberID != "m3" || raw["current_page"] == nil || raw["pages"] == nil {
			t.Fatalf("page 2 of 2: %s", r.Data)
		}
		hs.ok(hs.orgDo(org, "GET", fmt.Sprintf("/api/v3/org/activities/%d/members?q=Meimei", id), ""), &page)
		if page.Total != 1 || page.Data[0].MemberID != "m2" {
			t.Fatalf("filter q=Meimei: %+v", page)
		}
		hs.ok(hs.orgDo(org, "GET", fmt.Sprintf("/api/v3/org/activities/%d/members?page_no=9223372036854775807", id), ""), &page)
		if page.Total != 3 || len(page.Data) != 0 {
			t.Fatalf("a page far out: want no rows of 3, got %+v", page)
		}
		hs.ok(hs.orgDo(org, "GET", fmt.Sprintf("/api/v3/org/activities/%d/members?q=%%25", id), ""), &page)
		if page.Total != 0 {
			t.Fatalf("a %% in q must match a literal %%, got %d members", page.Total)
		}
	})
	t.Run("members export as CSV", func(t *testing.T) {
		r := hs.orgDo(org, "GET", fmt.Sprintf("/api/v3/org/activities/%d/members/export", id), "")
		if r.Status != http.StatusOK {
			t.Fatalf("export: %d %s", r.Status, r.Raw)
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.Raw, "\ufeff")), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "member_id,member_nickname") {
			t.Fatalf("want a header and 3 rows, got %q", lines)
		}
		if !strings.Contains(lines[2], "'=cmd()") {
			t.Fatalf("a formula-looking nickname must be defused: %q", lines[2])
		}
	})
	t.Run("lottery draws each member once", func(t *testing.T) {
		seen := map[string]bool{}
		for _, want := range []int{2, 1} {
			var winners []struct {
				MemberID string `json:"member_id"`
			}
			hs.ok(hs.orgDo(org, "POST", fmt.Sprintf("/api/v3/org/activities/%d/draws", id), `{"count":2}`), &winners)
			if len(winners) != want {
				t.Fatalf("want %d winners, got %d", want, len(winners))
			}
			for _, w := range winners {
				if seen[w.MemberID] {
					t.Fatalf("%s drawn twice", w.MemberID)
				}
				seen[w.MemberID] = true
			}
		}
		if r := hs.orgDo(org, "POST", fmt.Sprintf("/api/v3/org/activities/%d/draws", id), `{"count":1}`); r.Status != http.StatusConflict || r.Code != 1 {
			t.Fatalf("everyone drawn: want 409, got %d %s", r.Status, r.Raw)
		}
		var all []any
		hs.ok(hs.orgDo(org, "GET", fmt.Sprintf("/api/v3/org/activities/%d/winners", id), ""), &all)
		if len(all) != 3 || hs.events("winners_drawn") != 2 {
			t.Fatalf("want 3 recorded winners in 2 draws, got %d and %d events", len(all), hs.events("winners_drawn"))
		}
	})
	t.Run("update, close and delete", func(t *testing.T) {
		var a struct {
			Name        string
			CollectInfo string `json:"collect_info"`
			Closed      bool
		}
		hs.ok(hs.orgDo(org, "PUT", fmt.Sprintf("/api/v3/org/activities/%d", id), `{"name":"Autumn lottery","collect_info":""}`), &a)
		if a.Name != "Autumn lottery" || a.CollectInfo != "" {
			t.Fatalf("update: %+v", a)
		}
		hs.ok(hs.orgDo(org, "POST", fmt.Sprintf("/api/v3/org/activities/%d/close", id), ""), &a)
		hs.ok(hs.orgDo(org, "POST", fmt.Sprintf("/api/v3/org/activities/%d/close", id), ""), &a)
		if !a.Closed || hs.events("activity_closed") != 1 || hs.events("activity_updated") != 1 {
			t.Fatalf("close twice: want one activity_closed event, got %d", hs.events("activity_closed"))
		}
		hs.ok(hs.orgDo(org, "DELETE", fmt.Sprintf("/api/v3/org/activities/%d", id), ""), nil)
		var exists bool
		hs.ok(hs.do("POST", fmt.Sprintf("/activitys_for_wx/%d/exist?access_token=%s&access_type=org", id, org), ""), &exists)
		if exists {
			t.Fatal("a deleted activity still exists")
		}
	})
	t.Run("meetings and their users", func(t *testing.T) {
		m := hs.meeting(org, "a", "b", "a")
		var users []string
		hs.ok(hs.orgDo(org, "GET", fmt.Sprintf("/api/v3/org/meetings/%d/users", m), ""), &users)
		if strings.Join(users, ",") != "a,b" {
			t.Fatalf("want a,b, got %v", users)
		}
		hs.ok(hs.orgDo(org, "DELETE", fmt.Sprintf("/api/v3/org/meetings/%d/users/a", m), ""), nil)
		if r := hs.orgDo(org, "DELETE", fmt.Sprintf("/api/v3/org/meetings/%d/users/a", m), ""); r.Status != http.StatusNotFound {
			t.Fatalf("removing a removed user: want 404, got %d", r.Status)
		}
		var list []struct{ ID int64 }
		hs.ok(hs.orgDo(org, "GET", "/api/v3/org/meetings", ""), &list)
		hs.ok(hs.orgDo(org, "DELETE", fmt.Sprintf("/api/v3/org/meetings/%d", m), ""), nil)
		if len(list) != 1 || list[0].ID != m {
			t.Fatalf("meetings: %+v", list)
		}
	})
	t.Run("a revoked token stops working", func(t *testing.T) {
		mgr := []string{"Authorization", "Token " + hs.manager}
		var tokens []struct {
			ID     int64
			Active bool
			Hint   string
		}
		hs.ok(hs.do("GET", fmt.Sprintf("/api/v3/manage/orgs/%d/tokens", orgID), "", mgr...), &tokens)
		if len(tokens) != 1 || !tokens[0].Active || !strings.HasPrefix(org, tokens[0].Hint) || len(tokens[0].Hint) >= len(org) {
			t.Fatalf("tokens: %+v", tokens)
		}
		hs.ok(hs.do("DELETE", fmt.Sprintf("/api/v3/manage/orgs/%d/tokens/%d", orgID, tokens[0].ID), "", mgr...), nil)
		if r := hs.orgDo(org, "GET", "/api/v3/org", ""); r.Status != http.StatusUnauthorized || r.Code != 1 {
			t.Fatalf("revoked token: want 401, got %d %s", r.Status, r.Raw)
		}
		var orgs struct{ Total int }
		hs.ok(hs.do("GET", "/api/v3/manage/orgs", "", mgr...), &orgs)
		if orgs.Total != 1 {
			t.Fatalf("want 1 organisation, got %d", orgs.Total)
		}
	})
}

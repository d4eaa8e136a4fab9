package console_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/campushub/campushub/domain/activity"
)

func TestMeetingRenameAndClose(t *testing.T) {
	h := newHarness(t)
	orgID, token := h.org("Org")
	b := h.browser().signInOrg(token)
	m, err := h.svc.Activity.CreateMeeting(orgCtx(orgID), "Board")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Activity.AuthoriseUsers(orgCtx(orgID), m.ID, []string{"101"}); err != nil {
		t.Fatal(err)
	}
	name, kind, perm := "Board sign-in", "signin", []int64{m.ID}
	act, err := h.svc.Activity.CreateActivity(orgCtx(orgID), activity.Draft{Name: &name, Kind: &kind, Permission: &perm})
	if err != nil {
		t.Fatal(err)
	}
	path := "/console/org/meetings/" + id(m.ID)
	expect(t, "meeting page", b.get(path), http.StatusOK, `value="Board"`, "进行中", `action="`+path+`/close"`, `action="`+path+`/users"`)

	for _, tc := range []struct {
		name, to, text string
	}{
		{"empty name", "  ", "此项必填"},
		{"name too long", strings.Repeat("会", activity.MaxNameLen+1), "太长了"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := b.post(path, url.Values{"name": {tc.to}})
			expect(t, tc.name, a, http.StatusBadRequest)
			if msg := fieldError(a.Body, "name"); !strings.Contains(msg, tc.text) {
				t.Fatalf("error next to the name is %q, want %q\n%s", msg, tc.text, a.Body)
			}
		})
	}

	a := b.post(path, url.Values{"name": {" Finance board "}})
	if a.Status != http.StatusSeeOther || a.Location != path+"?done=meeting_renamed" {
		t.Fatalf("rename: %d %q\n%s", a.Status, a.Location, a.Body)
	}
	expect(t, "renamed", b.get(a.Location), http.StatusOK, "Finance board", "会议已改名")
	expect(t, "renamed in the list", b.get("/console/org/meetings"), http.StatusOK, "Finance board", `data-status="open"`)

	a = b.post(path+"/close", nil)
	if a.Status != http.StatusSeeOther || a.Location != path+"?done=meeting_closed" {
		t.Fatalf("close: %d %q\n%s", a.Status, a.Location, a.Body)
	}
	a = b.get(a.Location)
	expect(t, "closed", a, http.StatusOK, "会议已关闭。", "已关闭", "101")
	if strings.Contains(a.Body, `action="`+path+`/close"`) || strings.Contains(a.Body, `action="`+path+`/users"`) {
		t.Fatalf("a closed meeting still offers closing or authorising:\n%s", a.Body)
	}
	expect(t, "closed in the list", b.get("/console/org/meetings"), http.StatusOK, `data-status="closed"`)
	expect(t, "closed in the activity's choices", b.get("/console/org/activities/"+id(act.ID)), http.StatusOK, "Finance board (已关闭)")

	// A form sent from a page loaded before the close is refused next to its field.
	a = b.post(path+"/users", url.Values{"member_ids": {"102"}})
	expect(t, "authorise after closing", a, http.StatusConflict)
	expect(t, "authorise after closing", a, http.StatusConflict, `<p class="error" role="alert">会议已关闭，不能再授权用户。</p>`)
	if _, err := h.svc.Activity.SubmitMember(orgCtx(orgID), act.ID, "101", activity.Profile{Nickname: "Li"}); !errors.Is(err, activity.ErrNotPermitted) {
		t.Fatalf("a closed meeting still admits its users: %v", err)
	}
	expect(t, "close again", b.post(path+"/close", nil), http.StatusSeeOther)
	expect(t, "rename while closed", b.post(path, url.Values{"name": {"Old board"}}), http.StatusSeeOther)

	b.header.Set("Accept-Language", "en")
	expect(t, "in English", b.get(path), http.StatusOK, "Old board", "closed", "The meeting is closed")
	a = b.post(path+"/users", url.Values{"member_ids": {"102"}})
	expect(t, "authorise after closing, in English", a, http.StatusConflict, `<p class="error" role="alert">the meeting is closed: it authorises no more users</p>`)
	expect(t, "unknown meeting", b.post("/console/org/meetings/999", url.Values{"name": {"x"}}), http.StatusNotFound)
	expect(t, "close unknown meeting", b.post("/console/org/meetings/999/close", nil), http.StatusNotFound)
	expect(t, "bad meeting id", b.post("/console/org/meetings/x/close", nil), http.StatusBadRequest)
}

package activityapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
)

// TestSeedSamples sends the requests of activities-api.txt and checks the
// answers' shapes and values.
func TestSeedSamples(t *testing.T) {
	hs := newHarness(t)
	_, org := hs.org("Campus Union")
	uid, user := hs.user("student@example.com")
	meeting := hs.meeting(org, strconv.FormatInt(uid, 10), "xxxx")
	restricted := hs.activity(org, fmt.Sprintf(`{"name":"Annual meeting","kind":"signin","collect_info":"phone,name",
		"background":"https://cdn.example.com/bg.png","logo":"https://cdn.example.com/logo.png","music":"https://cdn.example.com/a.mp3",
		"close_time":"2099-12-31 20:00:00","permission":[%d]}`, meeting))
	open := hs.activity(org, `{"name":"Message wall","kind":"message"}`)
	q := func(tok, typ string) string { return "?access_token=" + tok + "&access_type=" + typ }

	t.Run("auth_meeting", func(t *testing.T) {
		r := hs.do("GET", fmt.Sprintf("/api/v3/activitys_for_wx/%d/wx/auth_meeting%s", restricted, q(user, "user")), "")
		var got int64
		hs.ok(r, &got)
		if r.Msg != "成功获取" || got != meeting {
			t.Fatalf("want 成功获取 and meeting %d, got %q %d", meeting, r.Msg, got)
		}
		hs.ok(hs.do("GET", fmt.Sprintf("/api/v3/activitys_for_wx/%d/wx/auth_meeting%s", open, q(user, "user")), ""), &got)
		if got != 0 {
			t.Fatalf("an activity open to all has no authorising meeting, got %d", got)
		}
	})
	t.Run("collect_info", func(t *testing.T) {
		var got string
		hs.ok(hs.do("GET", fmt.Sprintf("/api/v3/activitys_for_wx/%d/wx/collect_info%s", restricted, q(org, "org")), ""), &got)
		if got != "phone,name" {
			t.Fatalf("want phone,name, got %q", got)
		}
	})
	t.Run("userInfo with the seed's body", func(t *testing.T) {
		// The seed's sample body, typographic quotes and all.
		body := "{\n  \"member_icon\": \"xxx\",\n  \"member_nickname\": \"abc”,\n  \"member_id\": “xxxx”\n}"
		r := hs.do("POST", fmt.Sprintf("/api/v3/activitys_for_wx/%d/wx/userInfo%s", open, q(org, "org")), body)
		var got string
		hs.ok(r, &got)
		if r.Msg != "提交用户微信信息成功" || got != "xxxx" {
			t.Fatalf("want the member id xxxx, got %q %q", r.Msg, got)
		}
		if n := hs.events("member_joined"); n != 1 {
			t.Fatalf("want one member_joined event, got %d", n)
		}
	})
	t.Run("hasJoin", func(t *testing.T) {
		for _, tc := range []struct {
			name, path string
			want       int
		}{
			{"member in the path", fmt.Sprintf("/api/v3/activitys_for_wx/%d/wx/hasJoin/xxxx%s", open, q(org, "org")), 1},
			{"member in the query", fmt.Sprintf("/activitys_for_wx/%d/wx/hasJoin%s&member_id=xxxx", open, q(org, "org")), 1},
			{"member who has not joined", fmt.Sprintf("/activitys_for_wx/%d/wx/hasJoin/yyyy%s", open, q(org, "org")), 0},
			{"user asking about themselves", fmt.Sprintf("/activitys_for_wx/%d/wx/hasJoin%s", open, q(user, "user")), 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got int
				hs.ok(hs.do("GET", tc.path, ""), &got)
				if got != tc.want {
					t.Fatalf("want %d, got %d", tc.want, got)
				}
			})
		}
	})
	t.Run("exist", func(t *testing.T) {
		for _, tc := range []struct {
			id   int64
			want bool
		}{{restricted, true}, {9999, false}} {
			r := hs.do("POST", fmt.Sprintf("/api/v3/activitys_for_wx/%d/exist%s", tc.id, q(org, "org")), "")
			var got bool
			hs.ok(r, &got)
			if got != tc.want || r.Msg != "查询活动是否存在成功" {
				t.Fatalf("activity %d: want %v, got %v (%s)", tc.id, tc.want, got, r.Raw)
			}
		}
	})
	t.Run("activity info without /api/v3", func(t *testing.T) {
		var got map[string]string
		r := hs.do("GET", fmt.Sprintf("/activitys_for_wx/%d%s", restricted, q(org, "org")), "")
		hs.ok(r, &got)
		want := map[string]string{
			"activity_id": strconv.FormatInt(restricted, 10), "activity_name": "Annual meeting",
			"background": "https://cdn.example.com/bg.png", "logo": "https://cdn.example.com/logo.png",
			"music": "https://cdn.example.com/a.mp3", "permission": strconv.FormatInt(meeting, 10),
			"collect_info": "phone,name", "close_time": "2099-12-31 20:00:00",
		}
		if r.Msg != "查询成功" || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("want %v, got %v", want, got)
		}
	})
	t.Run("course signinInfo is idempotent", func(t *testing.T) {
		body := "{\n      'member_id':'1',\n      'member_icon':'xxx',\n      'member_nickname':'xxx'\n}"
		for i := 0; i < 3; i++ {
			var got string
			hs.ok(hs.do("POST", "/activitys_for_wx/course/7/signinInfo"+q(org, "org"), body), &got)
			if got != "1" {
				t.Fatalf("want member id 1, got %q", got)
			}
		}
		if n := hs.events("course_signin_synced"); n != 1 {
			t.Fatalf("three identical syncs: want one event, got %d", n)
		}
		hs.ok(hs.do("POST", "/activitys_for_wx/course/7/signinInfo"+q(org, "org"), "member_id=1&member_nickname=renamed"), nil)
		if n := hs.events("course_signin_synced"); n != 2 {
			t.Fatalf("a changed nickname: want a second event, got %d", n)
		}
	})
	t.Run("credentials in a form body", func(t *testing.T) {
		r := hs.do("POST", fmt.Sprintf("/activitys_for_wx/%d/exist", open), "access_token="+org+"&access_type=org",
			"Content-Type", "application/x-www-form-urlencoded")
		var got bool
		hs.ok(r, &got)
		if !got {
			t.Fatalf("want true, got %s", r.Raw)
		}
	})
	if r := hs.do("GET", "/api/v3/activitys_for_wx/1/nothing", ""); r.Status != http.StatusNotFound || r.Code != 1 || r.Msg == "" {
		t.Fatalf("unknown path: want 404 with code 1, got %d %s", r.Status, r.Raw)
	}
}

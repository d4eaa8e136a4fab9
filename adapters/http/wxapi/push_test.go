package wxapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The seed's own request examples, in order: add, query, update, delete.
func TestSeedExamples(t *testing.T) {
	h := newHarness(t)
	m := h.asManager()

	r := h.request(t, http.MethodPost, "/wx/push/addPushProject", formType, "url=www.xn---xn--nw5a-9h6sj467a.org&project=ppuqpx", m)
	wantOK(t, "add", r)
	var added struct {
		ID      int64  `json:"id"`
		URL     string `json:"url"`
		Project string `json:"project"`
		Statu   int    `json:"statu"`
		Secret  string `json:"secret"`
	}
	mustJSON(t, r.Data, &added)
	if added.URL != "https://www.xn---xn--nw5a-9h6sj467a.org" || added.Project != "ppuqpx" || added.Statu != 0 || !strings.HasPrefix(added.Secret, "whsec_") {
		t.Fatalf("added project = %+v", added)
	}

	r = h.request(t, http.MethodGet, "/wx/push/queryPushProject", "", "", m)
	wantOK(t, "query", r)
	if strings.Contains(string(r.Data), "whsec_") || strings.Contains(string(r.Data), `"secret"`) {
		t.Fatalf("query shows a secret: %s", r.Data)
	}
	var list struct {
		Total int `json:"total"`
		List  []struct {
			ID int64 `json:"id"`
		} `json:"list"`
	}
	mustJSON(t, r.Data, &list)
	if list.Total != 1 || list.List[0].ID != added.ID {
		t.Fatalf("query data = %s", r.Data)
	}

	// The seed's update example uses id 281 and statu 907: both refused.
	r = h.request(t, http.MethodPut, "/wx/push/updatePushProject", jsonType,
		`{"id": 281, "url": "www.xn---xn--nw5a-9h6sj467a.org", "project": "36hifl", "statu": 907}`, m)
	wantErr(t, "seed update", r, http.StatusBadRequest, "11003")
	r = h.request(t, http.MethodPut, "/wx/push/updatePushProject", jsonType,
		`{"id": 281, "url": "www.xn---xn--nw5a-9h6sj467a.org", "project": "36hifl", "statu": 1}`, m)
	wantErr(t, "update unknown id", r, http.StatusNotFound, "16001")
	r = h.request(t, http.MethodPut, "/wx/push/updatePushProject", jsonType,
		fmt.Sprintf(`{"id": %d, "url": "www.xn---xn--nw5a-9h6sj467a.org", "project": "36hifl", "statu": 1}`, added.ID), m)
	wantOK(t, "update", r)
	if !strings.Contains(string(r.Data), `"statu":1`) || !strings.Contains(string(r.Data), `"project":"36hifl"`) {
		t.Fatalf("updated data = %s", r.Data)
	}

	r = h.request(t, http.MethodDelete, "/wx/push/deletePushProject?id=435", formType, "", m)
	wantErr(t, "delete unknown id", r, http.StatusNotFound, "16001")
	r = h.request(t, http.MethodDelete, fmt.Sprintf("/wx/push/deletePushProject?id=%d", added.ID), formType, "", m)
	wantOK(t, "delete", r)
}

func TestProjectRules(t *testing.T) {
	h := newHarness(t)
	m := h.asManager()
	id, secret := h.addProject(t, "https://hooks.example.org/a", "alpha")

	r := h.request(t, http.MethodPost, "/wx/push/addPushProject", formType, "url=https://hooks.example.org/a&project=alpha", m)
	wantErr(t, "same url and project", r, http.StatusConflict, "16000")
	r = h.request(t, http.MethodPost, "/wx/push/addPushProject", jsonType, `{"url":"https://hooks.example.org/a","project":"beta"}`, m)
	wantOK(t, "same url, other project, as JSON", r)

	r = h.request(t, http.MethodPost, fmt.Sprintf("/wx/push/rotatePushProjectSecret?id=%d", id), "", "", m)
	wantOK(t, "rotate", r)
	var rotated struct {
		Secret string `json:"secret"`
	}
	mustJSON(t, r.Data, &rotated)
	if !strings.HasPrefix(rotated.Secret, "whsec_") || rotated.Secret == secret {
		t.Fatalf("rotated secret %q (old %q)", rotated.Secret, secret)
	}
}

func TestPushBadInput(t *testing.T) {
	h := newHarness(t)
	m := h.asManager()
	id, _ := h.addProject(t, "https://hooks.example.org/a", "alpha")
	long := strings.Repeat("x", 101)
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		code                            string
	}{
		{"add without url", "POST", "/wx/push/addPushProject", formType, "project=p", 400, "11003"},
		{"add without project", "POST", "/wx/push/addPushProject", formType, "url=https://a.example.org", 400, "11003"},
		{"add with an empty form", "POST", "/wx/push/addPushProject", formType, "", 400, "11003"},
		{"add with ftp url", "POST", "/wx/push/addPushProject", formType, "url=ftp://a.example.org&project=p", 400, "11003"},
		{"add with a loopback url", "POST", "/wx/push/addPushProject", formType, "url=http://127.0.0.1:9000/h&project=p", 400, "11003"},
		{"add with a metadata url", "POST", "/wx/push/addPushProject", formType, "url=http://169.254.169.254/latest&project=p", 400, "11003"},
		{"add with a private url", "POST", "/wx/push/addPushProject", formType, "url=http://192.168.161.34:8099/h&project=p", 400, "11003"},
		{"add with localhost", "POST", "/wx/push/addPushProject", formType, "url=http://localhost/h&project=p", 400, "11003"},
		{"add with user info", "POST", "/wx/push/addPushProject", formType, "url=https://u:p@a.example.org&project=p", 400, "11003"},
		{"add with an over-long project", "POST", "/wx/push/addPushProject", formType, "url=https://a.example.org&project=" + long, 400, "11003"},
		{"add with a bad form", "POST", "/wx/push/addPushProject", formType, "url=%zz", 400, "11001"},
		{"add with malformed JSON", "POST", "/wx/push/addPushProject", jsonType, `{"url":`, 400, "11001"},
		{"update with an empty body", "PUT", "/wx/push/updatePushProject", jsonType, "", 400, "11002"},
		{"update with malformed JSON", "PUT", "/wx/push/updatePushProject", jsonType, `{"id":`, 400, "11001"},
		{"update with a string id", "PUT", "/wx/push/updatePushProject", jsonType, `{"id":"1"}`, 400, "11001"},
		{"update with an unknown field", "PUT", "/wx/push/updatePushProject", jsonType, fmt.Sprintf(`{"id":%d,"colour":"red"}`, id), 400, "11001"},
		{"update without id", "PUT", "/wx/push/updatePushProject", jsonType, `{"statu":0}`, 400, "11003"},
		{"update with a negative id", "PUT", "/wx/push/updatePushProject", jsonType, `{"id":-4}`, 400, "11003"},
		{"update with id 0", "PUT", "/wx/push/updatePushProject", jsonType, `{"id":0}`, 400, "11003"},
		{"update with a null url", "PUT", "/wx/push/updatePushProject", jsonType, `{"id":1,"url":null}`, 400, "11001"},
		{"deliveries with an empty project_id", "GET", "/wx/push/queryDeliveries?project_id=", "", "", 400, "11003"},
		{"update with statu 2", "PUT", "/wx/push/updatePushProject", jsonType, fmt.Sprintf(`{"id":%d,"statu":2}`, id), 400, "11003"},
		{"update with a string statu", "PUT", "/wx/push/updatePushProject", jsonType, fmt.Sprintf(`{"id":%d,"statu":"0"}`, id), 400, "11001"},
		{"update with a loopback url", "PUT", "/wx/push/updatePushProject", jsonType, fmt.Sprintf(`{"id":%d,"url":"http://[::1]/h"}`, id), 400, "11003"},
		{"update with an array", "PUT", "/wx/push/updatePushProject", jsonType, `[1,2]`, 400, "11001"},
		{"delete without id", "DELETE", "/wx/push/deletePushProject", "", "", 400, "11003"},
		{"delete with a text id", "DELETE", "/wx/push/deletePushProject?id=abc", "", "", 400, "11001"},
		{"delete with id 0", "DELETE", "/wx/push/deletePushProject?id=0", "", "", 400, "11003"},
		{"deliveries without a filter", "GET", "/wx/push/queryDeliveries", "", "", 400, "11003"},
		{"deliveries with a bad status", "GET", fmt.Sprintf("/wx/push/queryDeliveries?project_id=%d&status=lost", id), "", "", 400, "11003"},
		{"deliveries with a bad page", "GET", fmt.Sprintf("/wx/push/queryDeliveries?project_id=%d&page_size=1000", id), "", "", 400, "11001"},
		{"attempts of an unknown delivery", "GET", "/wx/push/queryDeliveryAttempts?id=99", "", "", 404, "16001"},
		{"replay an unknown delivery", "POST", "/wx/push/replayDelivery?id=99", "", "", 404, "16001"},
		{"replay failed of an unknown project", "POST", "/wx/push/replayFailedDeliveries?project_id=99", "", "", 404, "16001"},
		{"rotate an unknown project", "POST", "/wx/push/rotatePushProjectSecret?id=99", "", "", 404, "16001"},
		{"replay since an unreadable time", "POST", fmt.Sprintf("/wx/push/replayFailedDeliveries?project_id=%d&since=yesterday", id), "", "", 400, "11001"},
		{"replay since a future time", "POST", fmt.Sprintf("/wx/push/replayFailedDeliveries?project_id=%d&since=2999-01-01T00:00:00Z", id), "", "", 400, "11003"},
		{"add with a bad ordered flag", "POST", "/wx/push/addPushProject", formType, "url=https://o.example.org&project=o&ordered=maybe", 400, "11001"},
		{"update with a bad ordered flag", "PUT", "/wx/push/updatePushProject", jsonType, fmt.Sprintf(`{"id":%d,"ordered":"yes"}`, id), 400, "11001"},
		{"add with a refused spelling of loopback", "POST", "/wx/push/addPushProject", formType, "url=http://0x7f.1/h&project=p", 400, "11003"},
		{"wrong method", "POST", "/wx/push/queryPushProject", "", "", 405, "10001"},
		{"unknown path", "GET", "/wx/push/nothingHere", "", "", 404, "10001"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.request(t, tc.method, tc.path, tc.ctype, tc.body, m)
			wantErr(t, tc.name, r, tc.status, tc.code)
		})
	}
}

func TestPushAuthorisation(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name   string
		path   string
		header map[string]string
		status int
		code   string
	}{
		{"no token", "/wx/push/queryPushProject", nil, 401, "10004"},
		{"wrong token", "/wx/push/queryPushProject", map[string]string{"Authorization": "Token nope"}, 401, "10003"},
		{"user token", "/wx/push/queryPushProject", map[string]string{"Authorization": "Token " + h.user}, 403, "10006"},
		{"manager token header", "/wx/push/queryPushProject", map[string]string{"token": h.manager}, 200, "0"},
		{"manager token query", "/wx/push/queryPushProject?token=" + h.manager, nil, 200, "0"},
		{"manager bearer", "/wx/push/queryPushProject", map[string]string{"Authorization": "Bearer " + h.manager}, 200, "0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.request(t, http.MethodGet, tc.path, "", "", tc.header)
			if r.Status != tc.status || r.code() != tc.code {
				t.Fatalf("HTTP %d code %s %q, want HTTP %d code %s", r.Status, r.code(), r.Message, tc.status, tc.code)
			}
			if _, ok := r.Raw["success"]; !ok {
				t.Fatalf("answer lacks success: %v", r.Raw)
			}
		})
	}
}

func wantOK(t *testing.T, what string, r reply) {
	t.Helper()
	if r.Status != http.StatusOK || !r.Success || r.code() != "0" || r.Message != "success" || string(r.Code) != `"0"` {
		t.Fatalf("%s: HTTP %d success=%v code=%s %q", what, r.Status, r.Success, r.Code, r.Message)
	}
}

func wantErr(t *testing.T, what string, r reply, status int, code string) {
	t.Helper()
	if r.Status != status || r.Success || r.code() != code || r.Code[0] != '"' {
		t.Fatalf("%s: HTTP %d code %s %q, want HTTP %d code %q", what, r.Status, r.Code, r.Message, status, code)
	}
	if _, ok := r.Raw["data"]; !ok {
		t.Fatalf("%s: error envelope lacks data", what)
	}
}

func mustJSON(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

// TestProjectStateAndHeld: queryPushProject shows each project's delivery
// state and backlog; a project set invalid holds its deliveries, which
// status=held lists; the since form of replayFailedDeliveries creates the
// deliveries of events received before the project existed.
func TestProjectStateAndHeld(t *testing.T) {
	h := newHarness(t)
	m := h.asManager()
	r := h.request(t, http.MethodPost, "/wx/push/addPushProject", formType, "url=https://a.example.org/h&project=alpha&ordered=1", m)
	wantOK(t, "add ordered", r)
	var added struct {
		ID      int64 `json:"id"`
		Ordered bool  `json:"ordered"`
	}
	mustJSON(t, r.Data, &added)
	if !added.Ordered {
		t.Fatalf("added project %s is not ordered", r.Data)
	}
	for i := 0; i < 2; i++ {
		body := fmt.Sprintf(`{"app_key":%q,"school_code":"45229","event":"addUser","raw_data":"before-%d"}`, plainAppKey, i)
		if r := h.request(t, http.MethodPost, "/wx/wxc/receive", jsonType, body, nil); r.Status != http.StatusOK {
			t.Fatalf("receive: HTTP %d %s", r.Status, r.Message)
		}
	}
	r = h.request(t, http.MethodPut, "/wx/push/updatePushProject", jsonType, fmt.Sprintf(`{"id":%d,"statu":1}`, added.ID), m)
	wantOK(t, "disable", r)
	r = h.request(t, http.MethodGet, "/wx/push/queryPushProject", "", "", m)
	wantOK(t, "list", r)
	var list struct {
		List []struct {
			ID            int64  `json:"id"`
			State         string `json:"state"`
			DisabledSince string `json:"disabled_since"`
			QueueDepth    int    `json:"queue_depth"`
			Held          int    `json:"held"`
			OldestAt      string `json:"oldest_pending_at"`
		} `json:"list"`
	}
	mustJSON(t, r.Data, &list)
	if p := list.List[0]; p.State != "disabled" || p.DisabledSince == "" || p.Held != 2 || p.QueueDepth != 0 || p.OldestAt == "" {
		t.Fatalf("disabled project listed as %+v", p)
	}
	r = h.request(t, http.MethodGet, fmt.Sprintf("/wx/push/queryDeliveries?project_id=%d&status=held", added.ID), "", "", m)
	wantOK(t, "held deliveries", r)
	if !strings.Contains(string(r.Data), `"status":"held"`) {
		t.Fatalf("held deliveries: %s", r.Data)
	}

	r = h.request(t, http.MethodPost, "/wx/push/addPushProject", formType, "url=https://b.example.org/h&project=late", m)
	wantOK(t, "add late", r)
	var late struct {
		ID int64 `json:"id"`
	}
	mustJSON(t, r.Data, &late)
	r = h.request(t, http.MethodPost, fmt.Sprintf("/wx/push/replayFailedDeliveries?project_id=%d&since=2000-01-01+00:00:00", late.ID), "", "", m)
	wantOK(t, "replay since", r)
	if string(r.Data) != `{"created":2,"replayed":0}` {
		t.Fatalf("replay since = %s, want 2 created", r.Data)
	}
}

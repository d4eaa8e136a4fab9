package wxapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/campushub/campushub/adapters/wxcrypto"
)

func TestReceiveSeedExample(t *testing.T) {
	h := newHarness(t)
	pid, _ := h.addProject(t, "https://hooks.example.org/a", "alpha")
	body := `{
"app_key": "3zx9s9",
"school_code": "45229",
"event": "ebytou",
"raw_data": "82izkc"
}`
	r := h.request(t, http.MethodPost, "/wx/wxc/receive", jsonType, body, nil)
	if r.Status != http.StatusOK || string(r.Code) != "0" || r.Message != "success" || len(r.Raw) != 2 {
		t.Fatalf("receive: HTTP %d %v", r.Status, r.Raw)
	}
	// The platform retries the same body: still one event, one delivery.
	r = h.request(t, http.MethodPost, "/wx/wxc/receive", jsonType, body, nil)
	if r.Status != http.StatusOK || string(r.Code) != "0" {
		t.Fatalf("repeated receive: HTTP %d %v", r.Status, r.Raw)
	}
	r = h.request(t, http.MethodGet, fmt.Sprintf("/wx/push/queryDeliveries?project_id=%d", pid), "", "", h.asManager())
	wantOK(t, "deliveries", r)
	var page struct {
		Total int64 `json:"total"`
		Data  []struct {
			Status    string `json:"status"`
			WebhookID string `json:"webhook_id"`
			EventID   int64  `json:"event_id"`
		} `json:"data"`
	}
	mustJSON(t, r.Data, &page)
	if page.Total != 1 || page.Data[0].Status != "pending" || !strings.HasPrefix(page.Data[0].WebhookID, "msg_") {
		t.Fatalf("deliveries after a repeated push = %s", r.Data)
	}
}

func TestReceiveEncryptedApp(t *testing.T) {
	h := newHarness(t)
	raw, err := wxcrypto.Encrypt(secretAppKey, secretApp, []byte(`{"userid":"u1","name":"张三"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"app_key": secretAppKey, "school_code": "45229", "event": "addUser", "raw_data": raw})
	r := h.request(t, http.MethodPost, "/wx/wxc/receive", jsonType, string(body), nil)
	if r.Status != http.StatusOK || string(r.Code) != "0" {
		t.Fatalf("receive: HTTP %d %v", r.Status, r.Raw)
	}
}

func TestReceiveBadInput(t *testing.T) {
	h := newHarness(t)
	good := map[string]any{"app_key": plainAppKey, "school_code": "45229", "event": "addUser", "raw_data": "x"}
	with := func(k string, v any) string {
		m := map[string]any{}
		for key, val := range good {
			m[key] = val
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	cases := []struct {
		name, method, body string
		status, code       int
	}{
		{"empty body", "POST", "", 400, 11002},
		{"blank body", "POST", "  \n", 400, 11002},
		{"malformed JSON", "POST", `{"app_key":`, 400, 11001},
		{"not an object", "POST", `["a"]`, 400, 11001},
		{"number app_key", "POST", with("app_key", 5), 400, 11001},
		{"missing app_key", "POST", with("app_key", nil), 400, 11003},
		{"missing school_code", "POST", with("school_code", nil), 400, 11003},
		{"missing event", "POST", with("event", nil), 400, 11003},
		{"missing raw_data", "POST", with("raw_data", nil), 400, 11003},
		{"blank event", "POST", with("event", " "), 400, 11003},
		{"over-long event", "POST", with("event", strings.Repeat("e", 65)), 400, 11003},
		{"unknown app", "POST", with("app_key", "nobody"), 403, 10006},
		{"undecryptable raw_data", "POST", `{"app_key":"` + secretAppKey + `","school_code":"1","event":"addUser","raw_data":"82izkc"}`, 400, 11001},
		{"over the body limit", "POST", with("raw_data", strings.Repeat("a", 70<<10)), 413, 11001},
		{"wrong method", "GET", "", 405, 10001},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.request(t, tc.method, "/wx/wxc/receive", jsonType, tc.body, nil)
			if r.Status != tc.status || string(r.Code) != fmt.Sprint(tc.code) || len(r.Raw) != 2 {
				t.Fatalf("HTTP %d %v, want HTTP %d code %d in {code,message}", r.Status, r.Raw, tc.status, tc.code)
			}
		})
	}
	r := h.request(t, http.MethodGet, "/wx/wxc/elsewhere", "", "", nil)
	if r.Status != http.StatusNotFound || string(r.Code) != "10001" {
		t.Fatalf("unknown /wx/wxc path: HTTP %d %v", r.Status, r.Raw)
	}
}

// When the event cannot be stored the platform must see a failure it
// retries: 16009 and a 5xx.
func TestReceiveStorageFailure(t *testing.T) {
	h := newHarness(t)
	if err := h.db.Close(); err != nil {
		t.Fatal(err)
	}
	r := h.request(t, http.MethodPost, "/wx/wxc/receive", jsonType,
		`{"app_key":"3zx9s9","school_code":"45229","event":"ebytou","raw_data":"82izkc"}`, nil)
	if r.Status != http.StatusServiceUnavailable || string(r.Code) != "16009" {
		t.Fatalf("HTTP %d %v, want 503 and 16009", r.Status, r.Raw)
	}
}

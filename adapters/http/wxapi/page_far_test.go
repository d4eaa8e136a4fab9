package wxapi_test

import (
	"fmt"
	"net/http"
	"testing"
)

// TestDeliveriesFarOutAreEmpty asks for pages past every list, the largest
// int64 among them, where (page_no-1)*page_size overflows: each is an empty
// page that keeps the labels asked for and the true total, not page 1.
func TestDeliveriesFarOutAreEmpty(t *testing.T) {
	h := newHarness(t)
	pid, _ := h.addProject(t, "https://hooks.example.org/a", "alpha")
	for i := range 3 {
		body := fmt.Sprintf(`{"app_key":%q,"school_code":"45229","event":"addUser","raw_data":"r%d"}`, plainAppKey, i)
		if r := h.request(t, http.MethodPost, "/wx/wxc/receive", jsonType, body, nil); r.Status != http.StatusOK || string(r.Code) != "0" {
			t.Fatalf("receive %d: HTTP %d %v", i, r.Status, r.Raw)
		}
	}
	for _, no := range []string{"1", "9223372036854775807", "4611686018427387904", "1073741825", "1073741824"} {
		path := fmt.Sprintf("/wx/push/queryDeliveries?project_id=%d&page_no=%s&page_size=2", pid, no)
		r := h.request(t, http.MethodGet, path, "", "", h.asManager())
		wantOK(t, path, r)
		var page struct {
			Total       int64 `json:"total"`
			Pages       int64 `json:"pages"`
			CurrentPage int64 `json:"current_page"`
			PageSize    int   `json:"page_size"`
			Data        []any `json:"data"`
		}
		mustJSON(t, r.Data, &page)
		wantRows := 0
		if no == "1" {
			wantRows = 2
		}
		if fmt.Sprint(page.CurrentPage) != no || page.PageSize != 2 || page.Total != 3 || page.Pages != 2 || len(page.Data) != wantRows {
			t.Errorf("GET %s = %s; want page %s of 3 deliveries with %d rows", path, r.Data, no, wantRows)
		}
	}
}

package wxapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/campushub/campushub/adapters/storage"
)

// Switching a project off or deleting it fails its pending deliveries and,
// in the same transaction, writes one delivery_failed event for each to the
// outbox, with the reason.
func TestAbandonedDeliveriesReachTheOutbox(t *testing.T) {
	cases := []struct {
		name   string
		method string
		path   string
		body   func(id int64) string
		reason string
	}{
		{"deleted", http.MethodDelete, "/wx/push/deletePushProject?id=%d", nil, "project_deleted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			id, _ := h.addProject(t, "https://hooks.example.org/a", "alpha")
			for i := 0; i < 3; i++ {
				body := fmt.Sprintf(`{"app_key":%q,"school_code":"45229","event":"addUser","raw_data":"r-%d"}`, plainAppKey, i)
				if r := h.request(t, http.MethodPost, "/wx/wxc/receive", jsonType, body, nil); r.Status != http.StatusOK {
					t.Fatalf("receive: HTTP %d %s", r.Status, r.Message)
				}
			}
			path, body, ct := tc.path, "", formType
			if tc.body != nil {
				body, ct = tc.body(id), jsonType
			} else {
				path = fmt.Sprintf(tc.path, id)
			}
			if r := h.request(t, tc.method, path, ct, body, h.asManager()); r.Status != http.StatusOK || !r.Success {
				t.Fatalf("%s: HTTP %d %s %s", path, r.Status, r.code(), r.Message)
			}
			rows, err := storage.NewOutbox(h.db).Recent(context.Background(), 20)
			if err != nil {
				t.Fatal(err)
			}
			failed := 0
			for _, row := range rows {
				if !strings.HasSuffix(row.Type, ".delivery_failed") {
					continue
				}
				failed++
				var pl struct {
					ProjectID int64  `json:"project_id"`
					Status    string `json:"status"`
					Reason    string `json:"reason"`
				}
				if err := json.Unmarshal([]byte(row.Payload), &pl); err != nil {
					t.Fatal(err)
				}
				if pl.ProjectID != id || pl.Status != "failed" || pl.Reason != tc.reason {
					t.Fatalf("delivery_failed payload %s, want project %d, reason %s", row.Payload, id, tc.reason)
				}
			}
			if failed != 3 {
				t.Fatalf("%d delivery_failed rows in the outbox, want 3", failed)
			}
		})
	}
}

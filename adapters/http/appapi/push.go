package appapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	apppush "github.com/campushub/campushub/app/push"
	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/domain/shared"
)

// Push mounts /api/push/* and /api/message/count.
type Push struct {
	S  *Server
	EP apppush.Endpoints
}

// Mount implements server.Mounter.
func (p Push) Mount(r chi.Router) {
	s := p.S
	r.Method(http.MethodPost, "/api/push/bind", s.Handler(p.EP.Bind, decodeBind, httpkit.Data(s.device)))
	r.Method(http.MethodGet, "/api/push/switch/{client_id}", s.Handler(p.EP.Switch, decodeSwitch, httpkit.Data(s.device)))
	r.Method(http.MethodPut, "/api/push/switch/{client_id}", s.Handler(p.EP.SetSwitch, decodeSetSwitch, nil))
	r.Method(http.MethodGet, "/api/push/log", s.Handler(p.EP.Log, httpkit.DecodePage, httpkit.Paged(s.pushLogData)))
	r.Method(http.MethodDelete, "/api/push/log/delete", s.Handler(p.EP.ClearLog, httpkit.NoBody, nil))
	r.Method(http.MethodGet, "/api/push/log/{id}", s.Handler(p.EP.LogEntry, httpkit.DecodeID("id"), httpkit.Data(s.pushLogData)))
	r.Method(http.MethodGet, "/api/message/count", s.Handler(p.EP.Count, decodeCount, httpkit.Data(counts)))
}

func decodeBind(_ context.Context, r *http.Request) (any, error) {
	var b struct {
		ClientID   string `json:"client_id"`
		ClientType string `json:"client_type"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	if err := httpkit.Required("client_type", b.ClientType); err != nil {
		return nil, err
	}
	return apppush.BindRequest{ClientID: strings.TrimSpace(b.ClientID), ClientType: b.ClientType}, nil
}

func clientIDParam(r *http.Request) (string, error) {
	id, err := httpkit.PathText(r, "client_id")
	if err != nil {
		return "", err
	}
	return id, push.CheckClientID(id)
}

func decodeSwitch(_ context.Context, r *http.Request) (any, error) {
	id, err := clientIDParam(r)
	return apppush.SwitchRequest{ClientID: id}, err
}

func decodeSetSwitch(_ context.Context, r *http.Request) (any, error) {
	id, err := clientIDParam(r)
	if err != nil {
		return nil, err
	}
	var b struct {
		Switch *bool `json:"switch"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	if b.Switch == nil {
		return nil, shared.Invalid("switch", "switch is required (true or false)")
	}
	return apppush.SetSwitchRequest{ClientID: id, On: *b.Switch}, nil
}

// decodeCount reads push_ids in any of the spellings clients use:
// push_ids=1,2,3, repeated push_ids=1&push_ids=2, push_ids[]=1, and a JSON
// array push_ids=[1,2,3]. Leaving it out means nothing was read.
func decodeCount(_ context.Context, r *http.Request) (any, error) {
	q := r.URL.Query()
	values := append(q["push_ids"], q["push_ids[]"]...)
	var ids []int64
	for _, v := range values {
		got, err := parsePushIDs(strings.TrimSpace(v))
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
		if len(ids) > apppush.MaxReadIDs {
			return nil, shared.Invalid("push_ids", "push_ids holds more than %d ids", apppush.MaxReadIDs)
		}
	}
	return apppush.CountRequest{Read: ids}, nil
}

func parsePushIDs(v string) ([]int64, error) {
	if strings.HasPrefix(v, "[") {
		var ids []int64
		if err := json.Unmarshal([]byte(v), &ids); err != nil {
			return nil, shared.Invalid("push_ids", "push_ids must be a JSON array of ids such as [1,2,3]")
		}
		for _, id := range ids {
			if id <= 0 {
				return nil, shared.Invalid("push_ids", "push ids must be positive, got %d", id)
			}
		}
		return ids, nil
	}
	var ids []int64
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			return nil, shared.Invalid("push_ids", "push_ids must list positive integer ids, got %q", part)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// DeviceData is a bound device, the seed's fields.
type DeviceData struct {
	Record
	UserID     int64  `json:"user_id"`
	ClientID   string `json:"client_id"`
	ClientType string `json:"client_type"`
	Switch     bool   `json:"switch"`
}

func (s *Server) device(d push.Device) DeviceData {
	return DeviceData{Record: s.record(d.ID, d.AppID, d.CreatedAt, d.UpdatedAt),
		UserID: d.UserID, ClientID: d.ClientID, ClientType: string(d.ClientType), Switch: d.Switch}
}

// PushLogData is a push as users see it, the seed's fields.
type PushLogData struct {
	Record
	PushTitle  string `json:"push_title"`
	PushBody   string `json:"push_body"`
	PushScope  int    `json:"push_scope"`
	ManagerID  int64  `json:"manager_id"`
	PushStatus int    `json:"push_status"`
}

func (s *Server) pushLogData(p push.Push) PushLogData {
	return PushLogData{Record: s.record(p.ID, p.AppID, p.CreatedAt, p.UpdatedAt),
		PushTitle: p.Title, PushBody: p.Body, PushScope: int(p.Scope), ManagerID: p.ManagerID, PushStatus: int(p.Status)}
}

// CountData is the data of /api/message/count.
type CountData struct {
	PushCount     int64 `json:"push_count"`
	FeedbackCount int64 `json:"feedback_count"`
}

func counts(c apppush.Counts) CountData {
	return CountData{PushCount: c.Pushes, FeedbackCount: c.Feedback}
}

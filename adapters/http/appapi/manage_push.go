package appapi

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	apppush "github.com/campushub/campushub/app/push"
	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/domain/shared"
)

// ManagePush mounts the managers' push routes under /api/manage/push.
type ManagePush struct {
	S  *Server
	EP apppush.Endpoints
}

// Mount implements server.Mounter.
func (m ManagePush) Mount(r chi.Router) {
	s := m.S
	r.Method(http.MethodPost, "/api/manage/push", s.Handler(m.EP.Send, decodeSendPush, httpkit.Data(s.pushStatus)))
	r.Method(http.MethodGet, "/api/manage/push", s.Handler(m.EP.Pushes, httpkit.DecodePage, httpkit.Paged(s.pushStatus)))
	r.Method(http.MethodGet, "/api/manage/push/{id}", s.Handler(m.EP.Status, httpkit.DecodeID("id"), httpkit.Data(s.pushStatus)))
	r.Method(http.MethodGet, "/api/manage/push/{id}/deliveries", s.Handler(m.EP.Deliveries, decodeDeliveries, httpkit.Paged(s.delivery)))
}

func decodeSendPush(_ context.Context, r *http.Request) (any, error) {
	var b struct {
		Title   string  `json:"push_title"`
		Body    string  `json:"push_body"`
		Scope   *int    `json:"push_scope"`
		UserIDs []int64 `json:"user_ids"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	if b.Scope == nil {
		return nil, shared.Invalid("push_scope", "push_scope is required: 0 (everyone) or 1 (listed users)")
	}
	return apppush.SendRequest{Draft: push.Draft{Title: b.Title, Body: b.Body, Scope: push.Scope(*b.Scope), UserIDs: b.UserIDs}}, nil
}

func decodeDeliveries(ctx context.Context, r *http.Request) (any, error) {
	id, p, err := httpkit.PathIDPage(r, "id")
	return apppush.DeliveriesRequest{ID: id, Page: p}, err
}

// PushStatusData is a push as managers see it: the log fields plus its
// audience and delivery summary.
type PushStatusData struct {
	PushLogData
	UserIDs     []int64 `json:"user_ids"`
	Targets     int     `json:"targets"`
	SentCount   int     `json:"sent_count"`
	FailedCount int     `json:"failed_count"`
	Attempts    int     `json:"attempts"`
	LastError   string  `json:"last_error"`
}

func (s *Server) pushStatus(p push.Push) PushStatusData {
	ids := p.Recipients
	if ids == nil {
		ids = []int64{}
	}
	return PushStatusData{PushLogData: s.pushLogData(p), UserIDs: ids, Targets: p.Targets, SentCount: p.SentCount,
		FailedCount: p.FailCount, Attempts: p.Attempts, LastError: p.LastError}
}

// DeliveryData is one device's delivery of a push.
type DeliveryData struct {
	ID         int64  `json:"id"`
	PushID     int64  `json:"push_id"`
	UserID     int64  `json:"user_id"`
	ClientID   string `json:"client_id"`
	ClientType string `json:"client_type"`
	PushStatus int    `json:"push_status"`
	Detail     string `json:"detail"`
	UpdatedAt  string `json:"updated_at"`
}

func (s *Server) delivery(d push.Delivery) DeliveryData {
	return DeliveryData{ID: d.ID, PushID: d.PushID, UserID: d.UserID, ClientID: d.ClientID, ClientType: string(d.ClientType),
		PushStatus: int(d.Status), Detail: d.Detail, UpdatedAt: s.Clock().Format(d.UpdatedAt)}
}

package wxapi

import (
	appwx "github.com/campushub/campushub/app/wxrelay"
	"github.com/campushub/campushub/domain/wxrelay"
)

// deliveryDTO is a delivery on the wire.
type deliveryDTO struct {
	ID            int64  `json:"id"`
	MessageID     string `json:"webhook_id"`
	EventID       int64  `json:"event_id"`
	ProjectID     int64  `json:"project_id"`
	Status        string `json:"status"`
	Attempts      int    `json:"attempts"`
	NextAttemptAt string `json:"next_attempt_at"`
	LastError     string `json:"last_error"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
	CompletedAt   string `json:"completed_at"`
}

func (s *Server) deliveryDTO(d wxrelay.Delivery) deliveryDTO {
	out := deliveryDTO{ID: d.ID, MessageID: appwx.MessageID(d.ID), EventID: d.EventID, ProjectID: d.ProjectID,
		Status: string(d.Status), Attempts: d.Attempts, LastError: d.LastError,
		CreatedAt: s.Clock().Format(d.CreatedAt), UpdatedAt: s.Clock().Format(d.UpdatedAt)}
	if d.Status == wxrelay.DeliveryPending {
		out.NextAttemptAt = s.Clock().Format(d.NextAttemptAt)
	}
	if !d.CompletedAt.IsZero() {
		out.CompletedAt = s.Clock().Format(d.CompletedAt)
	}
	return out
}

// attemptDTO is an attempt on the wire.
type attemptDTO struct {
	ID          int64  `json:"id"`
	AttemptedAt string `json:"attempted_at"`
	StatusCode  int    `json:"status_code"`
	LatencyMS   int64  `json:"latency_ms"`
	Error       string `json:"error"`
	Response    string `json:"response"`
	// InFlight: recorded before the request left; no outcome yet.
	InFlight bool `json:"in_flight"`
}

func (s *Server) attempts(as []wxrelay.Attempt) map[string]any {
	list := make([]attemptDTO, len(as))
	for i, a := range as {
		list[i] = attemptDTO{ID: a.ID, AttemptedAt: s.Clock().Format(a.At), StatusCode: a.StatusCode,
			LatencyMS: a.Latency.Milliseconds(), Error: a.Error, Response: a.Response, InFlight: a.InFlight}
	}
	return map[string]any{"total": len(list), "list": list}
}

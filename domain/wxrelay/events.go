package wxrelay

import (
	"strconv"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Module is the relay's name in event types and topics.
const Module = "wxrelay"

func projectPayload(p Project) map[string]any {
	return map[string]any{"id": p.ID, "url": p.URL, "project": p.Name, "statu": int(p.Status)}
}

func projectID(id int64) string { return "project-" + strconv.FormatInt(id, 10) }

// ProjectAdded is published when a manager adds a project.
func ProjectAdded(p Project, by int64) shared.Event {
	pl := projectPayload(p)
	pl["by"] = by
	return shared.NewEvent(Module, "project_added", projectID(p.ID), p.CreatedAt, pl)
}

// ProjectUpdated is published when a manager changes a project or rotates
// its secret.
func ProjectUpdated(p Project, by int64, secretRotated bool) shared.Event {
	pl := projectPayload(p)
	pl["by"], pl["secret_rotated"] = by, secretRotated
	return shared.NewEvent(Module, "project_updated", projectID(p.ID), p.UpdatedAt, pl)
}

// ProjectDeleted is published when a manager deletes a project.
func ProjectDeleted(p Project, by int64, at time.Time) shared.Event {
	pl := projectPayload(p)
	pl["by"] = by
	return shared.NewEvent(Module, "project_deleted", projectID(p.ID), at, pl)
}

// ProjectDisabled is published when a project that failed continuously
// for the breaker's DisableAfter is disabled; held counts the deliveries
// now held for it.
func ProjectDisabled(p Project, held int, at time.Time) shared.Event {
	pl := projectPayload(p)
	pl["consecutive_failures"], pl["failing_since"], pl["held"] = p.Failures, p.FailingSince.UTC(), held
	return shared.NewEvent(Module, "project_disabled", projectID(p.ID), at, pl)
}

// ProjectPaused is published when a project's breaker opens.
func ProjectPaused(p Project) shared.Event {
	pl := projectPayload(p)
	pl["consecutive_failures"], pl["next_probe_at"] = p.Failures, p.NextProbeAt.UTC()
	return shared.NewEvent(Module, "project_paused", projectID(p.ID), p.PausedAt, pl)
}

// ProjectRecovered is published when a paused project's breaker closes.
func ProjectRecovered(p Project, pausedAt, at time.Time) shared.Event {
	pl := projectPayload(p)
	pl["paused_at"] = pausedAt.UTC()
	return shared.NewEvent(Module, "project_recovered", projectID(p.ID), at, pl)
}

// EventReceived is published when a push is accepted; deliveries counts the
// projects it will be delivered to.
func EventReceived(e Event, deliveries int) shared.Event {
	return shared.NewEvent(Module, "event_received", "event-"+strconv.FormatInt(e.ID, 10), e.ReceivedAt, map[string]any{
		"id": e.ID, "app_key": e.AppKey, "school_code": e.SchoolCode, "event": e.Name, "deliveries": deliveries,
	})
}

func deliveryPayload(d Delivery) map[string]any {
	return map[string]any{"id": d.ID, "event_id": d.EventID, "project_id": d.ProjectID, "attempts": d.Attempts, "status": string(d.Status)}
}

// SucceededEvent is published when a project acknowledged an event.
func SucceededEvent(d Delivery) shared.Event {
	return shared.NewEvent(Module, "delivery_succeeded", projectID(d.ProjectID), d.UpdatedAt, deliveryPayload(d))
}

// FailureReason says why a delivery failed for good.
type FailureReason string

// Why deliveries fail for good.
const (
	// FailedAttempts: out of attempts, or the next retry would come past
	// the maximum age.
	FailedAttempts FailureReason = "attempts_exhausted"
	// FailedProjectDeleted: the project was deleted.
	FailedProjectDeleted FailureReason = "project_deleted"
	// FailedUndeliverable: the event is gone or its body cannot be rendered.
	FailedUndeliverable FailureReason = "undeliverable"
	// FailedHoldExpired: held while its project was disabled for longer
	// than the hold retention.
	FailedHoldExpired FailureReason = "hold_expired"
)

// FailedEvent is published when a delivery fails for good.
func FailedEvent(d Delivery, reason FailureReason) shared.Event {
	pl := deliveryPayload(d)
	pl["last_error"], pl["reason"] = d.LastError, string(reason)
	return shared.NewEvent(Module, "delivery_failed", projectID(d.ProjectID), d.UpdatedAt, pl)
}

// FailedEvents are the delivery_failed events of deliveries abandoned
// together for one reason.
func FailedEvents(ds []Delivery, reason FailureReason) []shared.Event {
	out := make([]shared.Event, len(ds))
	for i, d := range ds {
		out[i] = FailedEvent(d, reason)
	}
	return out
}

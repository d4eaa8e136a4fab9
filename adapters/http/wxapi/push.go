package wxapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	kithttp "github.com/go-kit/kit/transport/http"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/app/kit"
	appwx "github.com/campushub/campushub/app/wxrelay"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// Push mounts the manager routes under /wx/push/.
type Push struct {
	S  *Server
	EP appwx.Endpoints
}

// Mount implements server.Mounter.
func (m Push) Mount(r chi.Router) {
	s := m.S
	r.Method(http.MethodGet, "/wx/push/queryPushProject", s.Handler(m.EP.ListProjects, httpkit.NoInput, httpkit.Data(s.projects)))
	r.Method(http.MethodPost, "/wx/push/addPushProject", s.Handler(m.EP.AddProject, decodeAdd, httpkit.Data(s.project)))
	r.Method(http.MethodPut, "/wx/push/updatePushProject", s.Handler(m.EP.UpdateProject, decodeUpdate, httpkit.Data(s.project)))
	r.Method(http.MethodDelete, "/wx/push/deletePushProject", s.Handler(m.EP.DeleteProject, decodeID("id"), nil))
	r.Method(http.MethodPost, "/wx/push/rotatePushProjectSecret", s.Handler(m.EP.RotateSecret, decodeID("id"), httpkit.Data(s.project)))
	r.Method(http.MethodGet, "/wx/push/queryDeliveries", s.Handler(m.EP.ListDeliveries, decodeListDeliveries, httpkit.Paged(s.deliveryDTO)))
	r.Method(http.MethodGet, "/wx/push/queryDeliveryAttempts", s.Handler(m.EP.ListAttempts, decodeID("id"), httpkit.Data(s.attempts)))
	r.Method(http.MethodPost, "/wx/push/replayDelivery", s.Handler(m.EP.Replay, decodeID("id"), httpkit.Data(s.deliveryDTO)))
	r.Method(http.MethodPost, "/wx/push/replayFailedDeliveries", s.Handler(m.EP.ReplayFailed, s.decodeReplayFailed, httpkit.Data(replayed)))
}

// decodeID decodes a request naming a project or delivery by the required
// positive id in the query or form parameter name: kit.IDRequest.
func decodeID(name string) kithttp.DecodeRequestFunc {
	return func(_ context.Context, r *http.Request) (any, error) {
		form, err := formValues(r)
		if err != nil {
			return nil, err
		}
		id, err := parseID(form, name, true)
		return kit.IDRequest{ID: id}, err
	}
}

// decodeAdd reads url and project from a form body or the query string, as
// the seed's curl example sends them; a JSON body is accepted too.
func decodeAdd(_ context.Context, r *http.Request) (any, error) {
	if isJSON(r) {
		body, err := readBody(r)
		if err != nil {
			return nil, err
		}
		var b struct {
			URL     string `json:"url"`
			Project string `json:"project"`
			Ordered *flag  `json:"ordered"`
		}
		if err := decodeJSON(r, body, &b); err != nil {
			return nil, err
		}
		return appwx.AddProjectRequest{URL: b.URL, Name: b.Project, Ordered: b.Ordered != nil && bool(*b.Ordered)}, nil
	}
	form, err := formValues(r)
	if err != nil {
		return nil, err
	}
	first := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	ordered := false
	if v := strings.TrimSpace(first("ordered")); v != "" {
		var f flag
		if err := f.UnmarshalJSON([]byte(v)); err != nil {
			return nil, err
		}
		ordered = bool(f)
	}
	return appwx.AddProjectRequest{URL: first("url"), Name: first("project"), Ordered: ordered}, nil
}

// flag is a yes/no field: true/false or 1/0.
type flag bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *flag) UnmarshalJSON(b []byte) error {
	switch strings.Trim(string(b), `"`) {
	case "true", "1":
		*f = true
	case "false", "0":
		*f = false
	default:
		return ErrFormat.WithMessage("ordered must be true, false, 1 or 0, got %s", b)
	}
	return nil
}

// decodeUpdate reads {id, url, project, statu}; fields left out stay as
// they are.
func decodeUpdate(_ context.Context, r *http.Request) (any, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var b struct {
		ID      *int64  `json:"id"`
		URL     *string `json:"url"`
		Project *string `json:"project"`
		Statu   *int64  `json:"statu"`
		Ordered *flag   `json:"ordered"`
	}
	if err := decodeJSON(r, body, &b); err != nil {
		return nil, err
	}
	if b.ID == nil {
		return nil, httpkit.Required("id", "")
	}
	if *b.ID <= 0 {
		return nil, shared.Invalid("id", "id must be a positive whole number, got %d", *b.ID)
	}
	in := appwx.UpdateInput{ID: *b.ID, URL: b.URL, Name: b.Project, Status: b.Statu}
	if b.Ordered != nil {
		o := bool(*b.Ordered)
		in.Ordered = &o
	}
	return in, nil
}

func decodeListDeliveries(_ context.Context, r *http.Request) (any, error) {
	form, err := formValues(r)
	if err != nil {
		return nil, err
	}
	page, err := httpkit.ParsePage(r)
	if err != nil {
		return nil, asFormat(err)
	}
	eventID, err := parseID(form, "event_id", false)
	if err != nil {
		return nil, err
	}
	projectID, err := parseID(form, "project_id", false)
	if err != nil {
		return nil, err
	}
	if _, err := httpkit.QueryValue(r.URL.Query(), "status"); err != nil {
		return nil, err
	}
	status := wxrelay.DeliveryStatus(strings.TrimSpace(r.URL.Query().Get("status")))
	return appwx.ListDeliveriesRequest{Filter: ports.DeliveryFilter{EventID: eventID, ProjectID: projectID, Status: status}, Page: page}, nil
}

// projectDTO is a project on the wire; the secret appears only when the
// use case may show it.
type projectDTO struct {
	ID        int64  `json:"id"`
	URL       string `json:"url"`
	Project   string `json:"project"`
	Statu     int    `json:"statu"`
	Failures  int    `json:"consecutive_failures"`
	Ordered   bool   `json:"ordered"`
	Secret    string `json:"secret,omitempty"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	// The delivery state: ok, paused (breaker open) or disabled.
	State         string `json:"state"`
	FailingSince  string `json:"failing_since"`
	PausedSince   string `json:"paused_since"`
	NextProbeAt   string `json:"next_probe_at"`
	DisabledSince string `json:"disabled_since"`
}

// projectStatusDTO adds what a listed project has not received yet.
type projectStatusDTO struct {
	projectDTO
	QueueDepth       int    `json:"queue_depth"`
	Held             int    `json:"held"`
	OldestPendingAt  string `json:"oldest_pending_at"`
	OldestPendingAge int64  `json:"oldest_pending_age_seconds"`
}

func (s *Server) projectDTO(p wxrelay.Project, secret bool) projectDTO {
	d := projectDTO{ID: p.ID, URL: p.URL, Project: p.Name, Statu: int(p.Status), Failures: p.Failures, Ordered: p.Ordered,
		CreatedAt: s.Clock().Format(p.CreatedAt), UpdatedAt: s.Clock().Format(p.UpdatedAt),
		State: string(p.State()), FailingSince: s.Clock().Format(p.FailingSince), DisabledSince: s.Clock().Format(p.DisabledAt)}
	if p.Paused() {
		d.PausedSince, d.NextProbeAt = s.Clock().Format(p.PausedAt), s.Clock().Format(p.NextProbeAt)
	}
	if secret {
		d.Secret = p.Secret
	}
	return d
}

func (s *Server) project(p appwx.ShownProject) projectDTO {
	return s.projectDTO(p.Project, p.ShowSecret)
}

func (s *Server) projects(ps []appwx.ProjectStatus) map[string]any {
	now := time.Now()
	list := make([]projectStatusDTO, len(ps))
	for i, p := range ps {
		list[i] = projectStatusDTO{projectDTO: s.projectDTO(p.Project, false), QueueDepth: p.Pending, Held: p.Held,
			OldestPendingAt: s.Clock().Format(p.Oldest)}
		if !p.Oldest.IsZero() {
			list[i].OldestPendingAge = int64(max(now.Sub(p.Oldest), 0) / time.Second)
		}
	}
	return map[string]any{"total": len(list), "list": list}
}

func replayed(r appwx.Replayed) map[string]int {
	return map[string]int{"replayed": r.Replayed, "created": r.Created}
}

// decodeReplayFailed reads project_id and the optional since, written as
// the API writes times ("2006-01-02 15:04:05" in its time zone) or as
// RFC 3339.
func (s *Server) decodeReplayFailed(_ context.Context, r *http.Request) (any, error) {
	form, err := formValues(r)
	if err != nil {
		return nil, err
	}
	id, err := parseID(form, "project_id", true)
	if err != nil {
		return nil, err
	}
	req := appwx.ReplayFailedRequest{ProjectID: id}
	if vs := form["since"]; len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
		v := strings.TrimSpace(vs[0])
		t, err := s.Clock().Parse(v)
		if err != nil {
			if t, err = time.Parse(time.RFC3339Nano, v); err != nil {
				return nil, ErrFormat.WithMessage("since must be a time like %q or RFC 3339, got %q", httpkit.TimeLayout, v)
			}
		}
		req.Since = t.UTC()
	}
	return req, nil
}

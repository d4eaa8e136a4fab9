package wxrelay

import (
	"context"
	"time"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// Endpoints are the relay's use cases as go-kit endpoints. Everything but
// Receive needs a manager's token; business errors travel inside the
// responses (endpoint.Failer).
type Endpoints struct {
	Receive        endpoint.Endpoint
	ListProjects   endpoint.Endpoint
	AddProject     endpoint.Endpoint
	UpdateProject  endpoint.Endpoint
	DeleteProject  endpoint.Endpoint
	RotateSecret   endpoint.Endpoint
	ListDeliveries endpoint.Endpoint
	ListAttempts   endpoint.Endpoint
	Replay         endpoint.Endpoint
	ReplayFailed   endpoint.Endpoint
}

// MakeEndpoints wires every endpoint to s, authenticating managers with a.
// ListProjects takes a kit.Empty; DeleteProject, RotateSecret,
// ListAttempts and Replay a kit.IDRequest.
func MakeEndpoints(s *Service, a auth.Authenticator) Endpoints {
	manager := auth.RequireManager(a)
	return Endpoints{
		Receive:      kit.Open(kit.Command(s.Receive)),
		ListProjects: manager(kit.Nullary(s.ProjectStatuses)),
		AddProject: manager(kit.Unary(func(ctx context.Context, r AddProjectRequest) (ShownProject, error) {
			p, err := s.AddProjectWith(ctx, r)
			return ShownProject{Project: p, ShowSecret: true}, err
		})),
		UpdateProject: manager(kit.Unary(func(ctx context.Context, r UpdateInput) (ShownProject, error) {
			p, err := s.UpdateProject(ctx, r)
			return ShownProject{Project: p}, err
		})),
		DeleteProject: manager(kit.CommandByID(s.DeleteProject)),
		RotateSecret: manager(kit.ByID(func(ctx context.Context, id int64) (ShownProject, error) {
			p, err := s.RotateSecret(ctx, id)
			return ShownProject{Project: p, ShowSecret: true}, err
		})),
		ListDeliveries: manager(kit.Unary(func(ctx context.Context, r ListDeliveriesRequest) (kit.List[wxrelay.Delivery], error) {
			f := r.Filter
			f.Offset, f.Limit = r.Page.Offset(), r.Page.Limit()
			ds, total, err := s.ListDeliveries(ctx, f)
			return kit.List[wxrelay.Delivery]{Page: r.Page, Total: total, Items: ds}, err
		})),
		ListAttempts: manager(kit.ByID(s.Attempts)),
		Replay:       manager(kit.ByID(s.Replay)),
		ReplayFailed: manager(kit.Unary(func(ctx context.Context, r ReplayFailedRequest) (Replayed, error) {
			if r.Since.IsZero() {
				n, err := s.ReplayFailed(ctx, r.ProjectID)
				return Replayed{Replayed: n}, err
			}
			n, c, err := s.ReplaySince(ctx, r.ProjectID, r.Since)
			return Replayed{Replayed: n, Created: c}, err
		})),
	}
}

// AddProjectRequest registers a project.
type AddProjectRequest = NewProject

// ListDeliveriesRequest asks for a page of the deliveries that match
// Filter; the page sets the filter's Offset and Limit.
type ListDeliveriesRequest struct {
	Filter ports.DeliveryFilter
	Page   kit.Page
}

// ShownProject is a project as the project endpoints answer it; ShowSecret
// is set only where the secret may be shown (creation, rotation).
type ShownProject struct {
	Project    wxrelay.Project
	ShowSecret bool
}

// ReplayFailedRequest restarts a project's failed deliveries or, with
// Since, makes it receive every event received since then.
type ReplayFailedRequest struct {
	ProjectID int64
	Since     time.Time // zero: the failed deliveries only
}

// Replayed says how many deliveries a replay restarted and how many it
// created.
type Replayed struct{ Replayed, Created int }

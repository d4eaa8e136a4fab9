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
func MakeEndpoints(s *Service, a auth.Authenticator) Endpoints {
	manager := auth.RequireManager(a)
	return Endpoints{
		Receive:        kit.Open(MakeReceiveEndpoint(s)),
		ListProjects:   manager(MakeListProjectsEndpoint(s)),
		AddProject:     manager(MakeAddProjectEndpoint(s)),
		UpdateProject:  manager(MakeUpdateProjectEndpoint(s)),
		DeleteProject:  manager(MakeDeleteProjectEndpoint(s)),
		RotateSecret:   manager(MakeRotateSecretEndpoint(s)),
		ListDeliveries: manager(MakeListDeliveriesEndpoint(s)),
		ListAttempts:   manager(MakeListAttemptsEndpoint(s)),
		Replay:         manager(MakeReplayEndpoint(s)),
		ReplayFailed:   manager(MakeReplayFailedEndpoint(s)),
	}
}

// AddProjectRequest registers a project.
type AddProjectRequest = NewProject

// IDRequest names a project or delivery.
type IDRequest struct{ ID int64 }

// ListProjectsRequest lists every project.
type ListProjectsRequest struct{}

// ListDeliveriesRequest asks for a page of the deliveries that match
// Filter; the page sets the filter's Offset and Limit.
type ListDeliveriesRequest struct {
	Filter ports.DeliveryFilter
	Page   kit.Page
}

// EmptyResponse answers use cases with no data.
type EmptyResponse struct{ Err error }

// Failed implements endpoint.Failer.
func (r EmptyResponse) Failed() error { return r.Err }

// ProjectResponse carries a project; ShowSecret is set only where the
// secret may be shown (creation, rotation).
type ProjectResponse struct {
	Project    wxrelay.Project
	ShowSecret bool
	Err        error
}

// Failed implements endpoint.Failer.
func (r ProjectResponse) Failed() error { return r.Err }

// ProjectsResponse carries the project list.
type ProjectsResponse struct {
	Projects []ProjectStatus
	Err      error
}

// Failed implements endpoint.Failer.
func (r ProjectsResponse) Failed() error { return r.Err }

// DeliveriesResponse carries a page of deliveries.
type DeliveriesResponse struct {
	Page       kit.Page
	Deliveries []wxrelay.Delivery
	Total      int64
	Err        error
}

// Failed implements endpoint.Failer.
func (r DeliveriesResponse) Failed() error { return r.Err }

// DeliveryResponse carries one delivery.
type DeliveryResponse struct {
	Delivery wxrelay.Delivery
	Err      error
}

// Failed implements endpoint.Failer.
func (r DeliveryResponse) Failed() error { return r.Err }

// AttemptsResponse carries a delivery's attempts.
type AttemptsResponse struct {
	Attempts []wxrelay.Attempt
	Err      error
}

// Failed implements endpoint.Failer.
func (r AttemptsResponse) Failed() error { return r.Err }

// MakeReceiveEndpoint wraps Service.Receive.
func MakeReceiveEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		return EmptyResponse{Err: s.Receive(ctx, request.(ReceiveInput))}, nil
	}
}

// MakeListProjectsEndpoint wraps Service.ListProjects.
func MakeListProjectsEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, _ any) (any, error) {
		ps, err := s.ProjectStatuses(ctx)
		return ProjectsResponse{Projects: ps, Err: err}, nil
	}
}

// MakeAddProjectEndpoint wraps Service.AddProject.
func MakeAddProjectEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(AddProjectRequest)
		p, err := s.AddProjectWith(ctx, req)
		return ProjectResponse{Project: p, ShowSecret: true, Err: err}, nil
	}
}

// MakeUpdateProjectEndpoint wraps Service.UpdateProject.
func MakeUpdateProjectEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		p, err := s.UpdateProject(ctx, request.(UpdateInput))
		return ProjectResponse{Project: p, Err: err}, nil
	}
}

// MakeDeleteProjectEndpoint wraps Service.DeleteProject.
func MakeDeleteProjectEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		return EmptyResponse{Err: s.DeleteProject(ctx, request.(IDRequest).ID)}, nil
	}
}

// MakeRotateSecretEndpoint wraps Service.RotateSecret.
func MakeRotateSecretEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		p, err := s.RotateSecret(ctx, request.(IDRequest).ID)
		return ProjectResponse{Project: p, ShowSecret: true, Err: err}, nil
	}
}

// MakeListDeliveriesEndpoint wraps Service.ListDeliveries.
func MakeListDeliveriesEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(ListDeliveriesRequest)
		f := req.Filter
		f.Offset, f.Limit = req.Page.Offset(), req.Page.Limit()
		ds, total, err := s.ListDeliveries(ctx, f)
		return DeliveriesResponse{Page: req.Page, Deliveries: ds, Total: total, Err: err}, nil
	}
}

// MakeListAttemptsEndpoint wraps Service.Attempts.
func MakeListAttemptsEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		as, err := s.Attempts(ctx, request.(IDRequest).ID)
		return AttemptsResponse{Attempts: as, Err: err}, nil
	}
}

// MakeReplayEndpoint wraps Service.Replay.
func MakeReplayEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		d, err := s.Replay(ctx, request.(IDRequest).ID)
		return DeliveryResponse{Delivery: d, Err: err}, nil
	}
}

// ReplayFailedRequest restarts a project's failed deliveries or, with
// Since, makes it receive every event received since then.
type ReplayFailedRequest struct {
	ProjectID int64
	Since     time.Time // zero: the failed deliveries only
}

// ReplayedResponse says how many deliveries a replay restarted and how
// many it created.
type ReplayedResponse struct {
	Replayed, Created int
	Err               error
}

// Failed implements endpoint.Failer.
func (r ReplayedResponse) Failed() error { return r.Err }

// MakeReplayFailedEndpoint wraps Service.ReplayFailed and
// Service.ReplaySince.
func MakeReplayFailedEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(ReplayFailedRequest)
		if req.Since.IsZero() {
			n, err := s.ReplayFailed(ctx, req.ProjectID)
			return ReplayedResponse{Replayed: n, Err: err}, nil
		}
		n, c, err := s.ReplaySince(ctx, req.ProjectID, req.Since)
		return ReplayedResponse{Replayed: n, Created: c, Err: err}, nil
	}
}

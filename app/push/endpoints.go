package push

import (
	"context"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/push"
)

// Endpoints are the push use cases as go-kit endpoints. Business errors
// travel inside the responses (endpoint.Failer).
type Endpoints struct {
	Bind       endpoint.Endpoint
	Switch     endpoint.Endpoint
	SetSwitch  endpoint.Endpoint
	Log        endpoint.Endpoint
	LogEntry   endpoint.Endpoint
	ClearLog   endpoint.Endpoint
	Count      endpoint.Endpoint
	Send       endpoint.Endpoint
	Pushes     endpoint.Endpoint
	Status     endpoint.Endpoint
	Deliveries endpoint.Endpoint
}

// MakeEndpoints wires every endpoint to s behind a, the authenticator: the
// users' endpoints need a valid token, the managers' the manager role.
func MakeEndpoints(s *Service, a auth.Authenticator) Endpoints {
	user, manager := auth.RequireUser(a), auth.RequireManager(a)
	return Endpoints{
		Bind:       user(MakeBindEndpoint(s)),
		Switch:     user(MakeSwitchEndpoint(s)),
		SetSwitch:  user(MakeSetSwitchEndpoint(s)),
		Log:        user(MakeLogEndpoint(s)),
		LogEntry:   user(MakeLogEntryEndpoint(s)),
		ClearLog:   user(MakeClearLogEndpoint(s)),
		Count:      user(MakeCountEndpoint(s)),
		Send:       manager(MakeSendEndpoint(s)),
		Pushes:     manager(MakePushesEndpoint(s)),
		Status:     manager(MakeStatusEndpoint(s)),
		Deliveries: manager(MakeDeliveriesEndpoint(s)),
	}
}

// BindRequest binds a device to the caller.
type BindRequest struct{ ClientID, ClientType string }

// SwitchRequest names one of the caller's devices.
type SwitchRequest struct{ ClientID string }

// SetSwitchRequest turns a device's pushes on or off.
type SetSwitchRequest struct {
	ClientID string
	On       bool
}

// PageRequest asks for a page of a list.
type PageRequest struct{ Page kit.Page }

// IDRequest names a push.
type IDRequest struct{ ID int64 }

// ClearLogRequest clears the caller's push list.
type ClearLogRequest struct{}

// CountRequest carries the push ids the client has read.
type CountRequest struct{ Read []int64 }

// SendRequest is a manager's push.
type SendRequest struct{ Draft push.Draft }

// DeliveriesRequest asks for a page of one push's deliveries.
type DeliveriesRequest struct {
	ID   int64
	Page kit.Page
}

// EmptyResponse answers use cases with no data.
type EmptyResponse struct{ Err error }

// Failed implements endpoint.Failer.
func (r EmptyResponse) Failed() error { return r.Err }

// DeviceResponse carries a device.
type DeviceResponse struct {
	Device push.Device
	Err    error
}

// Failed implements endpoint.Failer.
func (r DeviceResponse) Failed() error { return r.Err }

// PushResponse carries one push.
type PushResponse struct {
	Push push.Push
	Err  error
}

// Failed implements endpoint.Failer.
func (r PushResponse) Failed() error { return r.Err }

// PushesResponse carries a page of pushes.
type PushesResponse struct {
	Page   kit.Page
	Total  int64
	Pushes []push.Push
	Err    error
}

// Failed implements endpoint.Failer.
func (r PushesResponse) Failed() error { return r.Err }

// DeliveriesResponse carries a page of deliveries.
type DeliveriesResponse struct {
	Page       kit.Page
	Total      int64
	Deliveries []push.Delivery
	Err        error
}

// Failed implements endpoint.Failer.
func (r DeliveriesResponse) Failed() error { return r.Err }

// CountResponse carries the unread numbers.
type CountResponse struct {
	Counts Counts
	Err    error
}

// Failed implements endpoint.Failer.
func (r CountResponse) Failed() error { return r.Err }

// MakeBindEndpoint wraps Service.Bind.
func MakeBindEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(BindRequest)
		d, err := s.Bind(ctx, req.ClientID, req.ClientType)
		return DeviceResponse{Device: d, Err: err}, nil
	}
}

// MakeSwitchEndpoint wraps Service.Switch.
func MakeSwitchEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		d, err := s.Switch(ctx, request.(SwitchRequest).ClientID)
		return DeviceResponse{Device: d, Err: err}, nil
	}
}

// MakeSetSwitchEndpoint wraps Service.SetSwitch.
func MakeSetSwitchEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(SetSwitchRequest)
		return EmptyResponse{Err: s.SetSwitch(ctx, req.ClientID, req.On)}, nil
	}
}

// MakeLogEndpoint wraps Service.Log.
func MakeLogEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		p := request.(PageRequest).Page
		items, total, err := s.Log(ctx, p)
		return PushesResponse{Page: p, Total: total, Pushes: items, Err: err}, nil
	}
}

// MakeLogEntryEndpoint wraps Service.LogEntry.
func MakeLogEntryEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		p, err := s.LogEntry(ctx, request.(IDRequest).ID)
		return PushResponse{Push: p, Err: err}, nil
	}
}

// MakeClearLogEndpoint wraps Service.ClearLog.
func MakeClearLogEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, _ any) (any, error) {
		return EmptyResponse{Err: s.ClearLog(ctx)}, nil
	}
}

// MakeCountEndpoint wraps Service.Count.
func MakeCountEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		c, err := s.Count(ctx, request.(CountRequest).Read)
		return CountResponse{Counts: c, Err: err}, nil
	}
}

// MakeSendEndpoint wraps Service.Send.
func MakeSendEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		p, err := s.Send(ctx, request.(SendRequest).Draft)
		return PushResponse{Push: p, Err: err}, nil
	}
}

// MakePushesEndpoint wraps Service.Pushes.
func MakePushesEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		p := request.(PageRequest).Page
		items, total, err := s.Pushes(ctx, p)
		return PushesResponse{Page: p, Total: total, Pushes: items, Err: err}, nil
	}
}

// MakeStatusEndpoint wraps Service.Status.
func MakeStatusEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		p, err := s.Status(ctx, request.(IDRequest).ID)
		return PushResponse{Push: p, Err: err}, nil
	}
}

// MakeDeliveriesEndpoint wraps Service.PushDeliveries.
func MakeDeliveriesEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(DeliveriesRequest)
		items, total, err := s.PushDeliveries(ctx, req.ID, req.Page)
		return DeliveriesResponse{Page: req.Page, Total: total, Deliveries: items, Err: err}, nil
	}
}

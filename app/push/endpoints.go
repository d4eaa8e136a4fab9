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
// users' endpoints need a valid token, the managers' the manager role. Log
// and Pushes take a kit.Page, LogEntry and Status a kit.IDRequest, ClearLog
// a kit.Empty.
func MakeEndpoints(s *Service, a auth.Authenticator) Endpoints {
	user, manager := auth.RequireUser(a), auth.RequireManager(a)
	return Endpoints{
		Bind: user(kit.Unary(func(ctx context.Context, r BindRequest) (push.Device, error) {
			return s.Bind(ctx, r.ClientID, r.ClientType)
		})),
		Switch: user(kit.Unary(func(ctx context.Context, r SwitchRequest) (push.Device, error) {
			return s.Switch(ctx, r.ClientID)
		})),
		SetSwitch: user(kit.Command(func(ctx context.Context, r SetSwitchRequest) error {
			return s.SetSwitch(ctx, r.ClientID, r.On)
		})),
		Log:      user(kit.Paged(s.Log)),
		LogEntry: user(kit.ByID(s.LogEntry)),
		ClearLog: user(kit.Command(func(ctx context.Context, _ kit.Empty) error { return s.ClearLog(ctx) })),
		Count: user(kit.Unary(func(ctx context.Context, r CountRequest) (Counts, error) {
			return s.Count(ctx, r.Read)
		})),
		Send: manager(kit.Unary(func(ctx context.Context, r SendRequest) (push.Push, error) {
			return s.Send(ctx, r.Draft)
		})),
		Pushes: manager(kit.Paged(s.Pushes)),
		Status: manager(kit.ByID(s.Status)),
		Deliveries: manager(kit.Unary(func(ctx context.Context, r DeliveriesRequest) (kit.List[push.Delivery], error) {
			items, total, err := s.PushDeliveries(ctx, r.ID, r.Page)
			return kit.List[push.Delivery]{Page: r.Page, Total: total, Items: items}, err
		})),
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

// CountRequest carries the push ids the client has read.
type CountRequest struct{ Read []int64 }

// SendRequest is a manager's push.
type SendRequest struct{ Draft push.Draft }

// DeliveriesRequest asks for a page of one push's deliveries.
type DeliveriesRequest struct {
	ID   int64
	Page kit.Page
}

package push

import (
	"context"
	"errors"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/domain/shared"
)

// Bind binds a device to the caller. A client id already bound to someone
// else moves to the caller (the phone changed hands); the row stays one.
func (s *Service) Bind(ctx context.Context, clientID, clientType string) (push.Device, error) {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return push.Device{}, err
	}
	if err := push.CheckClientID(clientID); err != nil {
		return push.Device{}, err
	}
	t, err := push.ParseClientType(clientType)
	if err != nil {
		return push.Device{}, err
	}
	d, err := s.bind(ctx, uid, clientID, t)
	if errors.Is(err, shared.ErrAlreadyExists) {
		// Another request created the row between our read and insert;
		// the second try finds it and rebinds.
		d, err = s.bind(ctx, uid, clientID, t)
	}
	return d, err
}

func (s *Service) bind(ctx context.Context, uid int64, clientID string, t push.ClientType) (push.Device, error) {
	var d push.Device
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		now := s.Clock.Now()
		var err error
		d, err = s.Devices.ByClientID(ctx, clientID)
		if errors.Is(err, shared.ErrNotFound) {
			d = push.NewDevice(uid, clientID, t, now)
			if err := s.Devices.Create(ctx, &d); err != nil {
				return err
			}
			return s.Outbox.Append(ctx, d.Bound())
		}
		if err != nil {
			return err
		}
		previous, moved := d.Rebind(uid, t, now)
		if err := s.Devices.Update(ctx, d); err != nil {
			return err
		}
		events := []shared.Event{d.Bound()}
		if moved {
			events = append([]shared.Event{d.Unbound(previous)}, events...)
		}
		return s.Outbox.Append(ctx, events...)
	})
	return d, err
}

// Switch returns one of the caller's devices.
func (s *Service) Switch(ctx context.Context, clientID string) (push.Device, error) {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return push.Device{}, err
	}
	return s.ownDevice(ctx, uid, clientID)
}

// ownDevice loads one of the caller's (uid's) devices.
func (s *Service) ownDevice(ctx context.Context, uid int64, clientID string) (push.Device, error) {
	d, err := s.Devices.ByClientID(ctx, clientID)
	if err != nil {
		return push.Device{}, shared.NotFoundAs(err, push.ErrDeviceNotFound)
	}
	return d, d.OwnedBy(uid)
}

// SetSwitch turns pushes on or off for one of the caller's devices.
func (s *Service) SetSwitch(ctx context.Context, clientID string, on bool) error {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return err
	}
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		d, err := s.ownDevice(ctx, uid, clientID)
		if err != nil {
			return err
		}
		if !d.SetSwitch(on, s.Clock.Now()) {
			return nil
		}
		if err := s.Devices.Update(ctx, d); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, d.SwitchChanged())
	})
}

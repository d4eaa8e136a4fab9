package wxrelay

import (
	"context"
	"errors"
	"fmt"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
)

// ReceiveInput is one push from the 微校 platform.
type ReceiveInput struct {
	AppKey     string
	SchoolCode string
	Event      string
	RawData    string
	// Body is the request body as received; it is the deduplication key.
	Body []byte
}

// Receive checks and stores a push and creates one delivery per project
// (pending for a valid one, held for an invalid one) in one transaction (shared with the pushes arriving at the same
// moment: group commit), and returns once it has committed; delivery
// happens later. A body already
// received within the deduplication window is accepted again without a new
// event, so the platform's retries do not fan out twice.
func (s *Service) Receive(ctx context.Context, in ReceiveInput) error {
	secret, ok := s.cfg.Apps[in.AppKey]
	if !ok {
		return wxrelay.ErrUnknownApp.WithMessage("unknown app_key %q", in.AppKey)
	}
	var data string
	if secret != "" {
		plain, err := s.Cipher.Decrypt(in.AppKey, secret, in.RawData)
		if err != nil {
			return wxrelay.ErrUndecryptable.WithMessage("raw_data does not decrypt with the secret of app %q: %v", in.AppKey, err)
		}
		data = string(plain)
	}
	e := wxrelay.Event{AppKey: in.AppKey, SchoolCode: in.SchoolCode, Name: in.Event, RawData: in.RawData,
		Data: data, BodyHash: wxrelay.HashBody(in.Body), OrderKey: wxrelay.OrderKey(in.SchoolCode, data, in.RawData)}
	stored, err := s.receiver.submit(ctx, e, s.store)
	if err != nil {
		return fmt.Errorf("%w: %w", wxrelay.ErrReceiveStorage, err)
	}
	if stored {
		s.wake()
	}
	return nil
}

// store writes a batch of received events in one transaction: each body
// not seen within the deduplication window becomes an event with one
// delivery per valid project. It reports which were stored.
func (s *Service) store(ctx context.Context, batch []wxrelay.Event) ([]bool, error) {
	stored, err := s.storeOnce(ctx, batch)
	if errors.Is(err, shared.ErrAlreadyExists) {
		// Another replica stored one of these bodies at the same moment:
		// run once more, and the claims will see it as a duplicate.
		stored, err = s.storeOnce(ctx, batch)
	}
	return stored, err
}

func (s *Service) storeOnce(ctx context.Context, batch []wxrelay.Event) ([]bool, error) {
	stored := make([]bool, len(batch))
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		now := s.Clock.Now()
		clear(stored)
		hashes := make([]string, len(batch))
		for i, e := range batch {
			hashes[i] = e.BodyHash
		}
		ok, err := s.Events.ClaimAll(ctx, hashes, now, now.Add(-s.cfg.DedupWindow))
		if err != nil {
			return err
		}
		var fresh []wxrelay.Event
		for i, e := range batch {
			if ok[i] {
				e.ReceivedAt = now
				fresh = append(fresh, e)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		if err := s.Events.CreateAll(ctx, fresh); err != nil {
			return err
		}
		copy(stored, ok)
		ids := make([]int64, len(fresh))
		for i, e := range fresh {
			ids[i] = e.ID
		}
		n, err := s.Deliveries.CreateForProjects(ctx, ids, now)
		if err != nil {
			return err
		}
		events := make([]shared.Event, len(fresh))
		for i, e := range fresh {
			events[i] = wxrelay.EventReceived(e, n/len(fresh))
		}
		return s.Outbox.Append(ctx, events...)
	})
	return stored, err
}

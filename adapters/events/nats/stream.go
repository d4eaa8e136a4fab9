package nats

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// EnsureStream makes sure the stream s describes is there: with s.Create it
// creates the stream, or updates its settings to s; otherwise it only checks
// that the stream exists.
func EnsureStream(ctx context.Context, js jetstream.JetStream, s Stream) error {
	s.setDefaults()
	if !s.Create {
		if _, err := js.Stream(ctx, s.Name); err != nil {
			if errors.Is(err, jetstream.ErrStreamNotFound) {
				return fmt.Errorf("nats: stream %s does not exist and creating it is off (NATS_CREATE_STREAM=false): %w", s.Name, err)
			}
			return fmt.Errorf("nats: stream %s: %w", s.Name, err)
		}
		return nil
	}
	if _, err := js.CreateOrUpdateStream(ctx, s.jetstreamConfig()); err != nil {
		return fmt.Errorf("nats: create or update stream %s: %w", s.Name, err)
	}
	return nil
}

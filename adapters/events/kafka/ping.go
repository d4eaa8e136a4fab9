package kafka

import (
	"context"
	"errors"
	"fmt"

	kafkago "github.com/segmentio/kafka-go"
)

// Ping asks the brokers for cluster metadata on a new connection and
// reports whether one answered with at least one live broker; it backs the
// /readyz probe. It never answers from metadata cached earlier, so a broker
// that went away fails the ping at once.
func Ping(ctx context.Context, brokers []string) error {
	if len(brokers) == 0 {
		return errors.New("kafka: no brokers configured")
	}
	var live []kafkago.Broker
	err := withConn(ctx, brokers, func(c *kafkago.Conn) error {
		var err error
		live, err = c.Brokers()
		return err
	})
	if err != nil {
		return fmt.Errorf("kafka: metadata: %w", err)
	}
	if len(live) == 0 {
		return errors.New("kafka: metadata lists no brokers")
	}
	return nil
}

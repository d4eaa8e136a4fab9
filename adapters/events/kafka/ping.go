package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// Ping asks the brokers for cluster metadata and reports whether one
// answered with at least one live broker; it backs the /readyz probe.
func Ping(ctx context.Context, brokers []string) error {
	if len(brokers) == 0 {
		return errors.New("kafka: no brokers configured")
	}
	client := &kafkago.Client{Addr: kafkago.TCP(brokers...), Timeout: 5 * time.Second}
	res, err := client.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{}})
	if err != nil {
		return fmt.Errorf("kafka: metadata: %w", err)
	}
	if len(res.Brokers) == 0 {
		return errors.New("kafka: metadata lists no brokers")
	}
	return nil
}

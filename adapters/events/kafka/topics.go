package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// EnsureTopics creates those of topics that do not exist yet, with the given
// partition count and replication factor. Existing topics are left as they
// are, whatever their settings.
func EnsureTopics(ctx context.Context, brokers, topics []string, partitions, replication int) error {
	if len(topics) == 0 {
		return nil
	}
	if len(brokers) == 0 {
		return errors.New("kafka: no brokers configured")
	}
	if partitions <= 0 || replication <= 0 {
		return fmt.Errorf("kafka: topics need at least one partition and one replica (got %d, %d)", partitions, replication)
	}
	client := &kafkago.Client{Addr: kafkago.TCP(brokers...), Timeout: 30 * time.Second}
	req := &kafkago.CreateTopicsRequest{}
	for _, t := range topics {
		req.Topics = append(req.Topics, kafkago.TopicConfig{
			Topic:             t,
			NumPartitions:     partitions,
			ReplicationFactor: replication,
		})
	}
	res, err := client.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("kafka: create topics: %w", err)
	}
	var errs []error
	for _, t := range topics {
		if err := res.Errors[t]; err != nil && !errors.Is(err, kafkago.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("kafka: create topic %s: %w", t, err))
		}
	}
	return errors.Join(errs...)
}

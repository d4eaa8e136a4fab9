package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// EnsureTopics creates those of topics that do not exist yet, with the given
// partition count and replication factor, and waits until every partition
// of every topic has a leader, so that the first publish does not meet a
// partition without one. Existing topics are left as they are, whatever
// their settings. It gives up when ctx ends.
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
	// A transport of its own: the shared default one answers from metadata
	// it cached earlier.
	transport := &kafkago.Transport{DialTimeout: 5 * time.Second}
	defer transport.CloseIdleConnections()
	client := &kafkago.Client{Addr: kafkago.TCP(brokers...), Timeout: 30 * time.Second, Transport: transport}
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
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return waitForLeaders(ctx, brokers, topics)
}

// waitForLeaders asks the brokers for the topics' partitions until every
// partition has a live leader, or ctx ends.
func waitForLeaders(ctx context.Context, brokers, topics []string) error {
	wait := 20 * time.Millisecond
	for {
		missing, err := leaderless(ctx, brokers, topics)
		if err == nil && len(missing) == 0 {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("no leader yet for %s", strings.Join(missing, ", "))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("kafka: waiting for partition leaders: %w (%v)", err, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// leaderless returns the topics and partitions that have no live leader
// (or do not exist), from fresh metadata of the first broker that answers.
func leaderless(ctx context.Context, brokers, topics []string) ([]string, error) {
	var partitions []kafkago.Partition
	err := withConn(ctx, brokers, func(c *kafkago.Conn) error {
		var err error
		partitions, err = c.ReadPartitions(topics...)
		return err
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var missing []string
	for _, p := range partitions {
		seen[p.Topic] = true
		if p.Leader.Host == "" || p.Error != nil {
			missing = append(missing, fmt.Sprintf("%s/%d", p.Topic, p.ID))
		}
	}
	for _, t := range topics {
		if !seen[t] {
			missing = append(missing, t)
		}
	}
	return missing, nil
}

// withConn runs f on a new connection to the first of brokers that accepts
// one, and closes it. The connection's deadline is ctx's, or 5s.
func withConn(ctx context.Context, brokers []string, f func(*kafkago.Conn) error) error {
	d := &kafkago.Dialer{Timeout: 5 * time.Second}
	var errs []error
	for _, addr := range brokers {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		deadline, ok := ctx.Deadline()
		if !ok {
			deadline = time.Now().Add(5 * time.Second)
		}
		_ = c.SetDeadline(deadline)
		err = f(c)
		_ = c.Close()
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

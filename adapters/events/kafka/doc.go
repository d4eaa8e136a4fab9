// Package kafka publishes outbox messages to Apache Kafka with
// github.com/segmentio/kafka-go, following the CloudEvents 1.0 Kafka protocol
// binding in binary mode: the event's attributes travel as ce_* headers, the
// value is the event's JSON, and the key is the aggregate id. A murmur2
// partitioner that agrees with the Java client keeps every key on one
// partition, so consumers see one aggregate's events in order.
//
// It also holds the small tools around the publisher: EnsureTopics creates
// missing topics, Ping answers readiness probes, and Tail prints the events
// of a topic for people checking what the service emits.
package kafka

package testenv

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// KafkaImage is the official Apache Kafka image started when no broker is
// configured and a Docker engine answers.
const KafkaImage = "apache/kafka:4.1.1"

var kafkaBroker server[[]string]

// KafkaBrokers returns the bootstrap addresses of a real Apache Kafka broker:
// CAMPUSHUB_TEST_KAFKA_BROKERS (comma-separated) when set, else a container
// shared by the test binary; without either the test is skipped. Tests share
// the broker, so each must use topics and groups of its own.
func KafkaBrokers(t testing.TB) []string {
	t.Helper()
	return kafkaBroker.get(t, findKafka)
}

func findKafka() (brokers []string, skip string, err error) {
	if v := os.Getenv("CAMPUSHUB_TEST_KAFKA_BROKERS"); v != "" {
		for _, b := range strings.Split(v, ",") {
			if b = strings.TrimSpace(b); b != "" {
				brokers = append(brokers, b)
			}
		}
		return brokers, "", nil
	}
	if !DockerAvailable() {
		return nil, "Kafka suites skipped: set CAMPUSHUB_TEST_KAFKA_BROKERS (" + enableHint + ")", nil
	}
	addr, err := startKafkaContainer()
	if err != nil {
		return nil, "", err
	}
	return []string{addr}, "", nil
}

// startKafkaContainer runs KafkaImage as a single KRaft node. The address
// clients must use is only known once Docker has mapped the port, so the
// container waits for it in a file before it starts the broker.
func startKafkaContainer() (string, error) {
	const (
		clientPort = "9093/tcp"
		advertised = "/tmp/campushub-advertised-listeners"
	)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var addr string
	// The container outlives this call on purpose: every test of the binary
	// shares it, and the testcontainers reaper removes it when the binary exits.
	_, err := testcontainers.Run(ctx, KafkaImage,
		testcontainers.WithExposedPorts(clientPort),
		testcontainers.WithEnv(map[string]string{
			"KAFKA_NODE_ID":                                  "1",
			"KAFKA_PROCESS_ROLES":                            "broker,controller",
			"KAFKA_LISTENERS":                                "PLAINTEXT://0.0.0.0:9093,BROKER://0.0.0.0:9092,CONTROLLER://0.0.0.0:9094",
			"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP":           "BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
			"KAFKA_INTER_BROKER_LISTENER_NAME":               "BROKER",
			"KAFKA_CONTROLLER_LISTENER_NAMES":                "CONTROLLER",
			"KAFKA_CONTROLLER_QUORUM_VOTERS":                 "1@localhost:9094",
			"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR":         "1",
			"KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
			"KAFKA_TRANSACTION_STATE_LOG_MIN_ISR":            "1",
			"KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS":         "0",
			"KAFKA_AUTO_CREATE_TOPICS_ENABLE":                "true",
		}),
		testcontainers.WithEntrypoint("sh", "-c",
			"while [ ! -s "+advertised+" ]; do sleep 0.1; done; "+
				"export KAFKA_ADVERTISED_LISTENERS=\"$(cat "+advertised+")\"; exec /etc/kafka/docker/run"),
		testcontainers.WithLifecycleHooks(testcontainers.ContainerLifecycleHooks{
			PostStarts: []testcontainers.ContainerHook{func(ctx context.Context, c testcontainers.Container) error {
				if err := wait.ForListeningPort(clientPort).SkipInternalCheck().WaitUntilReady(ctx, c); err != nil {
					return err
				}
				endpoint, err := c.PortEndpoint(ctx, clientPort, "")
				if err != nil {
					return err
				}
				addr = endpoint
				listeners := "PLAINTEXT://" + endpoint + ",BROKER://localhost:9092"
				if err := c.CopyToContainer(ctx, []byte(listeners), advertised, 0o644); err != nil {
					return err
				}
				return wait.ForLog("Kafka Server started").WithStartupTimeout(2*time.Minute).WaitUntilReady(ctx, c)
			}},
		}),
	)
	if err != nil {
		return "", fmt.Errorf("start %s: %w", KafkaImage, err)
	}
	return addr, nil
}

package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// NATSImage is the official NATS server image started when no server is
// configured and a Docker engine answers; the same version go.mod requires
// for the embedded broker.
const NATSImage = "nats:2.15.2-alpine"

var natsServer server[string]

// NATSURL returns the URL of a real NATS server with JetStream, run as a
// process of its own: CAMPUSHUB_TEST_NATS_URL when set, else a container
// shared by the test binary; without either the test is skipped. Tests
// share the server, so each must use streams and subjects of its own.
func NATSURL(t testing.TB) string {
	t.Helper()
	return natsServer.get(t, findNATS)
}

func findNATS() (url, skip string, err error) {
	if v := strings.TrimSpace(os.Getenv("CAMPUSHUB_TEST_NATS_URL")); v != "" {
		return v, "", nil
	}
	if !DockerAvailable() {
		return "", "NATS server suites skipped: set CAMPUSHUB_TEST_NATS_URL (" + enableHint + ")", nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The container outlives this call on purpose: every test of the binary
	// shares it, and the testcontainers reaper removes it when the binary exits.
	c, err := testcontainers.Run(ctx, NATSImage,
		testcontainers.WithExposedPorts("4222/tcp"),
		testcontainers.WithCmd("--jetstream", "--http_port", "8222"),
		testcontainers.WithWaitStrategy(wait.ForLog("Server is ready").WithStartupTimeout(time.Minute)),
	)
	if err != nil {
		return "", "", fmt.Errorf("start %s: %w", NATSImage, err)
	}
	endpoint, err := c.PortEndpoint(ctx, "4222/tcp", "nats")
	if err != nil {
		return "", "", err
	}
	return endpoint, "", nil
}

// NATSScript is test/services/nats.sh, which builds and runs a nats-server
// process; tests that must stop and start a server run one of their own
// with it.
func NATSScript() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "services", "nats.sh")
}

// Package testenv finds the outside services integration suites need:
// a CAMPUSHUB_TEST_* variable names one already running; otherwise, when a
// Docker engine answers, testcontainers-go starts one; otherwise the suite
// is skipped with one line that says how to enable it.
package testenv

import (
	"context"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"
)

var (
	dockerOnce sync.Once
	dockerOK   bool
)

// DockerAvailable reports whether a Docker engine answers, asking once per
// test binary.
func DockerAvailable() bool {
	dockerOnce.Do(func() {
		defer func() {
			if recover() != nil {
				dockerOK = false
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		provider, err := testcontainers.NewDockerProvider()
		if err != nil {
			return
		}
		defer provider.Close()
		dockerOK = provider.Health(ctx) == nil
	})
	return dockerOK
}

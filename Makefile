# The entry point to every habit: build, run, test, lint, bench, services.
GO ?= go
BIN ?= bin/campushub
# staticcheck at a pinned version; `go run` fetches it through the module proxy.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: load build run test test-short lint bench fuzz services-up services-down clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/campushub

run:
	$(GO) run ./cmd/campushub

test:
	$(GO) test -count=1 -timeout 25m ./...

test-short:
	$(GO) test -short -count=1 ./...

lint:
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) mod tidy -diff

# load runs the service end to end under load (test/load); each figure is
# also a ratio to a bare net/http handler measured in the same run.
# DATABASE_URL, EVENTS_BROKER, KAFKA_* and NATS_* choose the backends.
LOAD_DURATION ?= 10s
LOAD_CONNECTIONS ?= 32
LOAD_SCENARIOS ?= bare,read,read-half,login,receive1,receive4,push
LOAD_PROFILE ?=
load:
	$(GO) run ./test/load -duration $(LOAD_DURATION) -connections $(LOAD_CONNECTIONS) -scenarios $(LOAD_SCENARIOS) $(if $(LOAD_PROFILE),-profile $(LOAD_PROFILE))

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Every fuzz target for FUZZTIME each (FUZZ=pattern narrows the set).
FUZZTIME ?= 30s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash test/fuzz.sh

# The OpenAPI conformance suite, longer than CI's run: schemathesis (pinned,
# installed into a cache-directory venv on first use) over every operation.
conformance:
	CAMPUSHUB_CONFORMANCE=1 CAMPUSHUB_CONFORMANCE_EXAMPLES=$${CAMPUSHUB_CONFORMANCE_EXAMPLES:-30} \
		$(GO) test -count=1 -timeout 90m -v -run TestOpenAPIConformance ./test/conformance/

services-up:
	bash test/services/up.sh

services-down:
	bash test/services/down.sh

clean:
	rm -rf bin

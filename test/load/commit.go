package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	vegeta "github.com/tsenart/vegeta/v12/lib"
	"github.com/twmb/franz-go/pkg/kgo"
)

func init() { scenarios["commit"] = runCommit }

// commitRate is the pace of the commit scenario, in changes per second.
const commitRate = 1000

// commitTopic is where the commit scenario's events go: every accepted
// 微校 push commits one wxrelay.event_received event to the outbox.
const commitTopic = "campushub.wxrelay.v1"

// runCommit measures commit → broker: it posts 微校 pushes at a paced
// 1,000 per second (an open loop, so a slow answer does not slow the pace)
// and reads the broker meanwhile. Each push's commit is taken as the moment
// its answer arrived (the service answers after its transaction
// committed), and each latency runs from there to the moment a consumer in
// this process received the push's event_received event. It needs a broker
// the harness can read: EVENTS_BROKER=kafka, nats, or embedded with a
// NATS_EMBEDDED_PORT other than 0; otherwise its row says so. Run it before
// the receive scenarios, whose push projects would add deliveries to every
// push.
func runCommit(ctx context.Context, h *harness) (row, error) {
	runID := strconv.FormatInt(time.Now().UnixNano(), 36)
	prefix := "c-" + runID + "-"
	rd, what, err := h.eventReader(ctx, prefix)
	if err != nil {
		return row{}, err
	}
	if rd == nil {
		return row{unit: "commits/s", ratioOff: true, note: "skipped: " + what}, nil
	}
	defer rd.close()

	hdr := http.Header{"Content-Type": {"application/json"}}
	var n atomic.Int64
	tr := func(t *vegeta.Target) error {
		i := strconv.FormatInt(n.Add(1), 10)
		t.Method, t.URL, t.Header = "POST", h.base+"/wx/wxc/receive?seq="+i, hdr
		t.Body = []byte(`{"app_key":"` + wxAppKey + `","school_code":"45229","event":"` + prefix + i + `","raw_data":"commit-` + runID + "-" + i + `"}`)
		return nil
	}
	a := vegeta.NewAttacker(vegeta.Workers(64), vegeta.MaxWorkers(1024), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	var m vegeta.Metrics
	errs := map[string]int{}
	answered := map[int64]time.Time{} // seq → when its answer arrived
	for res := range a.Attack(tr, vegeta.Rate{Freq: commitRate, Per: time.Second}, h.o.duration, "commit") {
		m.Add(res)
		if !codeZero(res) {
			key := strconv.Itoa(int(res.Code))
			if res.Code == 0 {
				key = "transport"
			}
			errs[key]++
			continue
		}
		if seq, ok := seqOf(res.URL); ok {
			answered[seq] = res.Timestamp.Add(res.Latency)
		}
	}
	m.Close()

	// Wait for every accepted push's event, within the deliver wait.
	end := time.Now()
	for rd.count() < len(answered) && time.Since(end) < h.o.deliverWait {
		time.Sleep(20 * time.Millisecond)
	}
	received := rd.snapshot()
	var lat []time.Duration
	for seq, at := range answered {
		if got, ok := received[seq]; ok {
			lat = append(lat, max(got.Sub(at), 0))
		}
	}
	r := row{unit: "commits/s", rate: float64(len(answered)) / m.Duration.Seconds(), metrics: m, errors: errs, ratioOff: true}
	httpP99 := m.Latencies.P99
	r.metrics.Latencies.P50, r.metrics.Latencies.P90, r.metrics.Latencies.P99 = percentile(lat, 0.50), percentile(lat, 0.90), percentile(lat, 0.99)
	r.note = fmt.Sprintf("commit → %s consumer, paced at %d/s (%d sent); %d of %d events received; HTTP p99 %s", what, commitRate, m.Requests, len(lat), len(answered), ms(httpP99))
	if len(lat) < len(answered) {
		r.note += fmt.Sprintf("; NOT all received within %s; the service's relay said: %s", h.o.deliverWait, h.relayWarnings())
	}
	return r, nil
}

// seqOf reads the seq query parameter of a commit scenario's request URL.
func seqOf(raw string) (int64, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return 0, false
	}
	seq, err := strconv.ParseInt(u.Query().Get("seq"), 10, 64)
	return seq, err == nil
}

// percentile is the p-quantile of ds (0 when empty); it sorts ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[int(p*float64(len(ds)-1))]
}

// eventReader reads the commit scenario's events from the service's broker
// and notes when each arrived.
type eventReader struct {
	prefix string
	mu     sync.Mutex
	at     map[int64]time.Time // seq → first arrival
	close  func()
}

// note records the arrival of an event_received payload, if it is one of
// this run's.
func (rd *eventReader) note(payload []byte, at time.Time) {
	var v struct {
		Event string `json:"event"`
	}
	if json.Unmarshal(payload, &v) != nil {
		return
	}
	s, ok := strings.CutPrefix(v.Event, rd.prefix)
	if !ok {
		return
	}
	seq, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return
	}
	rd.mu.Lock()
	if _, seen := rd.at[seq]; !seen {
		rd.at[seq] = at
	}
	rd.mu.Unlock()
}

func (rd *eventReader) count() int {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	return len(rd.at)
}

func (rd *eventReader) snapshot() map[int64]time.Time {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	out := make(map[int64]time.Time, len(rd.at))
	for k, v := range rd.at {
		out[k] = v
	}
	return out
}

// eventReader starts reading commitTopic from the broker the service
// publishes to. It returns nil and the reason when the harness cannot read
// that broker, else the reader and the broker's name.
func (h *harness) eventReader(ctx context.Context, prefix string) (*eventReader, string, error) {
	env := func(k string) string { // the service's value: the last one wins
		v := ""
		for _, kv := range h.env {
			if key, val, _ := strings.Cut(kv, "="); key == k {
				v = val
			}
		}
		return v
	}
	rd := &eventReader{prefix: prefix, at: map[int64]time.Time{}}
	switch broker := env("EVENTS_BROKER"); broker {
	case "kafka":
		brokers := env("KAFKA_BROKERS")
		if brokers == "" {
			brokers = "localhost:9092"
		}
		// From the topic's start: the reader keeps only this run's events
		// (by prefix), and a topic or partition it discovers late is read
		// whole, whatever timestamps its records carry.
		cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...), kgo.ConsumeTopics(commitTopic),
			kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
			kgo.FetchMaxWait(10*time.Millisecond), kgo.MetadataMinAge(250*time.Millisecond))
		if err != nil {
			return nil, "", fmt.Errorf("kafka reader: %w", err)
		}
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for rctx.Err() == nil {
				fs := cl.PollFetches(rctx)
				now := time.Now()
				fs.EachRecord(func(r *kgo.Record) { rd.note(r.Value, now) })
			}
		}()
		rd.close = func() { cancel(); <-done; cl.Close() }
		return rd, "Kafka", nil
	case "nats", "embedded", "":
		urls := env("NATS_URL")
		if broker != "nats" {
			port := env("NATS_EMBEDDED_PORT")
			if port == "" || port == "0" {
				return nil, "the embedded broker listens on no port; set NATS_EMBEDDED_PORT, or EVENTS_BROKER=kafka or nats", nil
			}
			urls = "nats://127.0.0.1:" + port
		}
		if urls == "" {
			urls = nats.DefaultURL
		}
		stream := env("NATS_STREAM")
		if stream == "" {
			stream = "CAMPUSHUB"
		}
		nc, err := nats.Connect(urls)
		if err != nil {
			return nil, "", fmt.Errorf("nats reader: %w", err)
		}
		js, err := jetstream.New(nc)
		if err != nil {
			nc.Close()
			return nil, "", fmt.Errorf("nats reader: %w", err)
		}
		// The service creates its stream when the servers first answer,
		// which may be a moment after it reports healthy.
		var cons jetstream.Consumer
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
			cons, err = js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{
				FilterSubjects: []string{commitTopic}, DeliverPolicy: jetstream.DeliverNewPolicy,
			})
			var apiErr *jetstream.APIError
			missing := errors.Is(err, jetstream.ErrStreamNotFound) ||
				errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamNotFound
			if !missing || time.Now().After(deadline) {
				break
			}
		}
		if err != nil {
			nc.Close()
			return nil, "", fmt.Errorf("nats reader on stream %s: %w", stream, err)
		}
		cc, err := cons.Consume(func(m jetstream.Msg) { rd.note(m.Data(), time.Now()) })
		if err != nil {
			nc.Close()
			return nil, "", fmt.Errorf("nats reader: %w", err)
		}
		rd.close = func() { cc.Stop(); nc.Close() }
		name := "NATS"
		if broker != "nats" {
			name = "embedded NATS"
		}
		return rd, name, nil
	default:
		return nil, "EVENTS_BROKER=" + broker + " publishes nothing to read", nil
	}
}

// relayWarnings is the last few outbox relay warnings in the service's log
// (or "nothing"), so that a run whose events did not all arrive says why.
func (h *harness) relayWarnings() string {
	b, err := os.ReadFile(filepath.Join(h.dir, "campushub.log"))
	if err != nil {
		return err.Error()
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, `"level":"WARN"`) && strings.Contains(l, "outbox relay") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return "nothing"
	}
	return strings.Join(lines[max(len(lines)-3, 0):], " | ")
}

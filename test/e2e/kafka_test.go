package e2e

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/test/testenv"
)

// kafkaEvent is one message read back from Kafka.
type kafkaEvent struct {
	Topic   string
	Key     string
	Headers map[string]string
	Value   map[string]any
	ID      int64 // ce_id
}

// startKafkaService starts the binary publishing to the test broker, on the
// SQLite database at dbURL. Every event it publishes carries a ce_source of
// its own, so that the test can tell its events from those of other runs on
// the shared topics.
func startKafkaService(t *testing.T) (s *service, brokers []string, source, dbURL string) {
	t.Helper()
	brokers = testenv.KafkaBrokers(t)
	source = "/campushub/e2e-" + rand.Text()
	dbURL = "sqlite:" + filepath.Join(t.TempDir(), "campushub.db")
	s = startService(t, map[string]string{
		"DATABASE_URL":         dbURL,
		"EVENTS_BROKER":        "kafka",
		"KAFKA_BROKERS":        strings.Join(brokers, ","),
		"EVENTS_SOURCE":        source,
		"OUTBOX_POLL_INTERVAL": "20ms",
	})
	return s, brokers, source, dbURL
}

// publishedIDs waits until s has published its whole outbox and returns
// the ids of the events it wrote for topic, oldest first: what the service
// committed, against which a test checks what Kafka delivered. That a
// failed change left no event is checked here, on committed state, rather
// than by reading Kafka on for a while after the expected events.
func publishedIDs(t *testing.T, s *service, dbURL, topic string) []int64 {
	t.Helper()
	waitReady(t, s, s.URL, time.Minute, "every event published", func(r readiness) bool { return r.Checks.Outbox.Unpublished == 0 })
	rows, err := storage.NewOutbox(testenv.OpenEmptyDB(t, dbURL)).Recent(context.Background(), 10000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range rows {
		if r.Topic == topic {
			ids = append(ids, r.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// readAll reads the events with the ce_ids of ids from topic (see
// readEvents), and fails on an event of source whose ce_id is not among
// them. It returns the first delivery of each.
func readAll(t *testing.T, brokers []string, topic, source string, ids []int64) []kafkaEvent {
	t.Helper()
	evs := distinct(readEvents(t, brokers, topic, source, func(evs []kafkaEvent) bool { return len(distinct(evs)) >= len(ids) }))
	for _, e := range evs {
		if !slices.Contains(ids, e.ID) {
			t.Errorf("%s: event %d (%s) is not in the outbox %v", topic, e.ID, e.Headers["ce_type"], ids)
		}
	}
	return evs
}

// readEvents reads topic with a consumer group of its own, from the oldest
// offset, keeping the events whose ce_source is source, until done says it
// has them all.
func readEvents(t *testing.T, brokers []string, topic, source string, done func([]kafkaEvent) bool) []kafkaEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers: brokers, Topic: topic, GroupID: "e2e" + strings.ReplaceAll(source, "/", "-"),
		StartOffset: kafkago.FirstOffset, MaxWait: 100 * time.Millisecond,
	})
	defer r.Close()
	var got []kafkaEvent
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("reading %s: %v after %d events of %s", topic, err, len(got), source)
		}
		e := kafkaEvent{Topic: m.Topic, Key: string(m.Key), Headers: map[string]string{}}
		for _, h := range m.Headers {
			e.Headers[h.Key] = string(h.Value)
		}
		if e.Headers["ce_source"] != source {
			continue
		}
		if err := json.Unmarshal(m.Value, &e.Value); err != nil {
			t.Fatalf("event value is not JSON: %s", m.Value)
		}
		e.ID, _ = strconv.ParseInt(e.Headers["ce_id"], 10, 64)
		got = append(got, e)
		if done(got) {
			return got
		}
	}
}

// registerUser registers phone through the code flow and returns its access
// token and account id.
func registerUser(t *testing.T, s *service, phone string) (token string, id int64) {
	t.Helper()
	s.call(t, "POST", "/api/auth/send_code", "", map[string]string{"area": "86", "account": phone}).want(t, "send_code "+phone, 200, 0)
	code := s.codeFor(t, "+86 "+phone)
	token = s.call(t, "POST", "/api/auth/register", "", map[string]string{"area": "86", "account": phone, "code": code, "password": accountPassword}).
		want(t, "register "+phone, 200, 0).tokens(t).AccessToken
	var info struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(s.call(t, "GET", "/api/personal/info", token, nil).want(t, "info "+phone, 200, 0).Data, &info); err != nil || info.ID == 0 {
		t.Fatalf("info of %s: %v", phone, err)
	}
	return token, info.ID
}

// TestKafkaRegisteredEvent registers a user over HTTP and reads its
// campushub.account.registered event back from Kafka, in CloudEvents binary
// mode, keyed by the account id; a register with a wrong code leaves none.
func TestKafkaRegisteredEvent(t *testing.T) {
	s, brokers, source, dbURL := startKafkaService(t)
	const phone = "18656660931"
	s.call(t, "POST", "/api/auth/send_code", "", map[string]string{"area": "86", "account": phone}).want(t, "send_code", 200, 0)
	code := s.codeFor(t, "+86 "+phone)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	s.call(t, "POST", "/api/auth/register", "", map[string]string{"area": "86", "account": phone, "code": wrong, "password": accountPassword}).
		want(t, "register with a wrong code", 400, 10008)
	s.call(t, "POST", "/api/auth/register", "", map[string]string{"area": "86", "account": phone, "code": code, "password": accountPassword}).
		want(t, "register", 200, 0)

	ids := publishedIDs(t, s, dbURL, "campushub.account.v1")
	if len(ids) != 1 {
		t.Fatalf("%d account events in the outbox, want exactly the registration", len(ids))
	}
	got := readAll(t, brokers, "campushub.account.v1", source, ids)
	e := got[0]
	accountID, _ := e.Value["account_id"].(float64)
	if e.Key != strconv.FormatInt(int64(accountID), 10) || accountID < 1 {
		t.Errorf("key %q, account_id %v: want the key to be the account id", e.Key, e.Value["account_id"])
	}
	if e.ID < 1 {
		t.Errorf("ce_id %q is not a positive outbox id", e.Headers["ce_id"])
	}
	if at, err := time.Parse(time.RFC3339Nano, e.Headers["ce_time"]); err != nil || time.Since(at) > time.Minute || time.Since(at) < -time.Minute {
		t.Errorf("ce_time %q: %v", e.Headers["ce_time"], err)
	}
	want := map[string]string{
		"ce_type":        "campushub.account.registered",
		"ce_source":      source,
		"ce_specversion": "1.0",
		"content-type":   "application/json",
	}
	for k, v := range want {
		if e.Headers[k] != v {
			t.Errorf("header %s = %q, want %q", k, e.Headers[k], v)
		}
	}
	if e.Value["channel"] != "phone" {
		t.Errorf("value %v: want channel phone", e.Value)
	}
}

// burstUser is what one user of the burst did, as the test expects to see
// it in Kafka.
type burstUser struct {
	accountID int64
	clientID  string
	updates   int // successful profile updates
	switches  int // successful switch changes
}

// TestKafkaBurstAcrossModules has several users at once register, update
// their profiles, bind a push device and flip its switch (each time a
// change), with failing updates in between, and checks that every committed
// change reaches Kafka, each key's events in commit order, and nothing of
// the failed ones.
func TestKafkaBurstAcrossModules(t *testing.T) {
	s, brokers, source, dbURL := startKafkaService(t)
	const users, rounds = 6, 8
	out := make([]burstUser, users)
	var wg sync.WaitGroup
	for u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token, id := registerUser(t, s, fmt.Sprintf("1865666%04d", 1000+u))
			b := burstUser{accountID: id, clientID: fmt.Sprintf("e2e-device-%d", u)}
			s.call(t, "POST", "/api/push/bind", token, map[string]string{"client_id": b.clientID, "client_type": "android"}).want(t, "bind", 200, 0)
			for i := range rounds {
				s.call(t, "PUT", "/api/personal/info", token, map[string]any{"nickname": fmt.Sprintf("user %d round %d", u, i)}).want(t, "PUT info", 200, 0)
				b.updates++
				s.call(t, "PUT", "/api/personal/info", token, map[string]any{"gender": 7}).want(t, "PUT a bad gender", 400, 10005)
				s.call(t, "PUT", "/api/push/switch/"+b.clientID, token, map[string]any{"switch": i%2 == 1}).want(t, "PUT switch", 200, 0)
				b.switches++
			}
			out[u] = b
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	var read []kafkaEvent
	for _, topic := range []string{"campushub.account.v1", "campushub.push.v1"} {
		ids := publishedIDs(t, s, dbURL, topic)
		if len(ids) != users*(1+rounds) {
			t.Errorf("%d %s events in the outbox, want %d: the committed changes and none of the failed ones", len(ids), topic, users*(1+rounds))
		}
		read = append(read, readAll(t, brokers, topic, source, ids)...)
	}
	byKey := map[string][]kafkaEvent{}
	for _, e := range read {
		byKey[e.Topic+"/"+e.Key] = append(byKey[e.Topic+"/"+e.Key], e)
	}
	for _, b := range out {
		acc := byKey["campushub.account.v1/"+strconv.FormatInt(b.accountID, 10)]
		checkKeyEvents(t, acc, append([]string{"campushub.account.registered"}, repeat("campushub.account.profile_updated", b.updates)...))
		var devKey string
		for k, evs := range byKey {
			if strings.HasPrefix(k, "campushub.push.v1/") && len(evs) > 0 && evs[0].Value["client_id"] == b.clientID {
				devKey = k
			}
		}
		checkKeyEvents(t, byKey[devKey], append([]string{"campushub.push.device_bound"}, repeat("campushub.push.switch_changed", b.switches)...))
	}
	if len(byKey) != 2*users {
		t.Errorf("events under %d keys, want %d (one account and one device per user)", len(byKey), 2*users)
	}
}

// distinct keeps the first delivery of each ce_id: delivery is at least
// once, and consumers deduplicate by ce_id.
func distinct(evs []kafkaEvent) []kafkaEvent {
	seen := map[int64]bool{}
	var out []kafkaEvent
	for _, e := range evs {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	return out
}

// checkKeyEvents fails unless evs, one key's events in the order they were
// read, have exactly the types of want, in that order, with rising ce_ids.
func checkKeyEvents(t *testing.T, evs []kafkaEvent, want []string) {
	t.Helper()
	types := make([]string, len(evs))
	for i, e := range evs {
		types[i] = e.Headers["ce_type"]
		if i > 0 && e.ID <= evs[i-1].ID {
			t.Errorf("key %s: event %d arrived after event %d", e.Key, e.ID, evs[i-1].ID)
		}
	}
	if strings.Join(types, ",") != strings.Join(want, ",") {
		t.Errorf("key events %v, want %v", types, want)
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

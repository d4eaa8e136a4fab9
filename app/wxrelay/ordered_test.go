package wxrelay_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/adapters/webhook"
	"github.com/campushub/campushub/app/wxrelay"
	domain "github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/test/testenv"
)

// TestOrderedDeliveryPerKey: a burst of pushes about 20 people, 10 each,
// interleaved, goes to a project with ordered delivery whose endpoint
// fails every post about one person until everyone else's pushes have
// arrived. Every person's pushes arrive in the order they were received,
// one at a time, and the failing person holds back only themself: the
// others all arrive while that person's posts still fail (were they held
// back, the endpoint would never recover and the test would time out).
func TestOrderedDeliveryPerKey(t *testing.T) {
	testenv.EachBackend(t, orderedDeliveryPerKey)
}

func orderedDeliveryPerKey(t *testing.T, db *storage.DB) {
	const people, perPerson = 20, 10
	ctx := context.Background()
	svc := storedService(db)

	var (
		mu        sync.Mutex
		got       = map[string][]int{} // person → seqs acknowledged, in arrival order
		inflight  = map[string]int{}
		overlap   []string
		othersIn  atomic.Int64 // pushes about the others acknowledged
		badFailed atomic.Int64 // posts about the failing person refused
	)
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p struct {
			Data struct {
				RawData string `json:"raw_data"`
			} `json:"data"`
		}
		var push struct {
			UserID string `json:"user_id"`
			Seq    int    `json:"seq"`
		}
		if json.Unmarshal(body, &p) != nil || json.Unmarshal([]byte(p.Data.RawData), &push) != nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		mu.Lock()
		if inflight[push.UserID]++; inflight[push.UserID] > 1 {
			overlap = append(overlap, push.UserID)
		}
		mu.Unlock()
		time.Sleep(time.Millisecond)
		status := http.StatusOK
		if push.UserID == "u0" && othersIn.Load() < (people-1)*perPerson {
			status = http.StatusServiceUnavailable
			badFailed.Add(1)
		}
		mu.Lock()
		inflight[push.UserID]--
		if status == http.StatusOK {
			got[push.UserID] = append(got[push.UserID], push.Seq)
			if push.UserID != "u0" {
				othersIn.Add(1)
			}
		}
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(sink.Close)
	if _, err := svc.AddProjectWith(ctx, wxrelay.NewProject{URL: sink.URL, Name: "ordered", Ordered: true}); err != nil {
		t.Fatal(err)
	}

	hook := webhook.New(webhook.Config{Egress: webhook.Egress{AllowPrivate: true}, Timeout: 5 * time.Second, MaxIdlePerHost: 32})
	d := wxrelay.NewDispatcher(svc, hook, wxrelay.DispatcherConfig{
		Owner: "ordered-test", Concurrency: 64, PerProject: 32, Timeout: 5 * time.Second, Poll: 10 * time.Millisecond,
		Policy:  domain.RetryPolicy{MaxAttempts: 1000, MaxAge: time.Hour, Base: 20 * time.Millisecond, Cap: 200 * time.Millisecond},
		Breaker: domain.BreakerPolicy{OpenAfter: 5, ProbeBase: 50 * time.Millisecond, ProbeCap: 200 * time.Millisecond},
	}, nil, nil)
	svc.OnQueued(d.Wake)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { d.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	var wg sync.WaitGroup
	for w := 0; w < 4; w++ { // four senders, each pushing every person's seq-th push in turn
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for seq := 0; seq < perPerson; seq++ {
				for u := w; u < people; u += 4 {
					raw := fmt.Sprintf(`{"user_id":"u%d","seq":%d}`, u, seq)
					if err := svc.Receive(ctx, wxrelay.ReceiveInput{AppKey: "app", SchoolCode: "45229", Event: "updateUser", RawData: raw, Body: []byte(raw)}); err != nil {
						t.Error(err)
					}
				}
			}
		}(w)
	}
	wg.Wait()

	testenv.Eventually(t, 90*time.Second, func() error {
		mu.Lock()
		n := 0
		for _, s := range got {
			n += len(s)
		}
		mu.Unlock()
		if n != people*perPerson {
			return fmt.Errorf("%d of %d pushes acknowledged; %d others, %d refusals of the failing person", n, people*perPerson, othersIn.Load(), badFailed.Load())
		}
		return nil
	})
	mu.Lock()
	defer mu.Unlock()
	if len(overlap) > 0 {
		t.Fatalf("posts about one person overlapped: %v", overlap)
	}
	want := make([]int, perPerson)
	for i := range want {
		want[i] = i
	}
	for u := 0; u < people; u++ {
		// The sender pushed each person's seqs in order, so receipt order
		// is seq order.
		if s := got[fmt.Sprintf("u%d", u)]; !slices.Equal(s, want) {
			t.Errorf("u%d's pushes arrived as %v, want %v", u, s, want)
		}
	}
	if badFailed.Load() == 0 {
		t.Fatal("the failing person's endpoint refused nothing; the scenario did not happen")
	}
}

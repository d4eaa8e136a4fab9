package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// The stand-in provider's application, as the service is configured with it.
const (
	getuiAppID        = "loadapp"
	getuiAppKey       = "load-app-key"
	getuiMasterSecret = "load-master-secret"
	getuiToken        = "load-standin-token"
)

// getuiStandIn answers the three Getui v2 calls the service makes (sign-in,
// list message, push to a list of client ids) and keeps every (task, client
// id) pair it accepted: a delivery. It checks what the real service would
// refuse: the sign-in's signature, the token on later calls, a known task.
type getuiStandIn struct {
	srv *http.Server
	url string

	mu         sync.Mutex
	tasks      map[string]bool
	deliveries map[string]struct{} // taskid + "/" + cid
	nextTask   int
	refused    int
}

func startGetuiStandIn() (*getuiStandIn, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	g := &getuiStandIn{url: "http://" + ln.Addr().String(), tasks: map[string]bool{}, deliveries: map[string]struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /"+getuiAppID+"/auth", g.auth)
	mux.HandleFunc("POST /"+getuiAppID+"/push/list/message", g.message)
	mux.HandleFunc("POST /"+getuiAppID+"/push/list/cid", g.pushToList)
	g.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = g.srv.Serve(ln) }()
	return g, nil
}

// delivered is how many deliveries the stand-in holds.
func (g *getuiStandIn) delivered() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.deliveries)
}

// refusals is how many calls the stand-in refused.
func (g *getuiStandIn) refusals() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.refused
}

func (g *getuiStandIn) answer(w http.ResponseWriter, code int, msg string, data any) {
	if code != 0 {
		g.mu.Lock()
		g.refused++
		g.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "msg": msg, "data": data})
}

func (g *getuiStandIn) auth(w http.ResponseWriter, r *http.Request) {
	var b struct{ Sign, Timestamp, Appkey string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&b); err != nil || b.Appkey != getuiAppKey {
		g.answer(w, 10002, "bad sign-in request", nil)
		return
	}
	if b.Sign != getuiSign(b.Timestamp) {
		g.answer(w, 10002, "wrong sign", nil)
		return
	}
	expires := time.Now().Add(24 * time.Hour).UnixMilli()
	g.answer(w, 0, "success", map[string]string{"token": getuiToken, "expire_time": strconv.FormatInt(expires, 10)})
}

func (g *getuiStandIn) message(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("token") != getuiToken {
		g.answer(w, 10001, "token invalid", nil)
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	g.mu.Lock()
	g.nextTask++
	task := fmt.Sprintf("RASL-load-%d", g.nextTask)
	g.tasks[task] = true
	g.mu.Unlock()
	g.answer(w, 0, "success", map[string]string{"taskid": task})
}

func (g *getuiStandIn) pushToList(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("token") != getuiToken {
		g.answer(w, 10001, "token invalid", nil)
		return
	}
	var b struct {
		Audience struct {
			CID []string `json:"cid"`
		} `json:"audience"`
		TaskID string `json:"taskid"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 8<<20)).Decode(&b); err != nil || len(b.Audience.CID) == 0 || len(b.Audience.CID) > 1000 {
		g.answer(w, 20001, "bad audience", nil)
		return
	}
	status := make(map[string]string, len(b.Audience.CID))
	g.mu.Lock()
	known := g.tasks[b.TaskID]
	if known {
		for _, cid := range b.Audience.CID {
			g.deliveries[b.TaskID+"/"+cid] = struct{}{}
			status[cid] = "successed_online"
		}
	}
	g.mu.Unlock()
	if !known {
		g.answer(w, 20002, "unknown taskid", nil)
		return
	}
	g.answer(w, 0, "success", map[string]map[string]string{b.TaskID: status})
}

// getuiSign is Getui's sign-in signature.
func getuiSign(timestamp string) string {
	return sha256Hex(getuiAppKey + timestamp + getuiMasterSecret)
}

// prepareDevices binds -push-devices devices to the manager, with as many
// requests at once as the scenario has connections; it runs once, before
// the first push scenario, and is not measured.
func (h *harness) prepareDevices(ctx context.Context) error {
	pushDevices := h.o.pushDevices
	if h.devices >= pushDevices {
		return nil
	}
	start := time.Now()
	var next atomic.Int64
	next.Store(int64(h.devices))
	errs := make(chan error, h.o.connections)
	var wg sync.WaitGroup
	for range h.o.connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(pushDevices) || ctx.Err() != nil {
					return
				}
				kind := "android"
				if i%2 == 0 {
					kind = "ios"
				}
				body := fmt.Sprintf(`{"client_id":"load-cid-%05d","client_type":%q}`, i, kind)
				if _, err := h.appCall("POST", "/api/push/bind", body); err != nil {
					errs <- fmt.Errorf("bind device %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	h.devices = pushDevices
	fmt.Fprintf(os.Stderr, "load: bound %d devices in %.1fs\n", pushDevices, time.Since(start).Seconds())
	return nil
}

// appCall makes one app-envelope call as the manager and returns its data;
// an answer other than code 0 is an error.
func (h *harness) appCall(method, path, body string) (json.RawMessage, error) {
	req, err := http.NewRequest(method, h.base+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Token "+h.manager)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != http.StatusOK || out.Code != 0 {
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(raw))
	}
	return out.Data, nil
}

// runPush sends pushes to every bound device, one after another, for the
// scenario's duration (at least one). Each send is timed from the request
// until the stand-in provider holds a delivery for every device; the rate
// is deliveries per second over all sends, the percentiles are those of
// the sends' times.
func runPush(ctx context.Context, h *harness) (row, error) {
	if err := h.prepareDevices(ctx); err != nil {
		return row{}, err
	}
	pushDevices := h.o.pushDevices
	var m vegeta.Metrics
	var busy time.Duration
	sends, delivered := 0, 0
	var recordedLag []time.Duration
	end := time.Now().Add(h.o.duration)
	for sends == 0 || time.Now().Before(end) {
		before := h.getui.delivered()
		t0 := time.Now()
		data, err := h.appCall("POST", "/api/manage/push", `{"push_title":"负载测试","push_body":"负载测试内容","push_scope":0}`)
		if err != nil {
			return row{}, fmt.Errorf("push send: %w", err)
		}
		var p struct {
			ID      int64 `json:"id"`
			Targets int   `json:"targets"`
		}
		if err := json.Unmarshal(data, &p); err != nil || p.Targets != pushDevices {
			return row{}, fmt.Errorf("push send answered %s, want %d targets", data, pushDevices)
		}
		if !waitFor(2*time.Minute, func() bool { return h.getui.delivered()-before >= pushDevices }) {
			return row{}, fmt.Errorf("push %d: the stand-in holds %d of %d deliveries after 2 minutes (it refused %d calls)",
				p.ID, h.getui.delivered()-before, pushDevices, h.getui.refusals())
		}
		took := time.Since(t0)
		busy += took
		sends++
		delivered += pushDevices
		m.Add(&vegeta.Result{Timestamp: t0, Latency: took, Code: http.StatusOK})
		// The service records each delivery's outcome after the provider
		// answered; the next send starts once it has.
		if !waitFor(2*time.Minute, func() bool { return h.pushSettled(p.ID) }) {
			return row{}, fmt.Errorf("push %d: its outcome was not recorded within 2 minutes of the last delivery", p.ID)
		}
		recordedLag = append(recordedLag, time.Since(t0)-took)
	}
	m.Close()
	r := row{unit: "pushes/s", rate: float64(delivered) / busy.Seconds(), metrics: m, errors: map[string]int{}, ratioOff: true}
	r.note = fmt.Sprintf("%d send(s) to %d devices, each timed until the stand-in held all; outcomes recorded %s later (max)",
		sends, pushDevices, maxDuration(recordedLag).Round(time.Millisecond))
	return r, nil
}

// pushSettled reports whether the service has recorded the outcome of
// every delivery of a push.
func (h *harness) pushSettled(id int64) bool {
	data, err := h.appCall("GET", "/api/manage/push/"+strconv.FormatInt(id, 10), "")
	if err != nil {
		return false
	}
	var p struct {
		Targets     int `json:"targets"`
		SentCount   int `json:"sent_count"`
		FailedCount int `json:"failed_count"`
	}
	return json.Unmarshal(data, &p) == nil && p.SentCount+p.FailedCount == p.Targets
}

// waitFor polls cond until it holds or d has passed.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

func maxDuration(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

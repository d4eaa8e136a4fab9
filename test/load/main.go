// Command load runs campushub end to end under load and prints one table:
// requests or events per second, latency percentiles and errors by status
// for each scenario, each also as a ratio to a bare net/http JSON handler
// measured in the same run on the same machine.
//
//	go run ./test/load [-duration 10s] [-connections 32] [-scenarios bare,read,read-half,login,receive1,receive4,push] [-push-devices 10000]
//
// It builds the binary, starts it on a free port (a SQLite file in a
// temporary directory unless DATABASE_URL is set; EVENTS_BROKER, KAFKA_* and
// NATS_* are passed through), prepares a manager, its token, push
// projects pointing at webhook sinks inside this process and, for the push
// scenario, -push-devices devices sent to through a stand-in Getui-style
// provider also inside this process, and drives each scenario with vegeta's
// attacker as a closed loop of -connections workers.
// `make load` runs it; docs/performance.md keeps results.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "bare-server" {
		serveBare(os.Args[2])
		return
	}
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// options are the harness's flags.
type options struct {
	duration    time.Duration
	connections int
	scenarios   []string
	deliverWait time.Duration
	profileDir  string
	pushDevices int
}

func parseOptions(args []string) (options, error) {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	o := options{}
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each scenario runs")
	fs.IntVar(&o.connections, "connections", 32, "concurrent connections (closed loop)")
	names := fs.String("scenarios", "bare,read,read-half,login,receive1,receive4,push", "comma-separated scenarios to run, in this order: "+strings.Join(scenarioNames(), ", "))
	fs.DurationVar(&o.deliverWait, "deliver-wait", 2*time.Minute, "how long a receive scenario waits for its deliveries after the burst")
	fs.IntVar(&o.pushDevices, "push-devices", 10_000, "devices the push scenario binds and sends to")
	fs.StringVar(&o.profileDir, "profile", "", "directory to write a CPU profile of the service for each scenario (<scenario>.pprof), taken from pprof on the operations listener")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.duration <= 0 || o.connections <= 0 || o.pushDevices <= 0 {
		return o, errors.New("-duration, -connections and -push-devices must be positive")
	}
	for _, n := range strings.Split(*names, ",") {
		n = strings.TrimSpace(n)
		if _, ok := scenarios[n]; !ok {
			return o, fmt.Errorf("unknown scenario %q (known: %s)", n, strings.Join(scenarioNames(), ", "))
		}
		o.scenarios = append(o.scenarios, n)
	}
	return o, nil
}

// scenario runs one load and returns its row of the table.
type scenario func(ctx context.Context, h *harness) (row, error)

var scenarios = map[string]scenario{
	"bare":      runBare,
	"read":      runRead,
	"read-half": runReadHalf,
	"login":     runLogin,
	"receive1":  func(ctx context.Context, h *harness) (row, error) { return runReceive(ctx, h, 1) },
	"receive4":  func(ctx context.Context, h *harness) (row, error) { return runReceive(ctx, h, 4) },
	"push":      runPush,
}

func scenarioNames() []string {
	out := make([]string, 0, len(scenarios))
	for n := range scenarios {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func run(args []string, stdout io.Writer) error {
	o, err := parseOptions(args)
	if err != nil {
		return err
	}
	ctx := context.Background()
	h, err := startHarness(ctx, o)
	if err != nil {
		return err
	}
	defer h.close()
	var rows []row
	for _, name := range o.scenarios {
		fmt.Fprintf(os.Stderr, "load: %s for %s at %d connections\n", name, o.duration, o.connections)
		stopProfile := h.profile(name)
		r, err := scenarios[name](ctx, h)
		stopProfile()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		r.name = name
		r.rss = h.rss()
		rows = append(rows, r)
	}
	printTable(stdout, o, h, rows)
	return nil
}

// harness is the running service, the bare handler and the sinks.
type harness struct {
	o       options
	dir     string
	bin     string
	svc     *exec.Cmd
	bare    *exec.Cmd
	base    string
	opsURL  string
	bareURL string
	manager string // the manager's access token
	env     []string
	sinks   []*sink
	getui   *getuiStandIn // the stand-in push provider
	devices int           // devices bound for the push scenario
	bareRPS float64
	readRPS float64 // what read reached, for read-half
	client  *http.Client
}

const (
	managerAccount  = "load-manager@example.com"
	managerPassword = "load-password-1"
	wxAppKey        = "loadapp"
)

func startHarness(ctx context.Context, o options) (_ *harness, err error) {
	dir, err := os.MkdirTemp("", "campushub-load-")
	if err != nil {
		return nil, err
	}
	h := &harness{o: o, dir: dir, client: &http.Client{Timeout: 30*time.Second + o.duration}}
	defer func() {
		if err != nil {
			h.close() // what started so far, and the directory
		}
	}()
	h.bin = filepath.Join(dir, "campushub")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", h.bin, "./cmd/campushub")
	build.Dir = repoRoot()
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	opsAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	h.opsURL = "http://" + opsAddr
	if h.getui, err = startGetuiStandIn(); err != nil {
		return nil, err
	}
	h.env = append(serviceEnv(dir, addr, opsAddr, o.profileDir != ""),
		"PUSH_PROVIDER=getui", "PUSH_PROVIDER_URL="+h.getui.url,
		"PUSH_APP_ID="+getuiAppID, "PUSH_APP_KEY="+getuiAppKey, "PUSH_MASTER_SECRET="+getuiMasterSecret)
	create := exec.CommandContext(ctx, h.bin, "admin", "create", "--account", managerAccount, "--password", managerPassword)
	create.Env, create.Dir = h.env, dir
	if out, err := create.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("admin create: %v\n%s", err, out)
	}
	logFile, err := os.Create(filepath.Join(dir, "campushub.log"))
	if err != nil {
		return nil, err
	}
	h.svc = exec.Command(h.bin, "serve")
	h.svc.Env, h.svc.Dir, h.svc.Stdout, h.svc.Stderr = h.env, dir, logFile, logFile
	if err := h.svc.Start(); err != nil {
		return nil, err
	}
	h.base = "http://" + addr
	if err := waitHealthy(h.base + "/healthz"); err != nil {
		return nil, fmt.Errorf("%w (log: %s)", err, logFile.Name())
	}
	bareAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	h.bare = exec.Command(os.Args[0], "bare-server", bareAddr)
	h.bare.Stderr = os.Stderr
	if err := h.bare.Start(); err != nil {
		return nil, err
	}
	h.bareURL = "http://" + bareAddr + "/bare"
	if err := waitHealthy(h.bareURL); err != nil {
		return nil, err
	}
	if h.manager, err = h.login(); err != nil {
		return nil, err
	}
	return h, nil
}

// serviceEnv is the service's environment: PATH and HOME, the storage and
// broker settings of the caller, and what the scenarios need. Limits meant
// against abuse from one client are off: the load comes from one address.
func serviceEnv(dir, addr, opsAddr string, pprof bool) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"HTTP_ADDR=" + addr,
		"OPS_ADDR=" + opsAddr,
		"PPROF_ENABLED=" + strconv.FormatBool(pprof),
		"NATS_EMBEDDED_PORT=0",
		"WX_APPS=" + wxAppKey + ":",
		"WEBHOOK_ALLOW_PRIVATE=true",
		"RATE_LIMIT_LOGIN=off",
		"RATE_LIMIT_REFRESH=off",
		"BCRYPT_COST=10",
	}
	if os.Getenv("DATABASE_URL") == "" {
		env = append(env, "DATABASE_URL=sqlite:"+filepath.Join(dir, "campushub.db"))
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if v == "" {
			continue
		}
		if k == "DATABASE_URL" || k == "EVENTS_BROKER" || k == "AUTH_CACHE_TTL" || strings.HasPrefix(k, "LOG_") ||
			strings.HasPrefix(k, "KAFKA_") || strings.HasPrefix(k, "NATS_") || strings.HasPrefix(k, "DB_") {
			env = append(env, kv)
		}
	}
	return env
}

func (h *harness) close() {
	for _, c := range []*exec.Cmd{h.svc, h.bare} {
		if c == nil || c.Process == nil {
			continue
		}
		_ = c.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = c.Process.Kill()
			<-done
		}
	}
	for _, s := range h.sinks {
		s.srv.Close()
	}
	if h.getui != nil {
		h.getui.srv.Close()
	}
	_ = os.RemoveAll(h.dir)
}

// profile starts a CPU profile of the service lasting the scenario's
// attack and returns a function that waits for it and writes it to
// <profileDir>/<name>.pprof. Without -profile it does nothing.
func (h *harness) profile(name string) (wait func()) {
	if h.o.profileDir == "" || name == "bare" {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		secs := int(h.o.duration.Seconds())
		if secs < 1 {
			secs = 1
		}
		resp, err := h.client.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", h.opsURL, secs))
		if err != nil {
			fmt.Fprintln(os.Stderr, "load: profile:", err)
			return
		}
		defer resp.Body.Close()
		if err := os.MkdirAll(h.o.profileDir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "load: profile:", err)
			return
		}
		f, err := os.Create(filepath.Join(h.o.profileDir, name+".pprof"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "load: profile:", err)
			return
		}
		defer f.Close()
		_, _ = io.Copy(f, resp.Body)
	}()
	return func() { <-done }
}

// login signs the manager in and returns the access token.
func (h *harness) login() (string, error) {
	var out struct {
		Code int `json:"code"`
		Data struct {
			AccessToken string `json:"access_token"`
		} `json:"data"`
	}
	body, _ := json.Marshal(map[string]string{"account": managerAccount, "password": managerPassword})
	resp, err := h.client.Post(h.base+"/api/auth/access_token", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Code != 0 || out.Data.AccessToken == "" {
		return "", fmt.Errorf("manager login: HTTP %d code %d %v", resp.StatusCode, out.Code, err)
	}
	return out.Data.AccessToken, nil
}

// row is one line of the table.
type row struct {
	name     string
	unit     string // "req/s" or "events/s"
	rate     float64
	metrics  vegeta.Metrics
	errors   map[string]int // by status
	note     string
	ratioOff bool   // no bare ratio makes sense
	rss      string // the service's peak RSS so far, after this scenario
}

// attack runs a closed loop of h.o.connections workers against tr for the
// scenario's duration; ok decides whether an answer counts as success.
func (h *harness) attack(tr vegeta.Targeter, ok func(*vegeta.Result) bool) row {
	return h.attackAt(tr, ok, vegeta.Rate{Freq: 0})
}

// attackAt is attack at a rate: unlimited (Freq 0) is a closed loop, a
// set rate is an open loop paced at it, with up to h.o.connections
// requests in flight.
func (h *harness) attackAt(tr vegeta.Targeter, ok func(*vegeta.Result) bool, rate vegeta.Rate) row {
	a := vegeta.NewAttacker(
		vegeta.Workers(uint64(h.o.connections)),
		vegeta.MaxWorkers(uint64(h.o.connections)),
		vegeta.Connections(h.o.connections),
		vegeta.KeepAlive(true),
		vegeta.Timeout(30*time.Second),
	)
	var m vegeta.Metrics
	errs := map[string]int{}
	var good int
	for res := range a.Attack(tr, rate, h.o.duration, "load") {
		if ok(res) {
			good++
		} else {
			key := strconv.Itoa(int(res.Code))
			if res.Code == 0 {
				key = "transport"
			}
			errs[key]++
		}
		m.Add(res)
	}
	m.Close()
	return row{unit: "req/s", rate: float64(good) / m.Duration.Seconds(), metrics: m, errors: errs}
}

func status200(r *vegeta.Result) bool { return r.Code == http.StatusOK && r.Error == "" }

// codeZero accepts a 200 answer whose envelope says code 0 (the app and
// receive envelopes).
func codeZero(r *vegeta.Result) bool {
	return status200(r) && (bytes.Contains(r.Body, []byte(`"code":0`)) || bytes.Contains(r.Body, []byte(`"code":"0"`)))
}

func runBare(_ context.Context, h *harness) (row, error) {
	r := h.attack(vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: h.bareURL}), status200)
	h.bareRPS = r.rate
	r.note = "net/http + encoding/json, separate process"
	return r, nil
}

func runRead(_ context.Context, h *harness) (row, error) {
	hdr := http.Header{"Authorization": {"Token " + h.manager}}
	r := h.attack(vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: h.base + "/api/personal/info", Header: hdr}), codeZero)
	h.readRPS = r.rate
	r.note = "GET /api/personal/info with a token"
	return r, nil
}

// runReadHalf is read paced at half the rate the closed loop of read
// reached in the same run: the latency at half of the load the service
// can take.
func runReadHalf(_ context.Context, h *harness) (row, error) {
	if h.readRPS < 2 {
		return row{}, errors.New("read-half is paced at half of read's rate: run read before it")
	}
	rate := int(h.readRPS / 2)
	hdr := http.Header{"Authorization": {"Token " + h.manager}}
	r := h.attackAt(vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: h.base + "/api/personal/info", Header: hdr}), codeZero,
		vegeta.Rate{Freq: rate, Per: time.Second})
	r.ratioOff = true
	r.note = fmt.Sprintf("read paced at %d req/s, half of read's rate (open loop)", rate)
	return r, nil
}

func runLogin(_ context.Context, h *harness) (row, error) {
	body, _ := json.Marshal(map[string]string{"account": managerAccount, "password": managerPassword})
	hdr := http.Header{"Content-Type": {"application/json"}}
	r := h.attack(vegeta.NewStaticTargeter(vegeta.Target{Method: "POST", URL: h.base + "/api/auth/access_token", Body: body, Header: hdr}), codeZero)
	r.note = "POST /api/auth/access_token, bcrypt cost 10"
	return r, nil
}

// runReceive posts distinct 微校 pushes as fast as the service accepts
// them while `projects` push projects receive the fan-out, then waits until
// every sink holds every accepted event.
func runReceive(_ context.Context, h *harness, projects int) (row, error) {
	for len(h.sinks) < projects {
		s, err := h.addSink()
		if err != nil {
			return row{}, err
		}
		h.sinks = append(h.sinks, s)
	}
	sinks := h.sinks[:projects]
	if len(h.sinks) > projects {
		return row{}, fmt.Errorf("run receive%d before scenarios with more projects", projects)
	}
	for _, s := range sinks {
		s.reset()
	}
	var n atomic.Int64
	runID := strconv.FormatInt(time.Now().UnixNano(), 36)
	hdr := http.Header{"Content-Type": {"application/json"}}
	tr := func(t *vegeta.Target) error {
		i := n.Add(1)
		t.Method, t.URL, t.Header = "POST", h.base+"/wx/wxc/receive", hdr
		t.Body = []byte(`{"app_key":"` + wxAppKey + `","school_code":"45229","event":"addUser","raw_data":"load-` + runID + "-" + strconv.FormatInt(i, 10) + `"}`)
		return nil
	}
	r := h.attack(tr, codeZero)
	r.unit = "events/s"
	accepted := int64(r.metrics.Requests) - int64(sum(r.errors))
	end := time.Now()
	deadline := end.Add(h.o.deliverWait)
	for {
		done := true
		for _, s := range sinks {
			if s.count() < accepted {
				done = false
			}
		}
		if done {
			r.note = fmt.Sprintf("%d accepted; all delivered to %d project(s) %.1fs after the burst", accepted, projects, time.Since(end).Seconds())
			return r, nil
		}
		if time.Now().After(deadline) {
			got := make([]string, len(sinks))
			for i, s := range sinks {
				got[i] = strconv.FormatInt(s.count(), 10)
			}
			r.note = fmt.Sprintf("%d accepted; NOT all delivered within %s (sinks hold %s)", accepted, h.o.deliverWait, strings.Join(got, ", "))
			return r, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func sum(m map[string]int) int {
	t := 0
	for _, v := range m {
		t += v
	}
	return t
}

// sink is a webhook endpoint counting distinct webhook-ids.
type sink struct {
	srv  *http.Server
	url  string
	mu   sync.Mutex
	seen map[string]struct{}
}

func (s *sink) reset() {
	s.mu.Lock()
	s.seen = map[string]struct{}{}
	s.mu.Unlock()
}

func (s *sink) count() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int64(len(s.seen))
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	id := r.Header.Get("webhook-id")
	s.mu.Lock()
	if s.seen == nil {
		s.seen = map[string]struct{}{}
	}
	s.seen[id] = struct{}{}
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// addSink starts a sink and registers it as a push project.
func (h *harness) addSink() (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sink{url: "http://" + ln.Addr().String() + "/hook"}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	form := url.Values{"url": {s.url}, "project": {fmt.Sprintf("load-%d", len(h.sinks)+1)}}
	req, _ := http.NewRequest("POST", h.base+"/wx/push/addPushProject", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Token "+h.manager)
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(`"success":true`)) {
		return nil, fmt.Errorf("add push project: HTTP %d %s", resp.StatusCode, b)
	}
	return s, nil
}

// rss is the service's peak resident set size so far, from /proc, in MB.
func (h *harness) rss() string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", h.svc.Process.Pid))
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return strings.TrimSpace(v)
			}
			return fmt.Sprintf("%d MB", (kb+512)/1024)
		}
	}
	return "unknown"
}

func printTable(w io.Writer, o options, h *harness, rows []row) {
	fmt.Fprintf(w, "campushub load: %d connections, %s per scenario, %s, GOMAXPROCS %d, %s\n\n",
		o.connections, o.duration, databaseKind(h.env), runtime.GOMAXPROCS(0), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\trate\tvs bare\tp50\tp90\tp99\terrors\tpeak RSS\tnote")
	for _, r := range rows {
		ratio := "—"
		if h.bareRPS > 0 && !r.ratioOff {
			ratio = fmt.Sprintf("%.2f×", r.rate/h.bareRPS)
		}
		errs := "none"
		if len(r.errors) > 0 {
			var parts []string
			for k, v := range r.errors {
				parts = append(parts, fmt.Sprintf("%s:%d", k, v))
			}
			sort.Strings(parts)
			errs = strings.Join(parts, " ")
		}
		l := r.metrics.Latencies
		rss := r.rss
		if r.name == "bare" {
			rss = "—" // another process
		}
		fmt.Fprintf(tw, "%s\t%.0f %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name, r.rate, r.unit, ratio,
			ms(l.P50), ms(l.P90), ms(l.P99), errs, rss, r.note)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nservice peak RSS: %s\n", h.rss())
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func databaseKind(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "DATABASE_URL="); ok {
			scheme, _, _ := strings.Cut(v, ":")
			return scheme
		}
	}
	return "sqlite"
}

// serveBare is the baseline: a plain net/http handler answering a small
// JSON document like the app envelope.
func serveBare(addr string) {
	type data struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
	}
	type envelope struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    data   `json:"data"`
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/bare", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(envelope{Message: "success", Data: data{ID: 1, Username: "load"}})
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "bare server:", err)
		os.Exit(1)
	}
}

func waitHealthy(u string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(u)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer 200 within 2 minutes (last: %v)", u, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// repoRoot is the module root, two directories above this file.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

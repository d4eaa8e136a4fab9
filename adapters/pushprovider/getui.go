package pushprovider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/ports"
)

// GetuiConfig is the Getui application the service pushes through.
type GetuiConfig struct {
	BaseURL      string // e.g. https://restapi.getui.com/v2
	AppID        string
	AppKey       string
	MasterSecret string
	Timeout      time.Duration // per HTTP call; 10s when zero
	TTL          time.Duration // how long Getui keeps an offline message; 24h when zero
}

// Getui pushes through the Getui v2 REST API: it signs in with
// sign = sha256(appkey + timestamp + mastersecret), caches the token until
// shortly before it expires, creates one message per push ("list message")
// and sends it to the client ids in batches of up to 1000 ("list cid").
type Getui struct {
	cfg    GetuiConfig
	client *http.Client
	now    func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

var _ ports.PushProvider = (*Getui)(nil)

// batchSize is the most client ids Getui takes in one list push.
const batchSize = 1000

// codeTokenInvalid is Getui's answer to an expired or unknown token.
const codeTokenInvalid = 10001

// NewGetui returns the Getui adapter.
func NewGetui(cfg GetuiConfig) *Getui {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 24 * time.Hour
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Getui{cfg: cfg, client: &http.Client{Timeout: cfg.Timeout}, now: time.Now}
}

// Send pushes the messages of one push; they share title and body, so one
// Getui message is created for each distinct pair and sent to its client ids.
func (g *Getui) Send(ctx context.Context, msgs []push.Message) ([]push.Result, error) {
	out := make([]push.Result, len(msgs))
	type key struct{ title, body string }
	groups := map[key][]int{}
	var order []key
	for i, m := range msgs {
		k := key{m.Title, m.Body}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	for _, k := range order {
		idx := groups[k]
		taskID, err := g.createMessage(ctx, msgs[idx[0]])
		if err != nil {
			return nil, err
		}
		for start := 0; start < len(idx); start += batchSize {
			part := idx[start:min(start+batchSize, len(idx))]
			cids := make([]string, len(part))
			for j, i := range part {
				cids[j] = msgs[i].ClientID
			}
			status, err := g.pushToList(ctx, taskID, cids)
			if err != nil {
				return nil, err
			}
			for j, i := range part {
				out[i] = result(status[cids[j]])
			}
		}
	}
	return out, nil
}

// result reads Getui's per-client status ("successed_online",
// "successed_offline", … or an error word).
func result(status string) push.Result {
	switch {
	case status == "":
		return push.Result{Detail: "no status for this client id in the provider's answer"}
	case strings.HasPrefix(status, "successed"):
		return push.Result{Accepted: true, Detail: status}
	default:
		return push.Result{Detail: status}
	}
}

func (g *Getui) createMessage(ctx context.Context, m push.Message) (string, error) {
	body := map[string]any{
		"request_id": fmt.Sprintf("campushub-%d-%d", m.PushID, g.now().UnixNano()),
		"settings":   map[string]any{"ttl": g.cfg.TTL.Milliseconds()},
		"push_message": map[string]any{
			"notification": map[string]any{"title": m.Title, "body": m.Body, "click_type": "startapp"},
		},
		"push_channel": map[string]any{
			"ios": map[string]any{"type": "notify", "aps": map[string]any{
				"alert": map[string]any{"title": m.Title, "body": m.Body}, "content-available": 0,
			}},
		},
	}
	var data struct {
		TaskID string `json:"taskid"`
	}
	if err := g.call(ctx, "/push/list/message", body, &data); err != nil {
		return "", err
	}
	if data.TaskID == "" {
		return "", errors.New("getui: list message answered without a taskid")
	}
	return data.TaskID, nil
}

func (g *Getui) pushToList(ctx context.Context, taskID string, cids []string) (map[string]string, error) {
	body := map[string]any{"audience": map[string]any{"cid": cids}, "taskid": taskID, "is_async": false}
	var data map[string]map[string]string
	if err := g.call(ctx, "/push/list/cid", body, &data); err != nil {
		return nil, err
	}
	return data[taskID], nil
}

// call POSTs body to an authenticated endpoint, signing in again once when
// Getui says the token is no longer valid.
func (g *Getui) call(ctx context.Context, path string, body, data any) error {
	for attempt := 0; ; attempt++ {
		token, err := g.authToken(ctx)
		if err != nil {
			return err
		}
		code, err := g.post(ctx, path, token, body, data)
		if code == codeTokenInvalid && attempt == 0 {
			g.forget(token)
			continue
		}
		return err
	}
}

func (g *Getui) authToken(ctx context.Context) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.token != "" && g.now().Before(g.expires) {
		return g.token, nil
	}
	ts := strconv.FormatInt(g.now().UnixMilli(), 10)
	sum := sha256.Sum256([]byte(g.cfg.AppKey + ts + g.cfg.MasterSecret))
	var data struct {
		Token      string `json:"token"`
		ExpireTime string `json:"expire_time"`
	}
	body := map[string]string{"sign": hex.EncodeToString(sum[:]), "timestamp": ts, "appkey": g.cfg.AppKey}
	if _, err := g.post(ctx, "/auth", "", body, &data); err != nil {
		return "", err
	}
	if data.Token == "" {
		return "", errors.New("getui: auth answered without a token")
	}
	expires := g.now().Add(time.Hour)
	if ms, err := strconv.ParseInt(data.ExpireTime, 10, 64); err == nil {
		expires = time.UnixMilli(ms).Add(-5 * time.Minute) // renew before Getui drops it
	}
	g.token, g.expires = data.Token, expires
	return g.token, nil
}

func (g *Getui) forget(token string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.token == token {
		g.token = ""
	}
}

// post sends one request and decodes Getui's {"code","msg","data"} answer;
// it returns Getui's code so callers can react to specific ones.
func (g *Getui) post(ctx context.Context, path, token string, body, data any) (int, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.cfg.BaseURL+"/"+g.cfg.AppID+path, bytes.NewReader(raw))
	if err != nil {
		return 0, fmt.Errorf("getui: %w", err)
	}
	req.Header.Set("Content-Type", "application/json;charset=utf-8")
	if token != "" {
		req.Header.Set("token", token)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("getui %s: %w", path, err)
	}
	defer resp.Body.Close()
	payload, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return 0, fmt.Errorf("getui %s: read answer: %w", path, err)
	}
	var answer struct {
		Code *int            `json:"code"`
		Msg  string          `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	if jerr := json.Unmarshal(payload, &answer); jerr != nil || answer.Code == nil {
		return 0, fmt.Errorf("getui %s: HTTP %d with an unreadable answer", path, resp.StatusCode)
	}
	if *answer.Code != 0 {
		return *answer.Code, fmt.Errorf("getui %s: code %d: %s", path, *answer.Code, answer.Msg)
	}
	if resp.StatusCode/100 != 2 {
		return 0, fmt.Errorf("getui %s: HTTP %d", path, resp.StatusCode)
	}
	if data != nil && len(answer.Data) > 0 && string(answer.Data) != "null" {
		if err := json.Unmarshal(answer.Data, data); err != nil {
			return 0, fmt.Errorf("getui %s: unexpected data: %w", path, err)
		}
	}
	return 0, nil
}

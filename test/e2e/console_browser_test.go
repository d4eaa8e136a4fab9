package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/campushub/campushub/test/testenv"
)

// chromiumPath finds a Chromium or Chrome to drive: CHROME_PATH, else
// CAMPUSHUB_TEST_CHROMIUM (test/services/up.sh installs Debian's chromium and
// sets it), else the usual names on PATH; "" when there is none.
func chromiumPath() string {
	for _, v := range []string{"CHROME_PATH", "CAMPUSHUB_TEST_CHROMIUM"} {
		if p := os.Getenv(v); p != "" {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// screenshotDir is where the browser tests save their screenshots:
// CONSOLE_SCREENSHOTS, else a folder in the system's temporary directory.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("CONSOLE_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "campushub-console-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot folder: %v", err)
	}
	return dir
}

// page drives one headless Chromium tab.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
	shot string // screenshot folder
}

func newPage(t *testing.T, base string) *page {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("browser tests need Chromium: apt-get install -y chromium, or make services-up && source .services/env, or set CHROME_PATH")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US"),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return &page{t: t, ctx: ctx, base: base, shot: screenshotDir(t)}
}

// run runs browser actions with a generous deadline.
func (p *page) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v\npage text:\n%s", what, err, p.text())
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](p *page, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}

func (p *page) open(path string) {
	p.t.Helper()
	p.run("open "+path, chromedp.Navigate(p.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// text is what the page shows.
func (p *page) text() string {
	s, _ := eval[string](p, `document.body ? document.body.innerText : ""`)
	return s
}

// fill types into the named inputs of the form posting to action and
// submits it.
func (p *page) fill(action string, fields map[string]string) {
	p.t.Helper()
	form := fmt.Sprintf(`form[action="%s"]`, action)
	acts := []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS(form))}
	for name, v := range fields {
		css := fmt.Sprintf(`%s [name="%s"]`, form, name)
		clear, _ := json.Marshal(css)
		acts = append(acts, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(e => { e.value = ""; return true })(document.querySelector(%s))`, clear)))
			return err
		}))
		if v != "" {
			acts = append(acts, chromedp.SendKeys(chromedp.CSS(css), v))
		}
	}
	p.run("fill "+action, acts...)
	p.press(form + ` button[type="submit"]`)
}

// press clicks a button as the page has it now: the element's own click,
// not a mouse event at coordinates measured before the page (swapped in
// by htmx a moment ago) scrolled or moved.
func (p *page) press(sel string) {
	p.t.Helper()
	q, _ := json.Marshal(sel)
	p.run("press "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(b => { b.click(); return true })(document.querySelector(%s))`, q)))
		return err
	}))
}

// click clicks the first element matching a CSS selector.
func (p *page) click(sel string) {
	p.t.Helper()
	p.run("click "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// waitFor polls until the JavaScript condition holds; pages change by
// themselves (htmx polling) or after a click.
func (p *page) waitFor(what, cond string) {
	p.t.Helper()
	err := testenv.Poll(90*time.Second, func() error {
		ok, err := eval[bool](p, cond)
		if err == nil && !ok {
			err = errors.New("the condition does not hold")
		}
		return err
	})
	if err != nil {
		loc, _ := eval[string](p, `location.href`)
		p.screenshot("failed-" + strings.NewReplacer("/", "-", " ", "-").Replace(p.t.Name()))
		p.t.Fatalf("the page at %s does not show %s (%v); it shows:\n%s", loc, what, err, p.text())
	}
}

// waitText waits until the page shows s.
func (p *page) waitText(s string) {
	p.t.Helper()
	q, _ := json.Marshal(s)
	p.waitFor(fmt.Sprintf("%q", s), fmt.Sprintf(`document.body && document.body.innerText.includes(%s)`, q))
}

// value reads an element's text.
func (p *page) value(sel string) string {
	p.t.Helper()
	p.run("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// screenshot saves the whole page as name.png.
func (p *page) screenshot(name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(p.shot, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Fatalf("save screenshot: %v", err)
	}
	p.t.Logf("screenshot %s", path)
}

// TestConsoleInBrowser signs in to the console in a real headless Chromium
// and goes through a manager's and an organisation's day: send a push and
// watch it go out, answer feedback, register a push project and watch a 微校
// push arrive there, see a failed delivery's attempts and replay it, issue
// an organisation token, and as that organisation export its members and
// draw a lottery.
func TestConsoleInBrowser(t *testing.T) {
	if chromiumPath() == "" {
		t.Skip("browser tests need Chromium: apt-get install -y chromium, or make services-up && source .services/env, or set CHROME_PATH")
	}
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "console.db")
	env := relayEnv(dbURL)
	env["WEBHOOK_MAX_ATTEMPTS"] = "2"
	s := startService(t, env)
	apiToken := managerToken(t, s, dbURL) // relay-manager@example.com / password123
	p := newPage(t, s.URL)

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{}
	step := func(name string, run func(t *testing.T)) {
		steps = append(steps, struct {
			name string
			run  func(t *testing.T)
		}{name, run})
	}
	defer func() {
		for _, s := range steps {
			if !t.Run(s.name, s.run) {
				return // later steps build on this one
			}
		}
	}()

	step("sign in", func(t *testing.T) {
		p.t = t
		p.open("/console/overview")
		p.waitText("Managers") // sent to the sign-in page
		p.screenshot("01-sign-in")
		p.fill("/console/login", map[string]string{"account": "relay-manager@example.com", "password": "wrong-password"})
		p.waitText("wrong password")
		p.fill("/console/login", map[string]string{"account": "relay-manager@example.com", "password": "password123"})
		p.waitText("Pushes today")
		p.screenshot("02-overview")
	})

	step("send a push", func(t *testing.T) {
		p.t = t
		s.call(t, "POST", "/api/push/bind", apiToken, map[string]string{"client_id": "cid-android-1", "client_type": "android"}).
			want(t, "bind a device", 200, 0)
		p.click(`nav a[href="/console/pushes"]`)
		p.fill("/console/pushes", map[string]string{"push_title": "", "push_body": "Library closes at 18:00"})
		p.waitFor("the error next to the title", `document.querySelector('.field-error') !== null`)
		p.fill("/console/pushes", map[string]string{"push_title": "Library hours", "push_body": "Library closes at 18:00 today"})
		p.waitText("Per-device results")
		// The dispatcher sends it; the summary refreshes itself.
		p.waitFor("the push as sent", `(document.getElementById('push-status')||{}).innerText === 'sent'`)
		p.waitText("cid-android-1")
		p.screenshot("03-push-sent")
	})

	step("reply to feedback", func(t *testing.T) {
		p.t = t
		s.call(t, "POST", "/api/feedback", apiToken, map[string]any{"feedback_content": "The timetable shows last term's courses"}).
			want(t, "file feedback", 200, 0)
		p.open("/console/feedback?status=0")
		p.waitText("The timetable shows last term's courses")
		p.click(`table a[href^="/console/feedback/"]`)
		p.fill(p.formAction("/reply"), map[string]string{"reply_content": "Fixed: please pull to refresh."})
		p.waitText("The reply was sent.")
		if got := p.value("#feedback-status"); got != "replied" {
			t.Fatalf("feedback status %q after the reply", got)
		}
		p.screenshot("04-feedback-replied")
	})

	k := newSink(t, "campus-app", ok200)
	step("add a push project and watch a delivery arrive", func(t *testing.T) {
		p.t = t
		p.open("/console/relay")
		p.fill("/console/relay", map[string]string{"url": k.srv.URL + "/hook", "project": "campus-app"})
		p.waitText("shown only this once")
		secret := p.value("#secret")
		if !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("secret %q", secret)
		}
		k.setSecret(secret)
		p.screenshot("05-project-added")
		p.click(`table a[href^="/console/relay/"]`)
		p.waitText("No deliveries yet.")
		receive(t, s.URL, "first")
		// No reload: the delivery list refreshes itself.
		p.waitFor("a succeeded delivery", `document.querySelector('tr.delivery[data-status="succeeded"]') !== null`)
		if !k.hasAll([]string{"first"}) {
			t.Fatal("the sink did not receive the event")
		}
		p.screenshot("06-delivery-succeeded")
	})

	step("replay a failed delivery", func(t *testing.T) {
		p.t = t
		k.setAnswer(func(string, int) (int, time.Duration) { return http.StatusInternalServerError, 0 })
		receive(t, s.URL, "second")
		p.waitFor("a failed delivery", `document.querySelector('tr.delivery[data-status="failed"]') !== null`)
		p.click(`tr.delivery[data-status="failed"] a`)
		p.waitText("Answer body")
		p.waitFor("two failed attempts with HTTP 500", `[...document.querySelectorAll('tr.attempt')].filter(r => r.innerText.includes('500')).length === 2`)
		p.screenshot("07-delivery-attempts")
		k.setAnswer(ok200)
		p.click(`form[action$="/replay"] button`)
		p.waitText("The delivery was queued again.")
		err := testenv.Poll(90*time.Second, func() error {
			if st := p.value("#delivery-status"); st != "succeeded" {
				p.run("reload", chromedp.Reload())
				return fmt.Errorf("the replayed delivery is %q", st)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("the replayed delivery did not succeed (%v):\n%s", err, p.text())
		}
		if !k.hasAll([]string{"first", "second"}) {
			t.Fatal("the sink did not receive the replayed event")
		}
		p.open("/console/overview")
		p.waitText("Pushes today")
		p.screenshot("07b-overview-after-work")
	})

	var orgToken string
	step("issue an organisation token", func(t *testing.T) {
		p.t = t
		p.open("/console/orgs")
		p.fill("/console/orgs", map[string]string{"name": "Campus Union"})
		p.waitText("The organisation was created.")
		p.fill(p.formAction("/tokens"), map[string]string{"label": "front desk"})
		p.waitText("shown only this once")
		orgToken = p.value("#secret")
		p.screenshot("08-token-issued")
		p.click(`form[action="/console/logout"] button`)
		p.waitText("You have signed out.")
		p.open("/console/overview")
		p.waitText("Managers") // the session is over
	})

	step("organisation exports its members and draws a winner", func(t *testing.T) {
		p.t = t
		p.fill("/console/login/org", map[string]string{"token": orgToken})
		p.waitText("New activity")
		p.run("choose lottery", chromedp.SetValue(chromedp.CSS(`form[action="/console/org/activities"] select[name="kind"]`), "lottery"))
		p.fill("/console/org/activities", map[string]string{"name": "Spring lottery"})
		p.waitText("The activity was saved.")
		path, err := eval[string](p, `location.pathname`)
		if err != nil {
			t.Fatal(err)
		}
		join := "/api/v3/activitys_for_wx/" + strings.TrimPrefix(path, "/console/org/activities/") + "/wx/userInfo?access_type=org&access_token=" + orgToken
		for _, m := range []string{"s1001", "s1002", "s1003"} {
			var member string
			s.activityCall(t, "POST", join, "", fmt.Sprintf(`{"member_id":"%s","member_nickname":"nick-%s"}`, m, m)).data(t, "join "+m, &member)
		}
		p.run("reload", chromedp.Reload())
		p.waitText("s1003")
		dir := t.TempDir()
		p.run("allow downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
			})
			return err
		}))
		p.click(`a[href$="members.csv"]`)
		var csv []byte
		testenv.WaitFor(t, 90*time.Second, "the members CSV is downloaded", func() bool {
			matches, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
			if len(matches) == 0 {
				return false
			}
			csv, _ = os.ReadFile(matches[0])
			return strings.Count(string(csv), "\n") == 4
		})
		for _, m := range []string{"member_id", "s1001,nick-s1001", "s1003,nick-s1003"} {
			if !strings.Contains(string(csv), m) {
				t.Fatalf("the CSV lacks %q:\n%s", m, csv)
			}
		}
		p.fill(path+"/draw", map[string]string{"count": "1"})
		p.waitText("Winners drawn: 1.")
		p.waitFor("one winner listed", `document.querySelectorAll('ol.winners li:not(.empty)').length === 1`)
		p.screenshot("09-organisation-activity")
	})

	step("organisation renames and closes a meeting", func(t *testing.T) {
		p.t = t
		p.click(`nav a[href="/console/org/meetings"]`)
		p.fill("/console/org/meetings", map[string]string{"name": "Freshers"})
		p.waitText("The meeting was created.")
		path, err := eval[string](p, `location.pathname`)
		if err != nil {
			t.Fatal(err)
		}
		p.fill(path+"/users", map[string]string{"member_ids": "s1001, s1002"})
		p.waitText("The users were authorised.")
		p.fill(path, map[string]string{"name": ""})
		p.waitFor("the error next to the name", fmt.Sprintf(`(document.querySelector('form[action="%s"] .field-error')||{}).innerText === 'name is required'`, path))
		p.fill(path, map[string]string{"name": "Freshers 2026"})
		p.waitText("The meeting was renamed.")
		if got := p.value("h1"); !strings.HasPrefix(got, "Freshers 2026") {
			t.Fatalf("heading %q after renaming", got)
		}
		p.press(fmt.Sprintf(`form[action="%s/close"] button`, path))
		p.waitText("The meeting was closed.")
		p.waitFor("the meeting as closed", `document.getElementById('meeting-status').innerText.startsWith('closed')`)
		p.waitFor("no authorising form any more", `document.querySelector('form[action$="/users"]') === null`)
		p.waitText("s1002") // its users stay listed
		p.screenshot("09b-meeting-closed")
		p.click(`nav a[href="/console/org/meetings"]`)
		p.waitFor("the list shows it closed", `document.querySelector('tr.meeting[data-status="closed"]') !== null`)
	})

	step("usable at phone width", func(t *testing.T) {
		p.t = t
		p.run("phone size", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		p.open("/console/org")
		p.waitText("Activities")
		p.waitFor("no sideways scrolling", `document.documentElement.scrollWidth <= window.innerWidth + 1`)
		p.screenshot("10-phone")
	})

	step("switch to Chinese", func(t *testing.T) {
		p.t = t
		p.run("desktop size", chromedp.EmulateViewport(1280, 900))
		p.click(`a[href^="/console/lang?to=zh"]`)
		p.waitText("新建活动")
		p.screenshot("11-chinese")
		// Rule messages from the domain read in Chinese too.
		p.click(`nav a[href="/console/org/meetings"]`)
		p.fill("/console/org/meetings", map[string]string{"name": strings.Repeat("会", 101)})
		p.waitFor("the Chinese error next to the name", `(document.querySelector('form[action="/console/org/meetings"] .field-error')||{}).innerText === '太长了：101 个字符，最多 100 个。'`)
	})
}

// formAction is the action of the first form on the page ending in suffix.
func (p *page) formAction(suffix string) string {
	p.t.Helper()
	p.run("find form "+suffix, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`form[action$="%s"]`, suffix))))
	action, err := eval[string](p, fmt.Sprintf(`document.querySelector('form[action$="%s"]').getAttribute('action')`, suffix))
	if err != nil {
		p.t.Fatalf("find form %s: %v", suffix, err)
	}
	return action
}

// receive sends the service one 微校 push whose raw_data is raw.
func receive(t *testing.T, base, raw string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"app_key": relayPlainApp, "school_code": "45229", "event": "addUser", "raw_data": raw})
	if r := wx(t, base, "POST", "/wx/wxc/receive", "", string(body)); r.Status != 200 || r.code() != "0" {
		t.Fatalf("receive %s: HTTP %d %s %s", raw, r.Status, r.code(), r.Message)
	}
}

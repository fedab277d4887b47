package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"koogallery/apptest"
	"koogallery/models"
)

// stepTimeout bounds one browser step (a navigation, a click and its page load, a query).
const stepTimeout = 15 * time.Second

// shotDir is where the tests save screenshots when KG_SHOTS=1.
const shotDir = "/tmp/kg-shots"

// chromiumPath finds the browser: $CHROMIUM, then the usual names on PATH. Without one the
// test is skipped, or failed under CI.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
		if apptest.InCI() {
			t.Fatalf("CHROMIUM=%s is not an executable", p)
		}
		t.Skipf("CHROMIUM=%s is not an executable", p)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if apptest.InCI() {
		t.Fatal("chromium is required under CI (install Debian's chromium package or set CHROMIUM)")
	}
	t.Skip("chromium not found (install Debian's chromium package or set CHROMIUM)")
	return ""
}

// tab is one headless Chromium tab on one application server.
type tab struct {
	t    *testing.T
	ctx  context.Context // the tab's context: no deadline, each step derives its own
	base string

	mu       sync.Mutex
	problems []string // JavaScript exceptions and console/browser-log errors
	allowed  []string // substrings of browser-log errors a test expects (e.g. a 422 page)
}

// startBrowser starts the app with demo data and a fresh headless Chromium with one tab on it.
// Both stop when the test ends; JavaScript errors seen on the way fail the test.
func startBrowser(t *testing.T) (*apptest.Server, *tab) {
	t.Helper()
	exe := chromiumPath(t)
	srv := apptest.Start(t, apptest.Options{})

	// A profile directory under the test's temp dir, removed by us with retries once the
	// browser has stopped (helper processes may still write into it for a moment).
	profile := filepath.Join(t.TempDir(), "profile")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1366, 900),
	}
	// No timeout on these two contexts: they own the browser's life.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	b := &tab{t: t, ctx: ctx, base: srv.URL}
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser process
		for i := 0; i < 50; i++ {
			if err := os.RemoveAll(profile); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	if err := chromedp.Do(ctx); err != nil { // starts the browser and opens the tab
		t.Fatalf("start chromium (%s): %v", exe, err)
	}
	if err := chromedp.Listen(ctx, b.watch); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.reportProblems) // runs before the browser stops
	return srv, b
}

// watch records what a healthy page never shows: uncaught exceptions and errors on the console.
func (b *tab) watch(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "exception: " + (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error()
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			parts := make([]string, 0, len(ev.Args))
			for _, a := range ev.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, string(a.Value))
				}
			}
			msg = "console.error: " + strings.Join(parts, " ")
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			msg = fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	}
	if msg == "" {
		return
	}
	b.mu.Lock()
	b.problems = append(b.problems, msg)
	b.mu.Unlock()
}

// allow accepts browser-log errors containing s (for pages a test expects to fail, e.g. a 422).
func (b *tab) allow(s string) {
	b.mu.Lock()
	b.allowed = append(b.allowed, s)
	b.mu.Unlock()
}

func (b *tab) reportProblems() {
	b.mu.Lock()
	defer b.mu.Unlock()
next:
	for _, p := range b.problems {
		for _, a := range b.allowed {
			if strings.Contains(p, a) {
				continue next
			}
		}
		b.t.Errorf("browser reported: %s", p)
	}
}

// step runs actions with a per-step timeout and fails the test on error.
func (b *tab) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (at %s)", what, err, b.pathNoFail())
	}
}

// open loads path and returns the HTTP status of the document.
func (b *tab) open(path string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return res.Status
}

// follow clicks an element that loads a new page (a link or a submit button) and waits for
// that page; it returns the final document's HTTP status.
func (b *tab) follow(sel string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("click %s and wait for the page: %v (at %s)", sel, err, b.pathNoFail())
	}
	return res.Status
}

// eval evaluates a JavaScript expression and decodes its result into T.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// tid is the CSS selector of a data-testid.
func tid(id string) string { return `[data-testid="` + id + `"]` }

// text is the rendered text (innerText) of the first match of sel, "" when there is none.
func (b *tab) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(eval[string](b, `(function(){const e=document.querySelector(`+js(sel)+`);return e?e.innerText:""})()`))
}

// texts is the rendered text of every match of sel.
func (b *tab) texts(sel string) []string {
	b.t.Helper()
	return eval[[]string](b, `Array.from(document.querySelectorAll(`+js(sel)+`), e => e.innerText.trim())`)
}

// count is the number of matches of sel.
func (b *tab) count(sel string) int {
	b.t.Helper()
	return eval[int](b, `document.querySelectorAll(`+js(sel)+`).length`)
}

// path is the current location's path and query.
func (b *tab) path() string {
	b.t.Helper()
	return eval[string](b, `location.pathname + location.search`)
}

func (b *tab) pathNoFail() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	p, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		return "?"
	}
	return p
}

// mark gives the first element matching sel whose text contains s the attribute
// data-kg-mark=name, and returns the selector of the element marked, or fails.
func (b *tab) mark(sel, s, name string) string {
	b.t.Helper()
	ok := eval[bool](b, `(function(){
		for (const e of document.querySelectorAll(`+js(sel)+`)) {
			if (e.innerText.includes(`+js(s)+`)) { e.setAttribute("data-kg-mark", `+js(name)+`); return true }
		}
		return false })()`)
	if !ok {
		b.t.Fatalf("no %s containing %q on %s", sel, s, b.path())
	}
	return `[data-kg-mark="` + name + `"]`
}

// wantPath fails unless the current path (without the query) is want.
func (b *tab) wantPath(want string) {
	b.t.Helper()
	if got := eval[string](b, `location.pathname`); got != want {
		b.t.Fatalf("at %s, want %s", got, want)
	}
}

// wantTitle checks the page's heading and the document title.
func (b *tab) wantTitle(want string) {
	b.t.Helper()
	if got := b.text(tid("page-title")); got != want {
		b.t.Errorf("page title at %s = %q, want %q", b.path(), got, want)
	}
	if got := eval[string](b, `document.title`); !strings.HasPrefix(got, want+" · ") {
		b.t.Errorf("document title at %s = %q, want it to start with %q", b.path(), got, want)
	}
	b.noRawKeys()
}

// noRawKeys fails when the page shows a text that looks like an untranslated i18n key.
func (b *tab) noRawKeys() {
	b.t.Helper()
	if bad := b.untranslated(); len(bad) > 0 {
		b.t.Errorf("untranslated message keys at %s: %q", b.path(), bad)
	}
}

// wantActiveNav checks that the side navigation marks exactly the link labelled label.
func (b *tab) wantActiveNav(label string) {
	b.t.Helper()
	if got := b.texts(tid("sidenav") + ` a[aria-current="page"]`); len(got) != 1 || got[0] != label {
		b.t.Errorf("active side navigation at %s = %q, want [%q]", b.path(), got, label)
	}
}

// nav clicks the side navigation link labelled label and waits for its page.
func (b *tab) nav(label string) {
	b.t.Helper()
	sel := b.mark(tid("sidenav")+" a", label, "nav")
	if st := b.follow(sel); st != 200 {
		b.t.Fatalf("side navigation %q: status %d", label, st)
	}
}

// armHTMX marks the current document and counts htmx's settled swaps, so a test can tell an
// in-place swap from a page load.
func (b *tab) armHTMX() {
	b.t.Helper()
	b.step("watch htmx swaps", chromedp.Evaluate[chromedp.Void](`
		window.kgSamePage = true; window.kgSettles = 0;
		document.body.addEventListener("htmx:afterSettle", () => window.kgSettles++);`))
}

// htmxClick clicks sel and waits until htmx has swapped and settled the response (the new
// content is processed only then; a click before that would submit the form natively).
func (b *tab) htmxClick(sel string) {
	b.t.Helper()
	n := eval[int](b, `window.kgSettles`)
	b.step("click "+sel+" and wait for the htmx swap",
		chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`window.kgSamePage === true && window.kgSettles > %d`, n), chromedp.WithPollingTimeout(stepTimeout)),
	)
}

// login signs in through the login form and returns where the browser landed.
func (b *tab) login(email string) string {
	b.t.Helper()
	if st := b.open("/login"); st != 200 {
		b.t.Fatalf("login page: status %d", st)
	}
	b.step("fill the login form",
		chromedp.SendKeys(chromedp.CSS("#email"), email, chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS("#password"), models.DemoPassword, chromedp.NodeVisible),
	)
	if st := b.follow(tid("login-submit")); st != 200 {
		b.t.Fatalf("login as %s: status %d", email, st)
	}
	if b.count(tid("current-user")) != 1 {
		b.t.Fatalf("login as %s: no current user shown at %s (error: %q)", email, b.path(), b.text(tid("login-error")))
	}
	return eval[string](b, `location.pathname`)
}

// shot saves a full-page screenshot as /tmp/kg-shots/name.png when KG_SHOTS=1.
func (b *tab) shot(name string) {
	b.t.Helper()
	if os.Getenv("KG_SHOTS") != "1" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(shotDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shotDir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// untranslated lists the texts that look like raw i18n keys ("order.status.paid") anywhere on
// the page, and the Chinese texts inside the given chrome selectors, which an English page must
// translate (product and company names are data and may stay Chinese, so keep them out).
func (b *tab) untranslated(chrome ...string) []string {
	b.t.Helper()
	if chrome == nil {
		chrome = []string{}
	}
	sels, _ := json.Marshal(chrome)
	return eval[[]string](b, `(function(){
		const out = [];
		const key = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			const s = n.textContent.trim();
			if (key.test(s) && n.parentElement.closest("code") === null) out.push("key: " + s);
		}
		for (const sel of `+string(sels)+`) {
			for (const e of document.querySelectorAll(sel)) {
				if (e.closest('[lang="zh-CN"]') && e.closest('[lang="zh-CN"]') !== document.documentElement) continue;
				const s = e.innerText.trim();
				if (/[\u4e00-\u9fff]/.test(s)) out.push(sel + ": " + s);
			}
		}
		return out })()`)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/auditpack/auditpack/internal/corpus"
	"github.com/auditpack/auditpack/internal/testenv"
)

// browser opens headless Chromium and records what a page must not do:
// log an error, throw, or ask the network for anything.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := testenv.Tool(t, "chromium", "apt-get install -y chromium; .ci/run does")
	// Chromium keeps its profile in a directory chromedp makes and removes,
	// and writes its NSS database, caches and crash reports under HOME and
	// the XDG directories: all of them temporary here.
	home := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Env("HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "XDG_DATA_HOME="+filepath.Join(home, ".local", "share")))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{ctx: ctx}
	b.do(t, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
		return err
	}))
	note := func(problem string) {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.problems = append(b.problems, problem)
	}
	console, requests := chromedp.Console(ctx), chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for msg, err := range console {
			if err != nil {
				return
			}
			if msg.Type == chromedp.ConsoleError || msg.Type == chromedp.ConsoleException || msg.Type == chromedp.ConsoleWarning {
				note(fmt.Sprintf("console %s: %s", msg.Type, msg.Text))
			}
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			if !strings.HasPrefix(ev.Request.URL, "file://") {
				note("network request: " + ev.Request.URL)
			}
		}
	}()
	return b
}

func (b *browser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func value[T any](t *testing.T, b *browser, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// clean reports what the pages did that they must not; events come
// asynchronously, so it waits a moment for the last ones.
func (b *browser) clean(t *testing.T, what string) {
	t.Helper()
	time.Sleep(200 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("%s: %s", what, p)
	}
	b.problems = nil
}

// writeOutput runs the CLI and writes its standard output to a file.
func writeOutput(t *testing.T, path string, args ...string) {
	t.Helper()
	got := runIn(testEnv(t), args...)
	if got.code > 1 {
		t.Fatalf("%v: exit %d: %s", args, got.code, got.stderr)
	}
	if err := os.WriteFile(path, []byte(got.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHTMLReportsInABrowser opens verify's and lint's HTML reports in
// headless Chromium: no console error, no network request, the counts on
// the page are the JSON output's, a filter click hides the passing
// controls, a deep link scrolls to its control, printing to PDF works, and
// with JavaScript off every control is still listed.
func TestHTMLReportsInABrowser(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	// DISA's fix texts with three requirements taken out.
	rules := threeGaps(t, dir)
	report, reportJSON := filepath.Join(dir, "verify.html"), filepath.Join(dir, "verify.json")
	host := []string{"--host-name", "web01", "--host-fqdn", "web01.example.mil", "--host-ip", "192.0.2.10"}
	writeOutput(t, report, append([]string{"verify", "--profile", "stig-rhel9", "--rules", rules, "--format", "html"}, host...)...)
	writeOutput(t, reportJSON, append([]string{"verify", "--profile", "stig-rhel9", "--rules", rules, "--format", "json"}, host...)...)
	var verified struct {
		Controls []verifiedControl
		Summary  struct {
			Pass, Fail int
			NotChecked int `json:"not_checked"`
		}
	}
	data, _ := os.ReadFile(reportJSON)
	if err := json.Unmarshal(data, &verified); err != nil {
		t.Fatal(err)
	}

	b.do(t, chromedp.Navigate("file://"+report))
	counts := [3]string{value(t, b, chromedp.Text(chromedp.ID("count-pass"))), value(t, b, chromedp.Text(chromedp.ID("count-fail"))),
		value(t, b, chromedp.Text(chromedp.ID("count-not-checked")))}
	failingSTIG := value(t, b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('tr[data-status=FAIL]')).map(r => r.id).filter(id => id.startsWith('RHEL-'))`))
	want := [3]string{fmt.Sprintf("%d passed", verified.Summary.Pass), fmt.Sprintf("%d failed", verified.Summary.Fail), fmt.Sprintf("%d not checked", verified.Summary.NotChecked)}
	if counts != want {
		t.Errorf("the page counts %v, the JSON %v", counts, want)
	}
	// DISA's own fix text fails RHEL-09-654235 (/etc/opasswd for the check
	// text's /etc/security/opasswd), gap or not.
	if want := []string{"RHEL-09-654010", "RHEL-09-654065", "RHEL-09-654235", "RHEL-09-654250"}; !slices.Equal(failingSTIG, want) {
		t.Errorf("failing STIG controls on the page %v, want the three gaps and 654235 %v", failingSTIG, want)
	}
	suggested := value(t, b, chromedp.Text(chromedp.ID("RHEL-09-654250")))
	if !strings.Contains(suggested, "add -a always,exit -F arch=b64 -F path=/var/log/faillock -F perm=wa -F auid>=1000 -F auid!=unset -k logins") {
		t.Errorf("the failing control does not show the rule to add:\n%s", suggested)
	}
	// A filter click hides the passing controls.
	b.do(t, chromedp.Click(chromedp.CSS(`input[data-filter-status="PASS"]`)))
	visiblePass := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-status=PASS]:not([hidden])').length`))
	visibleFail := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-status=FAIL]:not([hidden])').length`))
	if visiblePass != 0 || visibleFail != verified.Summary.Fail {
		t.Errorf("after unticking passed: %d passing and %d failing rows shown, want 0 and %d", visiblePass, visibleFail, verified.Summary.Fail)
	}
	// A deep link scrolls to its control.
	b.do(t, chromedp.Navigate("file://"+report+"#RHEL-09-654250"))
	top := value(t, b, chromedp.Evaluate[float64](`document.getElementById('RHEL-09-654250').getBoundingClientRect().top`))
	height := value(t, b, chromedp.Evaluate[float64](`window.innerHeight`))
	if top < -1 || top >= height { // scrolled to: at the top, give or take a border
		t.Errorf("#RHEL-09-654250 is at %.0f px, outside the %.0f px window", top, height)
	}
	pdf := value(t, b, chromedp.PrintToPDF())
	if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) < 10_000 {
		t.Errorf("print to PDF gave %d bytes", len(pdf))
	}
	assessorView(t, b, report, verified.Controls)
	b.clean(t, "verify report")

	// lint: the counts on the page are the JSON's; the filter works.
	lintReport, lintJSON := filepath.Join(dir, "lint.html"), filepath.Join(dir, "lint.json")
	demo := []string{"../../testdata/inputs/lint-demo/site", "../../testdata/inputs/lint-demo/stig"}
	writeOutput(t, lintReport, append([]string{"lint", "--format", "html"}, demo...)...)
	writeOutput(t, lintJSON, append([]string{"lint", "--format", "json"}, demo...)...)
	var linted struct {
		Summary struct{ Errors, Warnings int }
	}
	data, _ = os.ReadFile(lintJSON)
	json.Unmarshal(data, &linted)
	b.do(t, chromedp.Navigate("file://"+lintReport))
	errs, warns := value(t, b, chromedp.Text(chromedp.ID("count-error"))), value(t, b, chromedp.Text(chromedp.ID("count-warning")))
	b.do(t, chromedp.Click(chromedp.CSS(`input[data-filter-status="warning"]`)))
	shown := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-status]:not([hidden])').length`))
	if errs != fmt.Sprintf("%d errors", linted.Summary.Errors) || warns != fmt.Sprintf("%d warnings", linted.Summary.Warnings) || shown != linted.Summary.Errors {
		t.Errorf("lint page: %q, %q, %d rows shown without warnings; JSON: %d errors, %d warnings", errs, warns, shown, linted.Summary.Errors, linted.Summary.Warnings)
	}
	b.clean(t, "lint report")

	// JavaScript off: the published STIG example's report lists every control.
	upstream := filepath.Join(corpus.Dir(t, "debian-auditd-3.0.9"), "30-stig.rules")
	stigReport, stigJSON := filepath.Join(dir, "stig.html"), filepath.Join(dir, "stig.json")
	writeOutput(t, stigReport, "verify", "--profile", "stig-rhel9", "--rules", upstream, "--format", "html")
	writeOutput(t, stigJSON, "verify", "--profile", "stig-rhel9", "--rules", upstream, "--format", "json")
	data, _ = os.ReadFile(stigJSON)
	verified.Controls = nil
	json.Unmarshal(data, &verified)
	b.do(t, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}), chromedp.Navigate("file://"+stigReport))
	rows := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll('#controls tr[data-status]:not([hidden])').length`))
	filtered := value(t, b, chromedp.Text(chromedp.ID("shown")))
	if rows != len(verified.Controls) || rows == 0 || filtered != strconv.Itoa(rows) {
		t.Errorf("with JavaScript off %d control rows show (the page says %s), the JSON has %d", rows, filtered, len(verified.Controls))
	}
	b.clean(t, "30-stig.rules report")
}

// verifiedControl is a control of verify's JSON.
type verifiedControl struct {
	Control, Status string
	RollUp          bool `json:"roll_up"`
	Rule            *struct{ Severity string }
}

// assessorView checks what an assessor looks for on the verify page: the
// host, the score as the JSON's verdicts give it, the CAT filter, unset
// settings marked as failing, and the check and fix texts opened for
// printing. With AUDITPACK_SCREENSHOTS set, it keeps screenshots there.
func assessorView(t *testing.T, b *browser, page string, controls []verifiedControl) {
	t.Helper()
	pass, judged, catII := 0, 0, 0
	for _, c := range controls {
		if c.Rule == nil || c.RollUp {
			continue
		}
		if c.Rule.Severity == "medium" {
			catII++
		}
		if c.Status != "NOT CHECKED" {
			judged++
			if c.Status == "PASS" {
				pass++
			}
		}
	}
	b.do(t, chromedp.Navigate("file://"+page))
	screenshot(t, b, "verify-top.png")
	if host := value(t, b, chromedp.Text(chromedp.ID("host"))); !strings.Contains(host, "web01") || !strings.Contains(host, "web01.example.mil") {
		t.Errorf("the page names the host %q", host)
	}
	if score, want := value(t, b, chromedp.Text(chromedp.ID("score"))), fmt.Sprintf("score %.2f / 100", float32(100*pass)/float32(judged)); !strings.HasPrefix(score, want) {
		t.Errorf("the page says %q, want %q (%d of %d judged requirements pass)", score, want, pass, judged)
	}
	if shown := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll('#controls tr[data-cat="CAT-II"]').length`)); shown != catII || catII == 0 {
		t.Errorf("%d CAT II rows, the JSON has %d medium requirements", shown, catII)
	}
	b.do(t, chromedp.Navigate("file://"+page+"#RHEL-09-654010"))
	screenshot(t, b, "verify-failing.png")
	b.do(t, chromedp.Click(chromedp.CSS(`input[data-filter-cat="CAT-II"]`)))
	if shown := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll('#controls tr[data-cat="CAT-II"]:not([hidden])').length`)); shown != 0 {
		t.Errorf("unticking CAT II leaves %d CAT II rows shown", shown)
	}
	if unset := value(t, b, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#settings tr')).filter(r => r.textContent.includes('unset')).map(r => r.lastElementChild.textContent).join(',')`)); unset == "" || strings.Trim(strings.ReplaceAll(unset, "FAIL", ""), ",") != "" {
		t.Errorf("settings the target leaves unset are marked %q, want FAIL", unset)
	}
	opened := value(t, b, chromedp.Evaluate[[]int](`window.dispatchEvent(new Event('beforeprint')); [document.querySelectorAll('details[open]').length, document.querySelectorAll('details').length]`))
	if opened[0] != opened[1] || opened[1] == 0 {
		t.Errorf("printing opens %d of %d check and fix texts", opened[0], opened[1])
	}
}

// screenshot keeps what the browser shows in $AUDITPACK_SCREENSHOTS, for a
// person to look at; without it, nothing.
func screenshot(t *testing.T, b *browser, name string) {
	t.Helper()
	dir := os.Getenv("AUDITPACK_SCREENSHOTS")
	if dir == "" {
		return
	}
	b.do(t, chromedp.EmulateViewport(1400, 1000))
	png := value(t, b, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/config"
	"koogallery/models"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/refseller"
	"koogallery/secrets"
	"koogallery/sellerkit"
)

// serverProcess is cmd/server running as a child process.
type serverProcess struct {
	t    *testing.T
	bin  string
	args []string
	url  string
	log  string
	cmd  *exec.Cmd
}

// buildServer compiles cmd/server into the test's temporary directory.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "server")
	cmd := exec.Command("go", "build", "-o", bin, "koogallery/cmd/server")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/server: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	dbgCheck(t, err)
	defer l.Close()
	return l.Addr().String()
}

// start runs the server and waits until /healthz answers.
func (p *serverProcess) start() {
	t := p.t
	t.Helper()
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	dbgCheck(t, err)
	defer logf.Close()
	fmt.Fprintf(logf, "=== start %s\n", time.Now().Format(time.RFC3339Nano))
	p.cmd = exec.Command(p.bin, p.args...)
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.cmd.Env = append(os.Environ(), "APP_MODE=dev")
	dbgCheck(t, p.cmd.Start())
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(p.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			p.dumpLog()
			t.Fatalf("the server did not become healthy: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the server with SIGKILL: no shutdown, attempts in flight are abandoned.
func (p *serverProcess) kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
	p.cmd = nil
}

// stop ends the server gracefully.
func (p *serverProcess) stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	p.cmd = nil
}

func (p *serverProcess) dumpLog() {
	b, _ := os.ReadFile(p.log)
	if len(b) > 8000 {
		b = b[len(b)-8000:]
	}
	p.t.Logf("server log (tail):\n%s", b)
}

// TestDispatchCrashRecovery kills the server (SIGKILL) while attempts are in flight against
// a slow seller, fixes the seller, and starts the server again on the same MariaDB
// database: every purchase's newInstance is delivered (the calls the dead process had
// claimed once their lease ends), no call is lost, every service is opened.
func TestDispatchCrashRecovery(t *testing.T) {
	const n = 50
	dsn := apptest.NewMySQLDatabase(t)
	bin := buildServer(t)
	master := make([]byte, 32)
	_, _ = rand.Read(master)
	addr := freeAddr(t)
	lease := config.MinDispatchLease
	p := &serverProcess{t: t, bin: bin, url: "http://" + addr, log: filepath.Join(t.TempDir(), "server.log"),
		args: []string{"-addr", addr, "-data", t.TempDir(), "-db", dsn, "-sandbox-addr=", "-master-key", hex.EncodeToString(master),
			"-dispatch-lease", lease.String()}}
	t.Cleanup(p.stop)
	p.start() // migrates the database and seeds the demo data

	// This test process plays the seller center and the buyers, on the same database.
	store := openStore(t, dsn, t.TempDir())
	box, err := secrets.NewBox(master)
	dbgCheck(t, err)
	tap := &sellerTap{}
	ep := httptest.NewServer(tap)
	t.Cleanup(ep.Close)
	w := wireSeller(t, store, &sellerkit.Keys{Store: store, Box: box}, ep.URL)
	ref, err := refseller.New(refseller.Options{AccessKey: w.secret, Logger: quietLog(), Mode: refseller.ModeSlow, SlowDelay: 1500 * time.Millisecond})
	dbgCheck(t, err)
	tap.Inner = ref

	orderList := purchaseMany(t, []*models.Store{store}, w, n, "crash")
	// The server finds the calls at its next idle poll and sends them; the seller sits on them.
	deadline := time.Now().Add(10 * time.Second)
	for tap.started.Load() < 10 {
		if time.Now().After(deadline) {
			p.dumpLog()
			t.Fatalf("only %d calls reached the seller", tap.started.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.kill()
	killedAt := time.Now()
	var claimed int64
	dbgCheck(t, store.DB().Model(&outbox.InterfaceCall{}).Where("claim_token <> '' AND status = ?", outbox.CallPending).Count(&claimed).Error)
	sentBeforeKill := tap.started.Load()
	dbgCheck(t, ref.SetMode(refseller.ModeOK))

	p.start()
	deadline = time.Now().Add(lease + 15*time.Second)
	for callStats(t, store)[outbox.CallSucceeded] < n {
		if time.Now().After(deadline) {
			p.dumpLog()
			t.Fatalf("after the restart: calls %v", callStats(t, store))
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("%d requests reached the seller before the kill, %d calls were claimed by the dead process; all %d delivered %s after the kill",
		sentBeforeKill, claimed, n, time.Since(killedAt).Round(time.Millisecond))

	if st := callStats(t, store); st[outbox.CallSucceeded] != n || len(st) != 1 {
		t.Fatalf("calls by status: %v", st)
	}
	if claimed == 0 {
		t.Fatal("no call was in flight at the kill: the test proved nothing")
	}
	var takenOver int64
	dbgCheck(t, store.DB().Model(&outbox.InterfaceCall{}).Where("attempts > 1").Count(&takenOver).Error)
	if takenOver < claimed {
		t.Errorf("%d calls were re-claimed after their lease, want at least the %d in flight", takenOver, claimed)
	}
	byOrder := map[string]refseller.Instance{}
	for _, in := range ref.Instances() {
		if _, dup := byOrder[in.OrderID]; dup {
			t.Errorf("the seller created two instances for order %s", in.OrderID)
		}
		byOrder[in.OrderID] = in
	}
	for _, o := range orderList {
		var calls []outbox.InterfaceCall
		dbgCheck(t, store.DB().Where("order_id = ?", o.ID).Find(&calls).Error)
		if len(calls) != 1 || calls[0].Status != outbox.CallSucceeded {
			t.Errorf("order %s: %d calls %+v", o.OrderNo, len(calls), calls)
			continue
		}
		var got orders.Order
		var in orders.Instance
		dbgCheck(t, store.DB().First(&got, o.ID).Error)
		dbgCheck(t, store.DB().First(&in, *o.InstanceID).Error)
		seller, ok := byOrder[o.OrderNo]
		if got.Status != orders.OrderCompleted || in.Status != orders.InstanceNormal || !ok || in.SellerInstanceID != seller.ID {
			t.Errorf("order %s %s, service %s %q; the seller's instance %v %q", o.OrderNo, got.Status, in.Status, in.SellerInstanceID, ok, seller.ID)
		}
		// Each delivered attempt is recorded once, under its own number.
		var att []outbox.CallAttempt
		dbgCheck(t, store.DB().Where("call_id = ?", calls[0].ID).Order("n").Find(&att).Error)
		if len(att) == 0 || att[len(att)-1].N != calls[0].Attempts || att[len(att)-1].ResultCode != "000000" {
			t.Errorf("order %s: attempts %+v for a call attempted %d times", o.OrderNo, att, calls[0].Attempts)
		}
	}
}

package main

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinaryProvisionsAndServes builds the real binary, provisions the first admin of an
// empty SQLite database through a pipe, as the README shows, then starts the server in prod
// mode on that database: the admin signs in and reaches the operations console.
func TestBinaryProvisionsAndServes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "server")
	build := exec.Command("go", "build", "-o", bin, "koogallery/cmd/server")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(tmp, "data")
	// Only what a shell would pass: none of the server's settings.
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "BIN=" + bin, "DATA=" + data, "PASSWORD=" + goodPass}

	sh := func(script string) (string, int) {
		t.Helper()
		cmd := exec.Command("sh", "-c", script)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	out, status := sh(`printf '%s\n' "$PASSWORD" | "$BIN" user create -role admin -email ops@example.com -name "Ops Admin" -data "$DATA"`)
	if status != 0 || !strings.Contains(out, "created admin account ops@example.com") || strings.Contains(out, goodPass) {
		t.Fatalf("create: status %d\n%s", status, out)
	}
	out, status = sh(`echo "$PASSWORD" | "$BIN" user create -role admin -email ops@example.com -name "Ops Admin" -data "$DATA"`)
	if status != 1 || !strings.Contains(out, "registered already") {
		t.Errorf("duplicate: status %d\n%s", status, out)
	}
	for _, args := range []string{"user", "user frobnicate", "frobnicate"} {
		if out, status := sh(`"$BIN" ` + args + ` </dev/null`); status != 2 || !strings.Contains(out, "Usage") {
			t.Errorf("server %s: status %d\n%s", args, status, out)
		}
	}

	// The server, in prod mode, on the provisioned database.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	base := "http://" + addr
	srv := exec.Command(bin, "-mode", "prod", "-addr", addr, "-data", data)
	srv.Env = append(env, "BASE_URL="+base, "SESSION_KEY="+randomHex(t, 64), "MASTER_KEY="+randomHex(t, 32),
		"METRICS_TOKEN="+randomHex(t, 16))
	logPath := filepath.Join(tmp, "server.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = srv.Process.Kill()
		}
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("server log:\n%s", b)
		}
	}()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := client.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not become healthy: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	res, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(base)
	var csrf string
	for _, c := range jar.Cookies(u) {
		if c.Name == "_csrf" {
			csrf = c.Value
		}
	}
	res, err = client.PostForm(base+"/login", url.Values{"_csrf": {csrf}, "email": {"ops@example.com"}, "password": {goodPass}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d", res.StatusCode)
	}
	res, err = client.Get(base + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("/admin after login: status %d", res.StatusCode)
	}
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var (
	sessionHex = strings.Repeat("ab", 64)
	masterHex  = strings.Repeat("cd", 32)
)

func TestProdWithoutKeysFailsClearly(t *testing.T) {
	_, err := Load([]string{"-mode", "prod", "-data", t.TempDir(), "-base-url", "https://market.example.com"}, noEnv)
	if err == nil {
		t.Fatal("prod mode without keys started")
	}
	for _, want := range []string{"session key missing", "master key missing", "production mode", "128 hex", "64 hex"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestProdNeedsBaseURL(t *testing.T) {
	_, err := Load([]string{"-mode", "prod", "-session-key", sessionHex, "-master-key", masterHex}, noEnv)
	if err == nil || !strings.Contains(err.Error(), "base URL") || !strings.Contains(err.Error(), "BASE_URL") {
		t.Errorf("prod without base URL: %v", err)
	}
}

func TestProdWithKeys(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(nil, env(map[string]string{
		"APP_MODE": "prod", "DATA_DIR": dir, "BASE_URL": "https://market.example.com",
		"SESSION_KEY": sessionHex, "MASTER_KEY": " " + masterHex + "\n", "LOG_SQL": "true", "DATABASE_URL": "root:@tcp(db:3306)/kg",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mode != Prod || !c.Secure() || !c.LogSQL || c.DatabaseDSN != "root:@tcp(db:3306)/kg" || c.Addr != ":8080" {
		t.Errorf("config %+v", c)
	}
	if len(c.SessionKey) != 64 || c.SessionKey[0] != 0xab || len(c.MasterKey) != 32 || c.MasterKey[31] != 0xcd {
		t.Errorf("keys not decoded: %x / %x", c.SessionKey, c.MasterKey)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("prod mode wrote %d files to the data dir", len(entries))
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	c, err := Load([]string{"-addr", ":9090", "-mode", "dev", "-data", t.TempDir()}, env(map[string]string{"ADDR": ":7070", "APP_MODE": "prod"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9090" || c.Mode != Dev || c.BaseURL != "http://localhost:9090" || c.Secure() {
		t.Errorf("addr %q mode %q base %q", c.Addr, c.Mode, c.BaseURL)
	}
}

func TestBadValues(t *testing.T) {
	base := []string{"-data", "", "-base-url", "https://market.example.com", "-session-key", sessionHex, "-master-key", masterHex, "-mode", "prod"}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"mode", []string{"-mode", "staging"}, `mode "staging": use dev or prod`},
		{"session key not hex", []string{"-session-key", strings.Repeat("zz", 64)}, "session key: want 128 hex characters"},
		{"session key short", []string{"-session-key", "abcd"}, "session key: want 128 hex characters"},
		{"master key not hex", []string{"-master-key", strings.Repeat("g", 64)}, "master key: want 64 hex characters"},
		{"master key long", []string{"-master-key", masterHex + "00"}, "master key: want 64 hex characters"},
		{"base URL scheme", []string{"-base-url", "ftp://market.example.com"}, `base URL "ftp://market.example.com"`},
		{"base URL relative", []string{"-base-url", "market.example.com"}, `base URL "market.example.com"`},
		{"base URL garbage", []string{"-base-url", "http://[::1"}, `base URL "http://[::1"`},
		{"base URL no host", []string{"-base-url", "https://"}, `base URL "https://"`},
		{"SMTP address", []string{"-smtp", "mail.example.com"}, `SMTP address "mail.example.com": give host:port`},
		{"mail sender", []string{"-mail-from", "not an address"}, `mail sender "not an address"`},
		{"unknown flag", []string{"-colour", "blue"}, "flag provided but not defined"},
	}
	for _, tc := range cases {
		args := append(append([]string{}, base...), tc.args...)
		args[1] = t.TempDir()
		_, err := Load(args, noEnv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to say %q", tc.name, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), sessionHex) || strings.Contains(err.Error(), masterHex)) {
			t.Errorf("%s: the error repeats a key", tc.name)
		}
	}
	// Several problems are reported together.
	_, err := Load([]string{"-mode", "prod", "-data", t.TempDir(), "-base-url", "x", "-smtp", "y"}, noEnv)
	if err == nil || strings.Count(err.Error(), ";") < 3 {
		t.Errorf("all problems at once: %v", err)
	}
}

func TestDevKeysGeneratedOnceAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	first, err := Load([]string{"-data", dir}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.SessionKey) != 64 || len(first.MasterKey) != 32 || bytes.Equal(first.SessionKey[:32], first.SessionKey[32:]) {
		t.Fatalf("generated keys: %d and %d bytes", len(first.SessionKey), len(first.MasterKey))
	}
	for _, f := range []string{"session.key", "master.key"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, st.Mode().Perm())
		}
	}
	second, err := Load([]string{"-data", dir}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.SessionKey, second.SessionKey) || !bytes.Equal(first.MasterKey, second.MasterKey) {
		t.Error("a second dev start made new keys: every session and secret would be lost")
	}
	// Another data dir, other keys.
	other, err := Load([]string{"-data", t.TempDir()}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first.SessionKey, other.SessionKey) {
		t.Error("two data dirs share a generated key")
	}
	// A key given explicitly wins over the file.
	given, err := Load([]string{"-data", dir, "-master-key", masterHex}, noEnv)
	if err != nil || given.MasterKey[0] != 0xcd || !bytes.Equal(given.SessionKey, first.SessionKey) {
		t.Errorf("explicit key in dev: %v", err)
	}
}

func TestDevKeyFileDamaged(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "session.key"), []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load([]string{"-data", dir}, noEnv)
	if err == nil || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "session.key") {
		t.Errorf("damaged key file: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "session.key"), []byte(strings.Repeat("ab", 10)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load([]string{"-data", dir}, noEnv); err == nil {
		t.Error("a key file of the wrong length was accepted")
	}
}

func TestCallRetryOverrides(t *testing.T) {
	dir := t.TempDir()
	c, err := Load([]string{"-data", dir, "-call-retry", "newInstance=10m/1h, orderNotify:license=1m/30m"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if got := c.CallRetry["newInstance"]; got.Every != 10*time.Minute || got.Window != time.Hour {
		t.Errorf("newInstance = %+v", got)
	}
	if got := c.CallRetry["orderNotify:license"]; got.Every != time.Minute || got.Window != 30*time.Minute {
		t.Errorf("orderNotify:license = %+v", got)
	}
	for _, bad := range []string{"newInstance", "newInstance=1h", "newInstance=x/1h", "newInstance=2h/1h", "=1m/2m", "newInstance=0s/1h"} {
		if _, err := Load([]string{"-data", dir, "-call-retry", bad}, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "CALL_RETRY") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestMetricsSettings(t *testing.T) {
	token := "s3cr3t-metrics-token-0123456789"
	c, err := Load([]string{"-data", t.TempDir()}, env(map[string]string{"METRICS_TOKEN": " " + token + "\n", "METRICS_ADDR": "127.0.0.1:9100"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MetricsToken != token || c.MetricsAddr != "127.0.0.1:9100" {
		t.Errorf("from the environment: token %q addr %q", c.MetricsToken, c.MetricsAddr)
	}
	c, err = Load([]string{"-data", t.TempDir(), "-metrics-token", "abcdefghijklmnop", "-metrics-addr", ":9100"}, env(map[string]string{"METRICS_TOKEN": token}))
	if err != nil || c.MetricsToken != "abcdefghijklmnop" || c.MetricsAddr != ":9100" {
		t.Errorf("flags: %v, token %q addr %q", err, c.MetricsToken, c.MetricsAddr)
	}
	if c, err := Load([]string{"-data", t.TempDir()}, noEnv); err != nil || c.MetricsToken != "" || c.MetricsAddr != "" {
		t.Errorf("defaults: %v, token %q addr %q", err, c.MetricsToken, c.MetricsAddr)
	}
	for _, bad := range []struct{ args []string }{
		{[]string{"-metrics-token", "short-token-15ch"[:15]}},
		{[]string{"-metrics-token", "has a space in the token"}},
		{[]string{"-metrics-token", "quote\"in-the-token-here"}},
		{[]string{"-metrics-token", "================"}},
		{[]string{"-metrics-addr", "9100"}},
		{[]string{"-metrics-addr", ":8080"}}, // the listen address
	} {
		_, err := Load(append([]string{"-data", t.TempDir()}, bad.args...), noEnv)
		if err == nil || !strings.Contains(err.Error(), "METRICS_") {
			t.Errorf("%q: error %v, want it to name the setting", bad.args, err)
		}
		if err != nil && strings.Contains(err.Error(), bad.args[1]) && bad.args[0] == "-metrics-token" {
			t.Errorf("%q: the error repeats the token", bad.args)
		}
	}
	// Exactly the minimum, in a bearer token's whole alphabet, is accepted.
	if _, err := Load([]string{"-data", t.TempDir(), "-metrics-token", "aZ09-._~+/abcd=="}, noEnv); err != nil {
		t.Errorf("16-character token: %v", err)
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load([]string{"-data", t.TempDir()}, env(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.10/32"}))
	if err != nil || len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "192.0.2.10/32" {
		t.Fatalf("proxies %v, %v", c.TrustedProxies, err)
	}
	if _, err := Load([]string{"-data", t.TempDir(), "-trusted-proxies", "10.0.0.0/8,lb.example"}, noEnv); err == nil || !strings.Contains(err.Error(), `trusted proxy "lb.example"`) {
		t.Errorf("a bad proxy network: %v", err)
	}
}

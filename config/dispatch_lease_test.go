package config

import (
	"strings"
	"testing"
	"time"
)

// -dispatch-lease (DISPATCH_LEASE) sets how long a dispatcher's claim holds; it must exceed
// the 5 s call timeout.
func TestDispatchLease(t *testing.T) {
	dir := t.TempDir()
	c, err := Load([]string{"-data", dir}, noEnv)
	if err != nil || c.DispatchLease != 0 {
		t.Fatalf("default: %v, %v", c.DispatchLease, err)
	}
	c, err = Load([]string{"-data", dir, "-dispatch-lease", "90s"}, noEnv)
	if err != nil || c.DispatchLease != 90*time.Second {
		t.Fatalf("flag: %v, %v", c.DispatchLease, err)
	}
	c, err = Load([]string{"-data", dir}, env(map[string]string{"DISPATCH_LEASE": "2m"}))
	if err != nil || c.DispatchLease != 2*time.Minute {
		t.Fatalf("environment: %v, %v", c.DispatchLease, err)
	}
	for _, bad := range []string{"5s", "soon", "-1m"} {
		if _, err := Load([]string{"-data", dir, "-dispatch-lease", bad}, noEnv); err == nil || !strings.Contains(err.Error(), "DISPATCH_LEASE") {
			t.Errorf("lease %q: %v", bad, err)
		}
	}
}

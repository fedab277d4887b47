package cloud

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestPasswordRules(t *testing.T) {
	cases := []struct {
		pw, user string
		want     []string
	}{
		{"Abcdef12", "root", nil},
		{"abc-def-12", "root", nil},
		{"Abc12!", "root", []string{"deploy.err.pw_length"}},
		{"Abcdefgh1234567890Abcdefgh1", "root", []string{"deploy.err.pw_length"}},
		{"Abcdefgh1234567890Abcdefgh", "root", nil}, // 26
		{"abcdefgh", "root", []string{"deploy.err.pw_kinds"}},
		{"abcdefg1", "root", []string{"deploy.err.pw_kinds"}},
		{"Abc def 12", "root", []string{"deploy.err.pw_chars"}},
		{"Abc密码def12", "root", []string{"deploy.err.pw_chars"}},
		{"MyRoot-2026", "root", []string{"deploy.err.pw_user"}},
		{"MyTOOR-2026", "root", []string{"deploy.err.pw_user"}},
		{"Administrator1", "Administrator", []string{"deploy.err.pw_user"}},
		{"rotaRtsinimda1", "Administrator", []string{"deploy.err.pw_user"}},
		{"short", "root", []string{"deploy.err.pw_length", "deploy.err.pw_kinds"}},
	}
	for _, c := range cases {
		if got := CheckPassword(c.pw, c.user); !reflect.DeepEqual(got, c.want) {
			t.Errorf("CheckPassword(%q, %q) = %v, want %v", c.pw, c.user, got, c.want)
		}
	}
}

func TestCloudSimResourcesAndFilters(t *testing.T) {
	ctx := context.Background()
	s := NewSim(SimOptions{StepTime: time.Millisecond})
	a, b := Account{ID: "buyer-1"}, Account{ID: "buyer-2"}
	ia, err := s.Instances(ctx, a, "cn-north-4")
	if err != nil {
		t.Fatal(err)
	}
	ia2, _ := s.Instances(ctx, a, "cn-north-4")
	if !reflect.DeepEqual(ia, ia2) {
		t.Fatal("instances not deterministic")
	}
	ib, _ := s.Instances(ctx, b, "cn-north-4")
	if len(ia) != 5 || ia[0].ID == ib[0].ID {
		t.Fatalf("accounts share ids or wrong seed: %d", len(ia))
	}
	req := Requirements{OSFamily: "linux", MinVCPUs: 2, MinMemoryGiB: 2}
	reasons := map[string]string{}
	for _, in := range ia {
		_, r := Eligible(in, req)
		reasons[in.Name] = r
	}
	want := map[string]string{"ecs-app-01": "", "ecs-app-02": "", "ecs-db-01": "deploy.reason.stopped",
		"ecs-win-01": "deploy.reason.os", "ecs-tiny-01": "deploy.reason.flavor"}
	if !reflect.DeepEqual(reasons, want) {
		t.Fatalf("reasons %v", reasons)
	}
	if _, err := s.Instance(ctx, b, "cn-north-4", ia[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another account's instance: %v", err)
	}
	vpcs, _ := s.VPCs(ctx, a, "cn-north-4")
	if _, err := s.Subnets(ctx, b, "cn-north-4", vpcs[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another account's vpc: %v", err)
	}
	// Faults: stop an instance, quota, step failure once.
	s.SetStopped("ecs-app-01", true)
	in, _ := s.Instance(ctx, a, "cn-north-4", ia[0].ID)
	if ok, r := Eligible(in, req); ok || r != "deploy.reason.stopped" {
		t.Fatalf("stopped fault: %v %s", ok, r)
	}
	if _, err := s.StartDeploy(ctx, a, DeployRequest{Region: "cn-north-4", InstanceID: in.ID, Password: "x", Token: "t"}); !errors.Is(err, ErrInstanceStopped) {
		t.Fatalf("start on stopped: %v", err)
	}
	s.SetStopped("ecs-app-01", false)
	s.SetQuotaExceeded(true)
	if _, err := s.CreateSecurityGroup(ctx, a, "cn-north-4", "x", nil, "tok"); !errors.Is(err, ErrQuotaExceeded) {
		t.Fatalf("quota: %v", err)
	}
	s.SetQuotaExceeded(false)
	g1, _ := s.CreateSecurityGroup(ctx, a, "cn-north-4", "x", nil, "tok")
	g2, _ := s.CreateSecurityGroup(ctx, a, "cn-north-4", "x", nil, "tok")
	if g1.ID != g2.ID {
		t.Fatal("create not idempotent")
	}
	op, err := s.StartDeploy(ctx, a, DeployRequest{Region: "cn-north-4", InstanceID: in.ID, Password: "x", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	s.FailStep(StepInstall, 1)
	var se *StepError
	if err := s.RunStep(ctx, a, op, StepInstall); !errors.As(err, &se) || se.Step != StepInstall {
		t.Fatalf("injected failure: %v", err)
	}
	if err := s.RunStep(ctx, a, op, StepInstall); err != nil {
		t.Fatalf("second run: %v", err)
	}
}

func TestCloudParseFaults(t *testing.T) {
	f, err := ParseFaults("step:install:2, quota,stopped:ecs-app-01")
	if err != nil || f.FailSteps[StepInstall] != 2 || !f.QuotaExceeded || f.Stopped[0] != "ecs-app-01" {
		t.Fatalf("%+v %v", f, err)
	}
	if _, err := ParseFaults("boom"); err == nil {
		t.Fatal("unknown fault accepted")
	}
}

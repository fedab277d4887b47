package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"koogallery/protocol"
)

func TestRunServesAndShutsDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	done := make(chan error, 1)
	env := map[string]string{"SELLER_ACCESS_KEY": "envKey"}
	go func() {
		done <- run(ctx, []string{"-addr", addr, "-encrypt-type", "2"}, func(k string) string { return env[k] }, &logs)
	}()

	client := protocol.NewClient(protocol.ClientOptions{})
	body := []byte(`{"activity":"newInstance","orderId":"o","orderLineId":"o-1","businessId":"b"}`)
	var res *protocol.CallResult
	for range 50 {
		if res = client.Call(context.Background(), "http://"+addr, "envKey", body); res.Kind != protocol.ErrKindUnreachable {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, errs := protocol.ParseResponse(protocol.ActivityNewInstance, res.Body)
	if res.Err != nil || len(errs) > 0 || resp.Code() != protocol.ResultSuccess || resp.(*protocol.NewInstanceResponse).EncryptType != "2" {
		t.Fatalf("newInstance: %v %s %v", res.Err, res.Body, errs)
	}
	ctl, err := http.Post("http://"+addr+"/_control?mode=http500", "", nil)
	if err != nil || ctl.StatusCode != http.StatusOK {
		t.Fatalf("control: %v %v", ctl, err)
	}
	ctl.Body.Close()
	if res := client.Call(context.Background(), "http://"+addr, "envKey", body); res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("after mode change: %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no shutdown")
	}
	if !strings.Contains(logs.String(), "refseller listening") || !strings.Contains(logs.String(), "mode=http500") {
		t.Errorf("logs:\n%s", logs.String())
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	none := func(string) string { return "" }
	for _, args := range [][]string{
		{},                              // no key
		{"-key", "k", "-mode", "chaos"}, // unknown mode
		{"-key", "k", "-encrypt-type", "3"},
		{"-key", "k", "-tls-cert", "c.pem"},
		{"-nope"},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), args, none, &out); err == nil {
			t.Errorf("run(%v) succeeded", args)
		}
	}
}

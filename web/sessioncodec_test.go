package web

import (
	"reflect"
	"testing"
)

func TestSessionCodecRoundTrip(t *testing.T) {
	in := map[interface{}]interface{}{"uid": uint(42), "lang": "en", "flashes": []string{"success|a", "info|b"}}
	b, err := sessionCodec{}.Serialize(in)
	if err != nil {
		t.Fatal(err)
	}
	out := map[interface{}]interface{}{}
	if err := (sessionCodec{}).Deserialize(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip: %#v, want %#v", out, in)
	}
	if _, err := (sessionCodec{}).Serialize(map[interface{}]interface{}{"x": 1.5}); err == nil {
		t.Error("a float was accepted")
	}
	if err := (sessionCodec{}).Deserialize([]byte("not json"), &out); err == nil {
		t.Error("garbage was accepted")
	}
}

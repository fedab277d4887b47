package ttlcache_test

import (
	"sync"
	"testing"
	"time"

	"koogallery/ttlcache"
)

var t0 = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

type user struct {
	ID   uint
	Name string
}

// A value is fresh for its time to live on the caller's clock, not before it was read.
func TestFreshForTTL(t *testing.T) {
	c := ttlcache.New[string, user](2*time.Second, 10)
	c.Put("a", user{1, "甲"}, t0)
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{t0, true},
		{t0.Add(1999 * time.Millisecond), true},
		{t0.Add(2 * time.Second), false},
		{t0.Add(time.Hour), false},
		{t0.Add(-time.Millisecond), false}, // the clock moved back
	} {
		if _, ok := c.Get("a", tc.at); ok != tc.want {
			t.Errorf("Get at %s: %v, want %v", tc.at.Sub(t0), ok, tc.want)
		}
	}
	if _, ok := c.Get("b", t0); ok {
		t.Errorf("a key never put was found")
	}
}

// Callers get copies: changing one does not change the cache.
func TestGetReturnsACopy(t *testing.T) {
	c := ttlcache.New[string, user](time.Minute, 10)
	c.Put("a", user{1, "甲"}, t0)
	u, _ := c.Get("a", t0)
	u.Name = "scribbled"
	if u, _ := c.Get("a", t0); u.Name != "甲" {
		t.Fatalf("a caller's change reached the cache: %q", u.Name)
	}
}

// Update changes a value in place and keeps its time to live.
func TestUpdate(t *testing.T) {
	c := ttlcache.New[string, user](2*time.Second, 10)
	c.Put("a", user{1, "甲"}, t0)
	c.Update("a", func(u *user) { u.Name = "乙" })
	c.Update("missing", func(*user) { t.Fatal("updated a missing key") })
	if u, ok := c.Get("a", t0.Add(time.Second)); !ok || u.Name != "乙" {
		t.Fatalf("after Update: %+v %v", u, ok)
	}
	if _, ok := c.Get("a", t0.Add(2*time.Second)); ok {
		t.Fatalf("Update extended the time to live")
	}
}

func TestDeleteAndDeleteFunc(t *testing.T) {
	c := ttlcache.New[string, user](time.Minute, 10)
	c.Put("a", user{1, "a"}, t0)
	c.Put("b", user{2, "b"}, t0)
	c.Put("c", user{1, "c"}, t0)
	c.Delete("b")
	c.DeleteFunc(func(_ string, u user) bool { return u.ID == 1 })
	for _, k := range []string{"a", "b", "c"} {
		if _, ok := c.Get(k, t0); ok {
			t.Errorf("%s is still cached", k)
		}
	}
	c.Put("d", user{3, "d"}, t0)
	c.DeleteFunc(func(_ string, u user) bool { return u.ID == 1 })
	if _, ok := c.Get("d", t0); !ok {
		t.Errorf("DeleteFunc dropped an entry it did not match")
	}
}

// Clear forgets everything, and what was read before it is stale once put.
func TestClearAndGen(t *testing.T) {
	c := ttlcache.New[uint, string](time.Minute, 10)
	c.Put(1, "old", t0)
	c.Clear()
	if _, ok := c.Get(1, t0); ok {
		t.Fatalf("an entry survived Clear")
	}
	gen := c.Gen()
	c.Clear() // a write while the value was read
	c.PutRead(2, "read before the write", t0, time.Minute, gen)
	if _, ok := c.Get(2, t0); ok {
		t.Fatalf("a value read before a Clear was served")
	}
	gen = c.Gen()
	c.PutRead(3, "read after", t0, time.Second, gen)
	if v, ok := c.Get(3, t0.Add(999*time.Millisecond)); !ok || v != "read after" {
		t.Fatalf("a value read after the last Clear: %q %v", v, ok)
	}
	if _, ok := c.Get(3, t0.Add(time.Second)); ok {
		t.Fatalf("PutRead's time to live was not applied")
	}
	c.Put(1, "new", t0)
	if v, ok := c.Get(1, t0); !ok || v != "new" {
		t.Fatalf("after Clear, Put: %q %v", v, ok)
	}
}

// Past max entries everything is dropped; replacing an entry does not count.
func TestBound(t *testing.T) {
	c := ttlcache.New[int, int](time.Minute, 3)
	for i := range 3 {
		c.Put(i, i, t0)
	}
	c.Put(2, 20, t0)
	if _, ok := c.Get(0, t0); !ok {
		t.Fatalf("replacing an entry dropped the others")
	}
	c.Put(3, 3, t0)
	for i := range 3 {
		if _, ok := c.Get(i, t0); ok {
			t.Errorf("entry %d survived the bound", i)
		}
	}
	if v, ok := c.Get(3, t0); !ok || v != 3 {
		t.Errorf("the new entry: %d %v", v, ok)
	}
}

// A hit allocates nothing.
func TestGetDoesNotAllocate(t *testing.T) {
	c := ttlcache.New[string, user](time.Minute, 10)
	c.Put("a", user{1, "甲"}, t0)
	if n := testing.AllocsPerRun(100, func() { _, _ = c.Get("a", t0) }); n != 0 {
		t.Fatalf("Get allocates %v times", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := ttlcache.New[int, int](time.Minute, 50)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				k := (g*1000 + i) % 100
				c.Put(k, i, t0)
				c.Get(k, t0)
				c.Update(k, func(v *int) { *v++ })
				if i%100 == 0 {
					c.Clear()
					c.DeleteFunc(func(k, _ int) bool { return k%7 == 0 })
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkGet(b *testing.B) {
	c := ttlcache.New[string, user](time.Minute, 10)
	c.Put("a", user{1, "甲"}, t0)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = c.Get("a", t0)
	}
}

package cache_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/cache"
)

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	c := cache.New[int](2)
	c.Add("a", 1)
	c.Add("b", 2)
	if _, ok := c.Get("a"); !ok { // a is now the most recent
		t.Fatal("a missing")
	}
	c.Add("c", 3) // evicts b
	if _, ok := c.Get("b"); ok {
		t.Error("b survived eviction")
	}
	for k, want := range map[string]int{"a": 1, "c": 3} {
		if v, ok := c.Get(k); !ok || v != want {
			t.Errorf("Get(%s) = %d, %v", k, v, ok)
		}
	}
	if c.Len() != 2 {
		t.Errorf("Len = %d", c.Len())
	}
	c.Add("a", 10) // update in place
	if v, _ := c.Get("a"); v != 10 || c.Len() != 2 {
		t.Errorf("update: %d, len %d", v, c.Len())
	}
	c.Remove("a")
	c.Remove("absent")
	if _, ok := c.Get("a"); ok || c.Len() != 1 {
		t.Error("Remove did not remove")
	}
}

func TestNewClampsSize(t *testing.T) {
	t.Parallel()
	c := cache.New[int](0)
	c.Add("a", 1)
	c.Add("b", 2)
	if c.Len() != 1 {
		t.Errorf("Len = %d, want 1", c.Len())
	}
}

func TestDoLoadsOnceAndReportsHits(t *testing.T) {
	t.Parallel()
	c := cache.New[string](8)
	var loads atomic.Int32
	release := make(chan struct{})
	load := func() (string, error) {
		loads.Add(1)
		<-release
		return "v", nil
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, _, err := c.Do("k", load); v != "v" || err != nil {
				t.Errorf("Do = %q, %v", v, err)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond) // let the goroutines pile up on the one load
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Errorf("loader ran %d times, want 1", n)
	}
	if _, hit, _ := c.DoBytes([]byte("k"), load); !hit {
		t.Error("DoBytes missed a cached key")
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	t.Parallel()
	c := cache.New[int](8)
	boom := errors.New("boom")
	if _, _, err := c.Do("k", func() (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	v, hit, err := c.DoBytes([]byte("k"), func() (int, error) { return 7, nil })
	if v != 7 || hit || err != nil {
		t.Errorf("after an error: %d %v %v, want a fresh load", v, hit, err)
	}
}

func TestPanickingLoaderReleasesWaiters(t *testing.T) {
	t.Parallel()
	c := cache.New[int](8)
	started := make(chan struct{})
	go func() {
		defer func() { _ = recover() }()
		_, _, _ = c.Do("k", func() (int, error) {
			close(started)
			time.Sleep(20 * time.Millisecond)
			panic("loader bug")
		})
	}()
	<-started
	done := make(chan error, 1)
	go func() {
		_, _, err := c.Do("k", func() (int, error) { return 1, nil })
		done <- err
	}()
	select {
	case err := <-done:
		// A waiter that joined the panicking load gets an error; one that came after loads anew.
		_ = err
	case <-time.After(5 * time.Second):
		t.Fatal("a waiter stayed blocked after the loader panicked")
	}
	if v, hit, err := c.Do("k", func() (int, error) { return 2, nil }); err != nil || v == 0 || (hit && v != 1) {
		t.Errorf("after a panic: %d %v %v (the panicking load must not be cached)", v, hit, err)
	}
}

func TestBoundedUnderConcurrency(t *testing.T) {
	t.Parallel()
	c := cache.New[int](16)
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := fmt.Sprint(i % 64)
			if _, _, err := c.Do(k, func() (int, error) { return i, nil }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if c.Len() > 16 {
		t.Errorf("Len = %d, over the bound 16", c.Len())
	}
}

func TestWaiterOfPanickingLoaderGetsError(t *testing.T) {
	t.Parallel()
	c := cache.New[int](8)
	inLoad := make(chan struct{})
	proceed := make(chan struct{})
	go func() {
		defer func() { _ = recover() }()
		_, _, _ = c.Do("k", func() (int, error) {
			close(inLoad)
			<-proceed
			panic("loader bug")
		})
	}()
	<-inLoad
	got := make(chan error, 1)
	go func() {
		_, _, err := c.Do("k", func() (int, error) { return 1, nil })
		got <- err
	}()
	time.Sleep(200 * time.Millisecond) // the second caller is now waiting on the first load
	close(proceed)
	if err := <-got; err == nil {
		t.Error("a waiter of a panicking load got no error")
	}
	if c.Len() != 0 {
		t.Errorf("the panicking load was cached (Len %d)", c.Len())
	}
}

func TestSizedEvictsByBytes(t *testing.T) {
	c := cache.NewSized[string](10, 10, func(s string) int64 { return int64(len(s)) })
	c.Add("a", "12345")
	c.Add("b", "12345")
	if c.Len() != 2 || c.Bytes() != 10 {
		t.Fatalf("len %d bytes %d, want 2 and 10", c.Len(), c.Bytes())
	}
	c.Add("c", "123")
	if _, ok := c.Get("a"); ok {
		t.Error("least recently used a kept over the byte bound")
	}
	if c.Bytes() != 8 {
		t.Errorf("bytes %d, want 8", c.Bytes())
	}
	c.Add("big", "12345678901")
	if _, ok := c.Get("big"); ok {
		t.Error("a value over the byte bound was kept")
	}
	c.Add("c", "1")
	if c.Bytes() != 6 {
		t.Errorf("bytes after replacing c: %d, want 6", c.Bytes())
	}
	c.Remove("b")
	if c.Bytes() != 1 || c.Len() != 1 {
		t.Errorf("after Remove: len %d bytes %d, want 1 and 1", c.Len(), c.Bytes())
	}
}

func TestSizedKeepsAValueOfExactlyTheBound(t *testing.T) {
	c := cache.NewSized[string](10, 10, func(s string) int64 { return int64(len(s)) })
	c.Add("a", "1")
	c.Add("full", "1234567890")
	if _, ok := c.Get("full"); !ok || c.Len() != 1 || c.Bytes() != 10 {
		t.Errorf("a value of exactly the byte bound: kept %v, len %d bytes %d; want it alone", ok, c.Len(), c.Bytes())
	}
}

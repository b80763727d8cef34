// Package cache is a bounded, concurrency-safe LRU with single-flight loading: concurrent misses
// on one key run the loader once. The engine keeps prepared templates and compiled schemas in it.
package cache

import (
	"container/list"
	"fmt"
	"sync"
)

// LRU holds at most max values (and, when sized, at most maxBytes of them), evicting the least
// recently used.
type LRU[V any] struct {
	mu       sync.Mutex
	max      int
	maxBytes int64
	size     func(V) int64
	bytes    int64
	ll       *list.List
	items    map[string]*list.Element
	calls    map[string]*call[V]
}

type entry[V any] struct {
	key  string
	val  V
	size int64
}

type call[V any] struct {
	done chan struct{}
	val  V
	err  error
}

// New returns an LRU bounded to maxEntries entries (at least 1).
func New[V any](maxEntries int) *LRU[V] {
	return &LRU[V]{max: max(maxEntries, 1), ll: list.New(), items: map[string]*list.Element{}, calls: map[string]*call[V]{}}
}

// NewSized returns an LRU bounded to maxEntries values and maxBytes in all, each value weighing
// size(v) bytes. A value heavier than maxBytes is returned to its loader's callers but not kept.
func NewSized[V any](maxEntries int, maxBytes int64, size func(V) int64) *LRU[V] {
	c := New[V](maxEntries)
	c.maxBytes, c.size = maxBytes, size
	return c
}

// Get returns the value for key and marks it recently used.
func (c *LRU[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*entry[V]).val, true
	}
	var zero V
	return zero, false
}

// Do returns the value for key, loading it with load on a miss. Concurrent misses on the same key
// share one load. Errors are returned to every waiter and never cached. hit reports a cache hit.
func (c *LRU[V]) Do(key string, load func() (V, error)) (v V, hit bool, err error) {
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		v := el.Value.(*entry[V]).val
		c.mu.Unlock()
		return v, true, nil
	}
	if cl, ok := c.calls[key]; ok {
		c.mu.Unlock()
		<-cl.done
		return cl.val, false, cl.err
	}
	cl := &call[V]{done: make(chan struct{})}
	c.calls[key] = cl
	c.mu.Unlock()

	defer func() {
		// A panicking loader must neither leave waiters blocked nor hand them (or the cache) a
		// zero value as if it had loaded: they get an error, and the panic goes on up.
		if r := recover(); r != nil {
			cl.err = fmt.Errorf("cache: loading %q panicked: %v", key, r)
			c.finish(key, cl)
			panic(r)
		}
	}()
	cl.val, cl.err = load()
	c.finish(key, cl)
	return cl.val, false, cl.err
}

func (c *LRU[V]) finish(key string, cl *call[V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.calls, key)
	select {
	case <-cl.done:
		return
	default:
		close(cl.done)
	}
	if cl.err != nil {
		return
	}
	c.add(key, cl.val)
}

// DoBytes is Do with the key as bytes: a hit allocates nothing, which keeps the hot path lean.
func (c *LRU[V]) DoBytes(key []byte, load func() (V, error)) (V, bool, error) {
	c.mu.Lock()
	if el, ok := c.items[string(key)]; ok {
		c.ll.MoveToFront(el)
		v := el.Value.(*entry[V]).val
		c.mu.Unlock()
		return v, true, nil
	}
	c.mu.Unlock()
	return c.Do(string(key), load)
}

// Add stores a value, evicting the least recently used one when full.
func (c *LRU[V]) Add(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(key, v)
}

func (c *LRU[V]) add(key string, v V) {
	var n int64
	if c.size != nil {
		n = c.size(v)
		if n > c.maxBytes {
			c.remove(key)
			return
		}
	}
	if el, ok := c.items[key]; ok {
		e := el.Value.(*entry[V])
		c.bytes += n - e.size
		e.val, e.size = v, n
		c.ll.MoveToFront(el)
	} else {
		c.items[key] = c.ll.PushFront(&entry[V]{key: key, val: v, size: n})
		c.bytes += n
	}
	for c.ll.Len() > c.max || (c.size != nil && c.bytes > c.maxBytes) {
		c.remove(c.ll.Back().Value.(*entry[V]).key)
	}
}

// Remove drops key.
func (c *LRU[V]) Remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(key)
}

func (c *LRU[V]) remove(key string) {
	if el, ok := c.items[key]; ok {
		c.ll.Remove(el)
		delete(c.items, key)
		c.bytes -= el.Value.(*entry[V]).size
	}
}

// Len returns the number of cached values.
func (c *LRU[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// Bytes returns the total weight of the cached values (0 unless sized).
func (c *LRU[V]) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

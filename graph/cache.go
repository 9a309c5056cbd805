package graph

import "container/list"

// Cache keeps the compiled graphs of a model by shape key (for example a
// sequence length and whether the graph trains), builds a graph the first
// time its key is asked for, and holds at most Max of them, dropping the
// least recently used. Every model keeps its per-shape graphs in one; all
// the graphs share the model's Params, so dropping one loses nothing but
// the time to build it again. A Cache is not safe for concurrent use: the
// graphs it returns hold bound input buffers, so the model that owns it
// serialises their use.
type Cache[K comparable, V any] struct {
	max   int
	build func(K) (V, error)
	order *list.List // of K, most recent first
	items map[K]cacheItem[V]
}

type cacheItem[V any] struct {
	v   V
	pos *list.Element
}

// DefaultCacheSize is the bound of a Cache made with max ≤ 0.
const DefaultCacheSize = 64

// NewCache returns a cache that builds missing graphs with build and keeps
// at most max of them (DefaultCacheSize when max ≤ 0).
func NewCache[K comparable, V any](max int, build func(K) (V, error)) *Cache[K, V] {
	if max <= 0 {
		max = DefaultCacheSize
	}
	return &Cache[K, V]{max: max, build: build, order: list.New(), items: map[K]cacheItem[V]{}}
}

// Get returns the graph for key, building it if needed.
func (c *Cache[K, V]) Get(key K) (V, error) {
	if it, ok := c.items[key]; ok {
		c.order.MoveToFront(it.pos)
		return it.v, nil
	}
	v, err := c.build(key)
	if err != nil {
		return v, err
	}
	if c.order.Len() >= c.max {
		last := c.order.Back()
		delete(c.items, last.Value.(K))
		c.order.Remove(last)
	}
	c.items[key] = cacheItem[V]{v: v, pos: c.order.PushFront(key)}
	return v, nil
}

// Len returns the number of graphs held.
func (c *Cache[K, V]) Len() int { return len(c.items) }

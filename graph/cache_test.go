package graph

import "testing"

func TestCacheBuildsOnceAndEvictsLeastRecent(t *testing.T) {
	built := map[int]int{}
	c := NewCache(2, func(k int) (string, error) {
		built[k]++
		return string(rune('a' + k)), nil
	})
	for _, k := range []int{0, 1, 0, 2, 0, 1} {
		v, err := c.Get(k)
		if err != nil || v != string(rune('a'+k)) {
			t.Fatalf("Get(%d) = %q, %v", k, v, err)
		}
	}
	// 0 stays (used most recently before 2 arrived), 1 is dropped by 2 and built again.
	if built[0] != 1 || built[1] != 2 || built[2] != 1 || c.Len() != 2 {
		t.Fatalf("builds %v, %d held", built, c.Len())
	}
}

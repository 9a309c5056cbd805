package trainer

import (
	"math"
	"math/bits"
)

// rng is wyrand: one 64-bit add and one 128-bit multiply per draw.
type rng struct{ s uint64 }

func newRNG(seed ...uint64) rng {
	s := uint64(0x243f6a8885a308d3)
	for _, x := range seed {
		s = mix(s ^ x)
	}
	return rng{s}
}

func mix(x uint64) uint64 { // splitmix64 finaliser
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (r *rng) next() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// intn returns a number in [0, n) (n < 2^32).
func (r *rng) intn(n uint32) uint32 { return uint32((r.next() >> 32) * uint64(n) >> 32) }

// Sigmoid table over [-maxExp, maxExp], like the C tool's but finer.
const (
	maxExp      = 6
	sigTableLen = 4096
	sigScale    = sigTableLen / (2 * maxExp)
)

var sigTable = func() [sigTableLen + 1]float32 {
	var t [sigTableLen + 1]float32
	for i := range t {
		x := (float64(i)/sigTableLen*2 - 1) * maxExp
		t[i] = float32(1 / (1 + math.Exp(-x)))
	}
	return t
}()

// sigmoid of f for |f| < maxExp, by table lookup (nearest entry).
func sigmoid(f float32) float32 {
	return sigTable[int((f+maxExp)*sigScale+0.5)]
}

// aliasTable draws word ids with probability count^power / Σ count^power in
// O(1) (Walker/Vose alias method): one 64-bit random number per draw.
type aliasTable struct {
	prob  []uint32 // threshold on the low 32 bits
	alias []int32
}

func newAliasTable(counts []int64, power float64) aliasTable {
	n := len(counts)
	w := make([]float64, n)
	var sum float64
	for i, c := range counts {
		w[i] = math.Pow(float64(c), power)
		sum += w[i]
	}
	t := aliasTable{prob: make([]uint32, n), alias: make([]int32, n)}
	if sum == 0 {
		for i := range w {
			w[i] = 1
		}
		sum = float64(n)
	}
	small, large := make([]int32, 0, n), make([]int32, 0, n)
	for i := range w {
		w[i] = w[i] * float64(n) / sum
		if w[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.prob[s] = uint32(w[s] * (1 << 32))
		t.alias[s] = l
		w[l] -= 1 - w[s]
		if w[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range append(small, large...) {
		t.prob[i] = math.MaxUint32
		t.alias[i] = i
	}
	return t
}

func (t *aliasTable) draw(r *rng) int32 {
	x := r.next()
	i := int32((x >> 32) * uint64(len(t.prob)) >> 32)
	if uint32(x) < t.prob[i] {
		return i
	}
	return t.alias[i]
}

// KeepProbability is the C tool's subsampling: a word seen count times in a
// corpus of total words is kept with probability
// (sqrt(count/(sample·total)) + 1) · sample·total/count, capped at 1.
// sample <= 0 keeps everything.
func KeepProbability(count, total int64, sample float64) float64 {
	if sample <= 0 || count <= 0 {
		return 1
	}
	t := sample * float64(total)
	p := (math.Sqrt(float64(count)/t) + 1) * t / float64(count)
	return min(p, 1)
}

// keepThresholds turns keep probabilities into 32-bit thresholds
// (2^32 means always keep).
func keepThresholds(counts []int64, total int64, sample float64) []uint64 {
	th := make([]uint64, len(counts))
	for i, c := range counts {
		p := KeepProbability(c, total, sample)
		if p >= 1 {
			th[i] = 1 << 32
		} else {
			th[i] = uint64(p * (1 << 32))
		}
	}
	return th
}

// huffman holds, per word, the inner nodes from the root (point) and the
// branch taken at each (code), built exactly as the C tool's
// CreateBinaryTree (so ties break the same way).
type huffman struct {
	codes  [][]uint8
	points [][]int32
}

func newHuffman(counts []int64) huffman {
	v := len(counts)
	h := huffman{codes: make([][]uint8, v), points: make([][]int32, v)}
	if v < 2 {
		for i := range h.codes {
			h.codes[i] = []uint8{0}
			h.points[i] = []int32{0}
		}
		return h
	}
	count := make([]int64, 2*v-1)
	copy(count, counts)
	for i := v; i < len(count); i++ {
		count[i] = math.MaxInt64 / 4
	}
	binary := make([]uint8, 2*v-1)
	parent := make([]int32, 2*v-1)
	pos1, pos2 := v-1, v
	pick := func() int {
		if pos1 >= 0 && count[pos1] < count[pos2] {
			pos1--
			return pos1 + 1
		}
		pos2++
		return pos2 - 1
	}
	for a := 0; a < v-1; a++ {
		m1 := pick()
		m2 := pick()
		count[v+a] = count[m1] + count[m2]
		parent[m1] = int32(v + a)
		parent[m2] = int32(v + a)
		binary[m2] = 1
	}
	root := int32(2*v - 2)
	var code []uint8
	var point []int32
	for a := 0; a < v; a++ {
		code, point = code[:0], point[:0]
		for b := int32(a); b != root; b = parent[b] {
			code = append(code, binary[b])
			point = append(point, b)
		}
		n := len(code)
		c := make([]uint8, n)
		p := make([]int32, n)
		p[0] = int32(v - 2)
		for b := 0; b < n; b++ {
			c[n-b-1] = code[b]
			if n-b < n {
				p[n-b] = point[b] - int32(v)
			}
		}
		h.codes[a], h.points[a] = c, p
	}
	return h
}

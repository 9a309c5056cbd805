package graph

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/rnnzoo/rnnzoo/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Param is a named learnable tensor. Every graph built from a model binds
// its weight node to the same Value, so all bucket graphs share the weights;
// gradients from each run are added into Grad (like PyTorch's .grad) until
// an optimizer consumes them and calls ZeroGrad.
type Param struct {
	Name   string
	Value  *tensor.Dense
	Grad   *tensor.Dense
	Frozen bool // a frozen parameter gets no gradient and is never updated
}

// Shape returns the parameter's shape.
func (p *Param) Shape() tensor.Shape { return p.Value.Shape().Clone() }

// Size returns the number of elements.
func (p *Param) Size() int { return p.Value.Shape().TotalSize() }

// F32 returns the weights as a float32 slice (shared, not copied).
// It panics if the parameter is not float32.
func (p *Param) F32() []float32 { return p.Value.Data().([]float32) }

// F64 returns the weights as a float64 slice (shared, not copied).
func (p *Param) F64() []float64 { return p.Value.Data().([]float64) }

// GradF32 returns the accumulated gradient as a float32 slice.
func (p *Param) GradF32() []float32 { return p.Grad.Data().([]float32) }

// GradF64 returns the accumulated gradient as a float64 slice.
func (p *Param) GradF64() []float64 { return p.Grad.Data().([]float64) }

// ZeroGrad sets the accumulated gradient to zero.
func (p *Param) ZeroGrad() { zeroDense(p.Grad) }

func zeroDense(t *tensor.Dense) {
	switch d := t.Data().(type) {
	case []float32:
		clear(d)
	case []float64:
		clear(d)
	}
}

// Params is an ordered set of named parameters: the weights of one model.
// The order is the order of creation, which fixes the order in which
// optimizers and checkpoints see them.
//
// The graphs compiled over one Params share their working memory (the fused
// cells' caches, the ops' buffers through an arena, the embeddings'
// gradient buffers), so that a model with many length buckets and batch
// sizes holds one set of buffers, not one per graph: run them one at a
// time. Concurrent work needs one model (one Params) per goroutine, as the
// servers of package serve load one copy per instance.
type Params struct {
	Dtype   tensor.Dtype
	list    []*Param
	byName  map[string]*Param
	rng     *rand.Rand
	sources map[string]*rand.PCG

	// sealed: see Seal. packs holds the weight matrices packed for the
	// matrix kernels while sealed.
	packMu sync.Mutex
	sealed atomic.Bool // read without packMu on the unsealed fast path
	packs  map[*Param]*blas.PackedB

	// scratch: the custom ops' buffers of every graph (see arena).
	scratch arena
}

// place gives the custom ops of a graph over ps, in creation order, their
// slots in the arena of ps.
func (ps *Params) place(g *G.ExprGraph) {
	nodes := append(G.Nodes(nil), g.AllNodes()...)
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID() < nodes[j].ID() })
	k := 0
	for _, n := range nodes {
		if op, ok := n.Op().(placed); ok {
			b := op.base()
			if b.arena == nil && len(b.holders) == 0 {
				b.arena, b.slot = &ps.scratch, k
			}
			k++ // every op of the graph has its own slot number
		}
	}
}

// Seal promises that the weights will not change until Unseal: the fused
// recurrent layers then keep their weight matrices packed for rnnzoo's
// matrix kernels from one run to the next, instead of packing them again
// on every forward pass (which, for the one or two sentences of a served
// request, costs about as much as the products themselves). The results
// are the same bits. It is for serving: the models' Warmup seals.
//
// Every optimizer step unseals first, so training a sealed model is safe;
// code that writes weights by other means (Param.F32 and the like) after
// a sealed model has run must call Unseal before.
func (ps *Params) Seal() { ps.sealed.Store(true) }

// Unseal withdraws Seal and frees the packed copies.
func (ps *Params) Unseal() {
	if !ps.sealed.Load() {
		return // every optimizer step comes here: no lock when not sealed
	}
	ps.packMu.Lock()
	defer ps.packMu.Unlock()
	ps.sealed.Store(false)
	for _, pk := range ps.packs {
		pk.Release()
	}
	ps.packs = nil
}

// Sealed reports whether Seal is in force.
func (ps *Params) Sealed() bool { return ps.sealed.Load() }

// packed returns p's float32 weights (k×n, row-major) packed as the right
// operand of the Go kernels' products when ps is sealed, w is p's data and
// those kernels are in use; else nil. The pack lives until Unseal.
func (ps *Params) packed(p *Param, w []float32, k, n int) (blas.Implementation, *blas.PackedB) {
	var none blas.Implementation
	if ps == nil || p == nil || len(w) == 0 || len(w) != k*n || !ps.sealed.Load() {
		return none, nil
	}
	ps.packMu.Lock()
	defer ps.packMu.Unlock()
	if !ps.sealed.Load() {
		return none, nil
	}
	if d, ok := p.Value.Data().([]float32); !ok || &d[0] != &w[0] {
		return none, nil
	}
	impl, ok := G.WhichBLAS().(blas.Implementation)
	if !ok {
		return none, nil
	}
	if pk := ps.packs[p]; pk != nil {
		return impl, pk
	}
	if ps.packs == nil {
		ps.packs = map[*Param]*blas.PackedB{}
	}
	pk := impl.PackB(false, k, n, w, n)
	ps.packs[p] = pk
	return impl, pk
}

// Source returns the model's random source of that name (dropout masks,
// word dropout, teacher forcing …), made from the two seeds on first use;
// later calls return the same source whatever the seeds. Registering the
// sources here, once, lets the training loop save and restore every one
// of them (train saves Sources in its checkpoints), so a resumed run draws
// exactly what an uninterrupted one would.
func (ps *Params) Source(name string, seed1, seed2 uint64) *rand.PCG {
	if src, ok := ps.sources[name]; ok {
		return src
	}
	if ps.sources == nil {
		ps.sources = map[string]*rand.PCG{}
	}
	src := rand.NewPCG(seed1, seed2)
	ps.sources[name] = src
	return src
}

// Sources returns the random sources made by Source, by name.
func (ps *Params) Sources() map[string]*rand.PCG { return maps.Clone(ps.sources) }

// free returns an error naming the first of names that ps already holds.
func (ps *Params) free(names ...string) error {
	for _, n := range names {
		if _, dup := ps.byName[n]; dup {
			return fmt.Errorf("graph: a parameter named %q exists already", n)
		}
	}
	return nil
}

// positive returns an error unless every size is at least 1.
func positive(what string, sizes ...int) error {
	for _, n := range sizes {
		if n < 1 {
			return fmt.Errorf("graph: %s needs sizes ≥ 1, got %v", what, sizes)
		}
	}
	return nil
}

// NewParams returns an empty parameter set of the given dtype (tensor.Float32
// or tensor.Float64) whose initialisers draw from a generator seeded by seed.
func NewParams(dtype tensor.Dtype, seed uint64) *Params {
	if dtype != tensor.Float32 && dtype != tensor.Float64 {
		panic(fmt.Sprintf("graph: unsupported dtype %v (want Float32 or Float64)", dtype))
	}
	return &Params{Dtype: dtype, byName: map[string]*Param{}, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// All returns every parameter in creation order.
func (ps *Params) All() []*Param { return ps.list }

// Trainable returns the parameters that are not frozen, in creation order.
func (ps *Params) Trainable() []*Param {
	var out []*Param
	for _, p := range ps.list {
		if !p.Frozen {
			out = append(out, p)
		}
	}
	return out
}

// Get returns the parameter with the given name, or nil.
func (ps *Params) Get(name string) *Param { return ps.byName[name] }

// Count returns the total number of scalar weights.
func (ps *Params) Count() int {
	n := 0
	for _, p := range ps.list {
		n += p.Size()
	}
	return n
}

// ZeroGrad zeroes every accumulated gradient.
func (ps *Params) ZeroGrad() {
	for _, p := range ps.list {
		p.ZeroGrad()
	}
}

// Init fills a freshly created weight slice (float64 view); fan-in and
// fan-out are given for scaled initialisers.
type Init func(rng *rand.Rand, w []float64, fanIn, fanOut int)

// Uniform draws from U(−a, a).
func Uniform(a float64) Init {
	return func(rng *rand.Rand, w []float64, _, _ int) {
		for i := range w {
			w[i] = (2*rng.Float64() - 1) * a
		}
	}
}

// GlorotUniform draws from U(−a, a) with a = √(6/(fanIn+fanOut)).
func GlorotUniform() Init {
	return func(rng *rand.Rand, w []float64, fanIn, fanOut int) {
		Uniform(math.Sqrt(6/float64(fanIn+fanOut)))(rng, w, fanIn, fanOut)
	}
}

// Constant fills with c.
func Constant(c float64) Init {
	return func(_ *rand.Rand, w []float64, _, _ int) {
		for i := range w {
			w[i] = c
		}
	}
}

// New creates a parameter of the given shape, initialised by init (nil means
// zeros). Names must be unique within the set; a duplicate name panics, as
// it is a programming error in a model definition.
func (ps *Params) New(name string, shape tensor.Shape, init Init) *Param {
	if _, dup := ps.byName[name]; dup {
		panic(fmt.Sprintf("graph: duplicate parameter name %q", name))
	}
	n := shape.TotalSize()
	w := make([]float64, n)
	if init != nil {
		fanIn, fanOut := 1, 1
		switch len(shape) {
		case 1:
			fanIn, fanOut = shape[0], shape[0]
		case 0:
		default:
			fanIn, fanOut = shape[0], shape[len(shape)-1]
		}
		init(ps.rng, w, fanIn, fanOut)
	}
	p := &Param{Name: name, Value: ps.dense(shape, w), Grad: ps.dense(shape, nil)}
	ps.list = append(ps.list, p)
	ps.byName[name] = p
	return p
}

// FromValues creates a parameter holding a copy of the given values
// (row-major), e.g. pretrained word vectors.
func (ps *Params) FromValues(name string, shape tensor.Shape, values []float64) *Param {
	if len(values) != shape.TotalSize() {
		panic(fmt.Sprintf("graph: %d values for parameter %q of shape %v", len(values), name, shape))
	}
	p := ps.New(name, shape, nil)
	switch d := p.Value.Data().(type) {
	case []float32:
		for i, v := range values {
			d[i] = float32(v)
		}
	case []float64:
		copy(d, values)
	}
	return p
}

func (ps *Params) dense(shape tensor.Shape, w []float64) *tensor.Dense {
	n := shape.TotalSize()
	if ps.Dtype == tensor.Float64 {
		d := make([]float64, n)
		copy(d, w)
		return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(d))
	}
	d := make([]float32, n)
	for i := range w {
		d[i] = float32(w[i])
	}
	return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(d))
}

// Rand returns the generator the set's initialisers draw from; layers that
// need extra seeded randomness at construction use it too.
func (ps *Params) Rand() *rand.Rand { return ps.rng }

package graph

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Seq2SeqConfig describes an encoder–decoder model.
type Seq2SeqConfig struct {
	Src, Tgt  InputConfig // token inputs of each side
	Encoder   StackConfig // usually bidirectional
	Decoder   StackConfig // unidirectional; In is set from Tgt
	Attention AttentionKind
	AttnUnits int     // additive attention's hidden size (default: decoder size)
	Dropout   float64 // on the decoder output before the softmax layer
	// LabelSmoothing is ε of the training graphs' loss (see
	// SmoothedCrossEntropy); evaluation graphs score the plain
	// cross-entropy, so their loss stays the model's log-likelihood.
	LabelSmoothing float64
}

// Seq2Seq maps a source sequence to a target sequence of another length:
// a recurrent encoder reads the source; each decoder layer starts from
// tanh(W_l·s + b_l), where s is the encoder's final state; the decoder
// reads the target shifted right (teacher forcing) and, with attention,
// combines each state with its context over the encoder states,
// õ_t = tanh(W_c·[h_t; c_t] + b_c) (Luong et al. 2015), before the softmax
// layer. The attention is computed for all target steps at once, so the
// decoder stays one fused op per layer.
type Seq2Seq struct {
	Config  Seq2SeqConfig
	Params  *Params
	Enc     *Encoder
	Dec     *Encoder
	Bridge  []*Linear // per decoder layer: h, then c for LSTM
	Attn    *Attention
	Combine *Linear
	Out     *Linear
}

// NewSeq2Seq creates the model's parameters in ps under name.
func NewSeq2Seq(ps *Params, name string, cfg Seq2SeqConfig) (*Seq2Seq, error) {
	if cfg.Src.Vocab < 1 || cfg.Tgt.Vocab < 2 {
		return nil, fmt.Errorf("graph: seq2seq needs source and target vocabularies")
	}
	if cfg.Decoder.Bidirectional {
		return nil, fmt.Errorf("graph: a decoder cannot be bidirectional")
	}
	if cfg.LabelSmoothing < 0 || cfg.LabelSmoothing >= 1 {
		return nil, fmt.Errorf("graph: label smoothing %v outside [0, 1)", cfg.LabelSmoothing)
	}
	m := &Seq2Seq{Config: cfg, Params: ps}
	var err error
	if m.Enc, err = newEncoder(ps, name+".enc", cfg.Src, cfg.Encoder, nil); err != nil {
		return nil, err
	}
	if m.Dec, err = newEncoder(ps, name+".dec", cfg.Tgt, cfg.Decoder, nil); err != nil {
		return nil, err
	}
	encOut, H := m.Enc.RNN.OutDim(), cfg.Decoder.Hidden
	if m.Bridge, err = bridges(ps, name, cfg.Decoder, encOut); err != nil {
		return nil, err
	}
	outIn := H
	if cfg.Attention != NoAttention {
		units := cfg.AttnUnits
		if units == 0 {
			units = H
		}
		if m.Attn, err = NewAttention(ps, name+".attn", cfg.Attention, H, encOut, units); err != nil {
			return nil, err
		}
		if m.Combine, err = NewLinear(ps, name+".combine", H+encOut, H); err != nil {
			return nil, err
		}
	}
	if m.Out, err = NewLinear(ps, name+".out", outIn, cfg.Tgt.Vocab); err != nil {
		return nil, err
	}
	return m, nil
}

// encode builds the encoder and the decoder's initial states.
func (m *Seq2Seq) encode(b *Builder, Ts, B int) (*SeqInput, *G.Node, []State, error) {
	src, x, err := m.Enc.inputs(b, "src.", Ts, B)
	if err != nil {
		return nil, nil, nil, err
	}
	out, err := m.Enc.RNN.Apply(b, x, src.Mask.Node, State{})
	if err != nil {
		return nil, nil, nil, err
	}
	inits := make([]State, m.Config.Decoder.Layers)
	k := 0
	for l := range inits {
		bridge := func() (*G.Node, error) {
			lin := m.Bridge[k]
			k++
			v, err := lin.Apply(b, out.Final.H)
			if err != nil {
				return nil, err
			}
			return G.Tanh(v)
		}
		if inits[l].H, err = bridge(); err != nil {
			return nil, nil, nil, err
		}
		if m.Config.Decoder.Kind == LSTM {
			if inits[l].C, err = bridge(); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return src, out.H, inits, nil
}

// decode builds the decoder over tgt tokens from the given states and
// returns the logits [Tt·B,V] and the final states.
func (m *Seq2Seq) decode(b *Builder, tgt *SeqInput, y, enc, srcMask *G.Node, inits []State) (*G.Node, []State, error) {
	flat, finals, err := m.features(b, tgt, y, enc, srcMask, inits)
	if err != nil {
		return nil, nil, err
	}
	logits, err := m.Out.Apply(b, flat)
	return logits, finals, err
}

// features builds the decoder over tgt tokens from the given states and
// returns the input of the softmax layer [Tt·B,H] and the final states.
func (m *Seq2Seq) features(b *Builder, tgt *SeqInput, y, enc, srcMask *G.Node, inits []State) (*G.Node, []State, error) {
	out, finals, err := m.Dec.RNN.ApplyStates(b, y, tgt.Mask.Node, inits)
	if err != nil {
		return nil, nil, err
	}
	H := m.Config.Decoder.Hidden
	h := out.H
	width := H
	if m.Attn != nil {
		ctx, err := m.Attn.Apply(b, h, enc, srcMask)
		if err != nil {
			return nil, nil, err
		}
		if h, err = ConcatLast(h, ctx); err != nil {
			return nil, nil, err
		}
		width = H + m.Enc.RNN.OutDim()
	}
	flat, err := G.Reshape(h, tensor.Shape{tgt.T * tgt.B, width})
	if err != nil {
		return nil, nil, err
	}
	if m.Combine != nil {
		if flat, err = m.Combine.Apply(b, flat); err != nil {
			return nil, nil, err
		}
		if flat, err = G.Tanh(flat); err != nil {
			return nil, nil, err
		}
	}
	return b.Dropout(flat, m.Config.Dropout), finals, nil
}

// Seq2SeqGraph is a compiled training graph. Feed the source with
// Src.SetTokens, the decoder inputs (the target shifted right, starting
// with <bos>, or a mix with the model's own predictions for a teacher
// forcing ratio below 1) with TgtIn.SetTokens, and the targets (ending with
// <eos>) with SetTargets. In an evaluation graph (and a training graph
// built with Builder.Reference), Logits and Net.Output(0) are the logits
// [Tt·B,V]; a training graph computes its loss with the fused
// LinearCrossEntropy and has no logits (Logits is nil).
type Seq2SeqGraph struct {
	Src     *SeqInput
	TgtIn   *SeqInput
	Targets *Input
	Logits  *G.Node
	Loss    *G.Node
	Net     *Net
}

// SetTargets writes the per-step targets; the loss weights are TgtIn's mask.
func (g *Seq2SeqGraph) SetTargets(seqs [][]int) {
	y := make([]float64, g.TgtIn.T*g.TgtIn.B)
	for b, seq := range seqs {
		for t := 0; t < len(seq) && t < g.TgtIn.T; t++ {
			y[t*g.TgtIn.B+b] = float64(seq[t])
		}
	}
	g.Targets.Set(y)
}

// Compile builds the training graph for sources of Ts steps, targets of Tt
// steps and batch B.
func (m *Seq2Seq) Compile(Ts, Tt, B int, train bool, rng *rand.Rand) (*Seq2SeqGraph, error) {
	return m.CompileWith(NewBuilder(m.Params, train), Ts, Tt, B, rng)
}

// CompileLoss builds an evaluation graph that computes the loss alone
// (with the fused LinearCrossEntropy, so without logits): for validation
// loss at a fraction of the memory of Compile's evaluation graph.
func (m *Seq2Seq) CompileLoss(Ts, Tt, B int) (*Seq2SeqGraph, error) {
	return m.compile(NewBuilder(m.Params, false), Ts, Tt, B, nil, true)
}

// CompileWith is Compile on a given builder.
func (m *Seq2Seq) CompileWith(b *Builder, Ts, Tt, B int, rng *rand.Rand) (*Seq2SeqGraph, error) {
	return m.compile(b, Ts, Tt, B, rng, false)
}

func (m *Seq2Seq) compile(b *Builder, Ts, Tt, B int, rng *rand.Rand, lossOnly bool) (*Seq2SeqGraph, error) {
	src, enc, inits, err := m.encode(b, Ts, B)
	if err != nil {
		return nil, err
	}
	tgt, y, err := m.Dec.inputs(b, "tgt.", Tt, B)
	if err != nil {
		return nil, err
	}
	g := &Seq2SeqGraph{Src: src, TgtIn: tgt, Targets: b.Input("targets", Tt*B)}
	flat, _, err := m.features(b, tgt, y, enc, src.Mask.Node, inits)
	if err != nil {
		return nil, err
	}
	w, err := G.Reshape(tgt.Mask.Node, tensor.Shape{Tt * B})
	if err != nil {
		return nil, err
	}
	if (b.Train || lossOnly) && !b.Reference {
		// The fused output loss: no [Tt·B,V] logits held in the graph.
		eps := 0.0
		if b.Train {
			eps = m.Config.LabelSmoothing
		}
		if g.Loss, err = LinearCrossEntropy(b, flat, m.Out, g.Targets.Node, w, eps); err != nil {
			return nil, err
		}
		if g.Net, err = b.Compile(g.Loss, rng); err != nil {
			return nil, err
		}
		return g, nil
	}
	if g.Logits, err = m.Out.Apply(b, flat); err != nil {
		return nil, err
	}
	eps := 0.0
	if b.Train {
		eps = m.Config.LabelSmoothing
	}
	if g.Loss, err = SmoothedCrossEntropy(g.Logits, g.Targets.Node, w, eps); err != nil {
		return nil, err
	}
	if g.Net, err = b.Compile(g.Loss, rng, g.Logits); err != nil {
		return nil, err
	}
	return g, nil
}

// MixTeacherForcing returns the decoder inputs for a teacher forcing ratio:
// each step's input is the gold token with probability ratio, else the
// model's own prediction for that step (from a previous decoding pass of
// the same batch). Step 0 (<bos>) is always gold.
func MixTeacherForcing(gold, predicted [][]int, ratio float64, rng *rand.Rand) [][]int {
	out := make([][]int, len(gold))
	for i, g := range gold {
		out[i] = append([]int(nil), g...)
		for t := 1; t < len(g); t++ {
			if t-1 < len(predicted[i]) && rng.Float64() >= ratio {
				out[i][t] = predicted[i][t-1]
			}
		}
	}
	return out
}

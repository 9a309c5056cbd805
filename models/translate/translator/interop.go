package translator

import (
	"fmt"
	"strings"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/interop/onnx"
	"github.com/rnnzoo/rnnzoo/interop/torch"
)

// EncodeSource returns the token ids the model reads for a source
// sentence (tokenized, unknown words as <unk>, at least one id, truncated
// as Translate truncates it): what the exported encoder takes.
func (t *Model) EncodeSource(s string) []int { return t.encodeSrc(s) }

// ONNXEncoder returns the encoder as an ONNX graph. Inputs: "src_ids",
// int64 [batch, src_seq] (EncodeSource's ids, padded with any id);
// "src_lengths", int64 [batch]. Outputs: "memory", float32
// [batch, src_seq, D], the encoder states the attention reads; "h0"
// (and "c0" for LSTM), float32 [layers, batch, hidden], the decoder's
// initial state.
func (t *Model) ONNXEncoder() (*onnx.Graph, error) {
	g := onnx.NewGraph("translate_encoder")
	ids, err := g.Input("src_ids", onnx.Int64, "batch", "src_seq")
	if err != nil {
		return nil, err
	}
	lens, err := g.Input("src_lengths", onnx.Int64, "batch")
	if err != nil {
		return nil, err
	}
	s := t.m
	x := g.Embedding(s.Enc.Embed, g.Op("Transpose", []string{ids}, onnx.Ints64("perm", 1, 0)))
	y, finals, err := g.Stack(s.Enc.RNN, x, g.Int32(lens), nil)
	if err != nil {
		return nil, err
	}
	memory := g.Op("Transpose", []string{y}, onnx.Ints64("perm", 1, 0, 2))
	if err := g.Output("memory", memory, onnx.Float32, "batch", "src_seq", s.Enc.RNN.OutDim()); err != nil {
		return nil, err
	}
	// Each decoder layer starts from tanh(W·s + b), s the encoder's final state.
	top := g.Flatten(finals[len(finals)-1].H)
	inits := make([]onnx.State, t.cfg.Layers)
	for k, lin := range s.Bridge {
		v := g.Op("Unsqueeze", []string{g.Op("Tanh", []string{g.Linear(lin, top, 2)}), g.Ints(0)})
		if t.cfg.Cell == graph.LSTM && k%2 == 1 {
			inits[k/2].C = v
		} else if t.cfg.Cell == graph.LSTM {
			inits[k/2].H = v
		} else {
			inits[k].H = v
		}
	}
	if err := g.OutputStates(inits, "h0", "c0", t.cfg.Hidden); err != nil {
		return nil, err
	}
	return g, nil
}

// ONNXDecoderStep returns one decoder step as an ONNX graph. Inputs:
// "prev_ids", int64 [batch], the previous target token (<bos> at the
// start); "h0" (and "c0"), float32 [layers, batch, hidden], the state
// (the encoder's, then the step's own); "memory" and "src_lengths" as the
// encoder gave and took them. Outputs: "logits", float32 [batch, vocab];
// "hn" (and "cn"), the state after the step; with attention, "attention",
// float32 [batch, src_seq], the weights over the source.
func (t *Model) ONNXDecoderStep() (*onnx.Graph, error) {
	g := onnx.NewGraph("translate_decoder_step")
	s, H := t.m, t.cfg.Hidden
	prev, err := g.Input("prev_ids", onnx.Int64, "batch")
	if err != nil {
		return nil, err
	}
	inits, err := g.StateInputs("h0", "c0", t.cfg.Layers, H, t.cfg.Cell == graph.LSTM)
	if err != nil {
		return nil, err
	}
	memory, err := g.Input("memory", onnx.Float32, "batch", "src_seq", s.Enc.RNN.OutDim())
	if err != nil {
		return nil, err
	}
	lens, err := g.Input("src_lengths", onnx.Int64, "batch")
	if err != nil {
		return nil, err
	}
	x := g.Op("Unsqueeze", []string{g.Embedding(s.Dec.Embed, prev), g.Ints(0)})
	y, finals, err := g.Stack(s.Dec.RNN, x, "", inits)
	if err != nil {
		return nil, err
	}
	q := g.Op("Squeeze", []string{y, g.Ints(0)})
	feat := q
	if s.Attn != nil {
		ctx, alpha, err := g.Attention(s.Attn, q, memory, lens)
		if err != nil {
			return nil, err
		}
		if err := g.Output("attention", alpha, onnx.Float32, "batch", "src_seq"); err != nil {
			return nil, err
		}
		feat = g.Op("Tanh", []string{g.Linear(s.Combine, g.Concat(1, q, ctx), 2)})
	}
	if err := g.Output("logits", g.Linear(s.Out, feat, 2), onnx.Float32, "batch", t.cfg.TgtVocab); err != nil {
		return nil, err
	}
	if err := g.OutputStates(finals, "hn", "cn", H); err != nil {
		return nil, err
	}
	return g, nil
}

// ONNXFiles are the files ExportONNX writes for path: the encoder and the
// decoder step, beside each other (x.onnx: x.encoder.onnx and
// x.decoder.onnx).
func ONNXFiles(path string) (encoder, decoder string) {
	base := strings.TrimSuffix(path, ".onnx")
	return base + ".encoder.onnx", base + ".decoder.onnx"
}

// ExportONNX writes the encoder and the decoder step as two ONNX models
// (ONNXEncoder, ONNXDecoderStep; file names from ONNXFiles) and returns
// the files written. Greedy decoding: run the encoder once, then the step
// from prev_ids = <bos> and the encoder's h0, feeding back hn and the
// arg max of the logits until <eos>.
func (t *Model) ExportONNX(path string) ([]string, error) {
	enc, dec := ONNXFiles(path)
	a, err := onnx.WriteModel(enc, "rnnzoo translator "+t.cfg.Src+"→"+t.cfg.Tgt+": encoder", t.ONNXEncoder)
	if err != nil {
		return nil, err
	}
	b, err := onnx.WriteModel(dec, "rnnzoo translator "+t.cfg.Src+"→"+t.cfg.Tgt+": one decoder step", t.ONNXDecoderStep)
	return append(a, b...), err
}

// torchMapping pairs the weights with a PyTorch state_dict (the
// Translator module of interop/torch's rnnzoo_torch.py): "src_embed",
// the bidirectional "encoder" (nn.LSTM or nn.GRU), "tgt_embed", the
// "decoder", the nn.Linear "bridge.{k}" (per layer: h, then c for LSTM),
// "attn" (Wq, Wk and v; or Wa), "combine" and "out".
func (t *Model) torchMapping() *torch.Mapping {
	var m torch.Mapping
	s := t.m
	m.Embedding("src_embed.", s.Enc.Embed)
	m.Stack("encoder.", s.Enc.RNN)
	m.Embedding("tgt_embed.", s.Dec.Embed)
	m.Stack("decoder.", s.Dec.RNN)
	for k, b := range s.Bridge {
		m.Linear(fmt.Sprintf("bridge.%d.", k), b)
	}
	if a := s.Attn; a != nil {
		switch a.Kind {
		case graph.Additive:
			m.Param("attn.Wq.weight", a.Wq, true)
			m.Param("attn.Wk.weight", a.Wk, true)
			m.Param("attn.v", a.V, false)
		case graph.General:
			m.Param("attn.Wa.weight", a.Wa, true)
		}
		m.Linear("combine.", s.Combine)
	}
	m.Linear("out.", s.Out)
	return &m
}

// ExportTorch writes the weights as a PyTorch state_dict in safetensors
// (package interop/torch), with the configuration as metadata.
func (t *Model) ExportTorch(path string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return torch.ExportModel(path, Kind, t.cfg, t.torchMapping())
}

// ImportTorch replaces the weights by those of a PyTorch state_dict
// (safetensors or .npz) of the same architecture.
func (t *Model) ImportTorch(path string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return torch.ImportModel(path, Kind, t.torchMapping())
}

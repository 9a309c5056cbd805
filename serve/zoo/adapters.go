package zoo

import (
	"fmt"

	"strings"

	"github.com/rnnzoo/rnnzoo/models/charlm/lm"
	"github.com/rnnzoo/rnnzoo/models/imagecols/cols"
	"github.com/rnnzoo/rnnzoo/models/sentiment/polarity"
	"github.com/rnnzoo/rnnzoo/models/translate/translator"
	"github.com/rnnzoo/rnnzoo/serve"
)

// Sentiment serves a sentiment classifier: input "text" (BYTES [N]),
// outputs "label" (BYTES [N], the label names) and "probabilities"
// (FP32 [N, C]); the label names are the model's parameter "labels".
type Sentiment struct{ Model *polarity.Model }

func (s Sentiment) Metadata() serve.ModelMetadata {
	labels := s.Model.Labels()
	return serve.ModelMetadata{
		Platform: "rnnzoo_" + polarity.Kind,
		Inputs:   []serve.TensorMetadata{{Name: "text", Datatype: serve.BYTES, Shape: []int64{-1}}},
		Outputs: []serve.TensorMetadata{
			{Name: "label", Datatype: serve.BYTES, Shape: []int64{-1}},
			{Name: "probabilities", Datatype: serve.FP32, Shape: []int64{-1, int64(len(labels))}},
		},
		Parameters: map[string]any{"labels": strings.Join(labels, ","), "architecture": s.Model.String()},
	}
}

func (s Sentiment) Parse(req *serve.InferRequest) (*serve.Job, error) {
	texts, err := req.Inputs[0].Strings()
	if err != nil {
		return nil, err
	}
	return &serve.Job{Rows: anys(texts)}, nil
}

func (s Sentiment) Infer(rows []any) ([]any, error) {
	preds, err := s.Model.Predict(strs(rows))
	if err != nil {
		return nil, err
	}
	return anys(preds), nil
}

func (s Sentiment) Outputs(job *serve.Job, results []any) ([]serve.OutputTensor, error) {
	n := len(results)
	labels := make([]string, n)
	var probs []float32
	c := 0
	for i, r := range results {
		p := r.(polarity.Prediction)
		labels[i] = p.Name
		c = len(p.Probabilities)
		for _, v := range p.Probabilities {
			probs = append(probs, float32(v))
		}
	}
	return []serve.OutputTensor{
		{Name: "label", Datatype: serve.BYTES, Shape: []int64{int64(n)}, Data: labels},
		{Name: "probabilities", Datatype: serve.FP32, Shape: []int64{int64(n), int64(c)}, Data: probs},
	}, nil
}

// Translate serves a translator: input "text" (BYTES [N]); request
// parameters "beam" (default 4), "alpha" (0.5) and "max_length" (tokens,
// 100); output "translation" (BYTES [N]). Requests batch together when
// their parameters are equal.
type Translate struct{ Model *translator.Model }

type translateRow struct {
	text string
	opts translator.DecodeOptions
}

func (t Translate) Metadata() serve.ModelMetadata {
	cfg := t.Model.Config()
	d := translator.DefaultDecodeOptions()
	return serve.ModelMetadata{
		Platform: "rnnzoo_" + translator.Kind,
		Inputs:   []serve.TensorMetadata{{Name: "text", Datatype: serve.BYTES, Shape: []int64{-1}}},
		Outputs:  []serve.TensorMetadata{{Name: "translation", Datatype: serve.BYTES, Shape: []int64{-1}}},
		Parameters: map[string]any{"source_language": cfg.Src, "target_language": cfg.Tgt, "architecture": t.Model.String(),
			"beam": d.Beam, "alpha": d.Alpha, "max_length": d.MaxOut},
	}
}

func (t Translate) Parse(req *serve.InferRequest) (*serve.Job, error) {
	texts, err := req.Inputs[0].Strings()
	if err != nil {
		return nil, err
	}
	o := translator.DefaultDecodeOptions()
	if o.Beam, err = req.IntParam("beam", o.Beam, 1, 64); err != nil {
		return nil, err
	}
	if o.MaxOut, err = req.IntParam("max_length", o.MaxOut, 1, 1000); err != nil {
		return nil, err
	}
	if o.Alpha, err = req.Param("alpha", o.Alpha); err != nil {
		return nil, err
	}
	if err := o.Check(); err != nil {
		return nil, serve.BadRequest("parameters: %v", err)
	}
	rows := make([]any, len(texts))
	for i, s := range texts {
		rows[i] = translateRow{s, o}
	}
	return &serve.Job{Rows: rows, Key: fmt.Sprintf("beam=%d alpha=%g max=%d", o.Beam, o.Alpha, o.MaxOut)}, nil
}

func (t Translate) Infer(rows []any) ([]any, error) {
	texts := make([]string, len(rows))
	for i, r := range rows {
		texts[i] = r.(translateRow).text
	}
	out, err := t.Model.Translate(texts, rows[0].(translateRow).opts)
	if err != nil {
		return nil, err
	}
	return anys(out), nil
}

func (t Translate) Outputs(job *serve.Job, results []any) ([]serve.OutputTensor, error) {
	return []serve.OutputTensor{{Name: "translation", Datatype: serve.BYTES, Shape: []int64{int64(len(results))}, Data: strs(results)}}, nil
}

// Images serves an image classifier: input "image" (FP32 in [0, 1] or
// UINT8 in [0, 255], shape [N, H, W], ink light on dark as in MNIST);
// outputs "label" (INT64 [N]) and "probabilities" (FP32 [N, classes]).
type Images struct{ Model *cols.Classifier }

func (m Images) Metadata() serve.ModelMetadata {
	c := m.Model.Config
	names := make([]string, c.Classes)
	for k := range names {
		names[k] = c.ClassName(k)
	}
	return serve.ModelMetadata{
		Platform: "rnnzoo_" + cols.Kind,
		Inputs: []serve.TensorMetadata{{Name: "image", Datatype: serve.FP32, Shape: []int64{-1, int64(c.H), int64(c.W)},
			Parameters: map[string]any{"datatypes": "FP32,UINT8", "range": "FP32 in [0,1], UINT8 in [0,255]"}}},
		Outputs: []serve.TensorMetadata{
			{Name: "label", Datatype: serve.INT64, Shape: []int64{-1}},
			{Name: "probabilities", Datatype: serve.FP32, Shape: []int64{-1, int64(c.Classes)}},
		},
		Parameters: map[string]any{"labels": strings.Join(names, ","), "dataset": c.Dataset},
	}
}

func (m Images) Parse(req *serve.InferRequest) (*serve.Job, error) {
	in := &req.Inputs[0]
	if in.Datatype != serve.FP32 && in.Datatype != serve.UINT8 {
		return nil, serve.BadRequest("input %q has datatype %s, want FP32 or UINT8", in.Name, in.Datatype)
	}
	px, err := in.Floats()
	if err != nil {
		return nil, err
	}
	hw := m.Model.Config.H * m.Model.Config.W
	rows := make([]any, len(px)/hw)
	for i := range rows {
		img := px[i*hw : (i+1)*hw : (i+1)*hw]
		for j, v := range img {
			if in.Datatype == serve.UINT8 {
				img[j] = v / 255
			} else if v < 0 || v > 1 {
				return nil, serve.BadRequest("input %q: pixel %d of image %d is %v, outside [0, 1]", in.Name, j, i, v)
			}
		}
		rows[i] = img
	}
	return &serve.Job{Rows: rows}, nil
}

func (m Images) Infer(rows []any) ([]any, error) {
	imgs := make([][]float32, len(rows))
	for i, r := range rows {
		imgs[i] = r.([]float32)
	}
	preds, err := m.Model.Classify(imgs)
	if err != nil {
		return nil, err
	}
	return anys(preds), nil
}

func (m Images) Outputs(job *serve.Job, results []any) ([]serve.OutputTensor, error) {
	n := len(results)
	labels := make([]int64, n)
	c := m.Model.Config.Classes
	probs := make([]float32, 0, n*c)
	for i, r := range results {
		p := r.(cols.Prediction)
		labels[i] = int64(p.Class)
		for _, v := range p.Probs {
			probs = append(probs, float32(v))
		}
	}
	return []serve.OutputTensor{
		{Name: "label", Datatype: serve.INT64, Shape: []int64{int64(n)}, Data: labels},
		{Name: "probabilities", Datatype: serve.FP32, Shape: []int64{int64(n), int64(c)}, Data: probs},
	}, nil
}

// CharLM serves a character language model: input "prime" (BYTES [1]);
// parameters "n" (characters to write, default 200), "temperature" (0.8)
// and "seed" (1; the same seed gives the same text); output "text"
// (BYTES [1], the characters written after the prime).
type CharLM struct{ Model *lm.Model }

type sampleRow struct {
	prime string
	n     int
	temp  float64
	seed  uint64
}

func (c CharLM) Metadata() serve.ModelMetadata {
	return serve.ModelMetadata{
		Platform:   "rnnzoo_" + lm.Kind,
		Inputs:     []serve.TensorMetadata{{Name: "prime", Datatype: serve.BYTES, Shape: []int64{1}}},
		Outputs:    []serve.TensorMetadata{{Name: "text", Datatype: serve.BYTES, Shape: []int64{1}}},
		Parameters: map[string]any{"n": 200, "temperature": 0.8, "seed": 1, "max_n": maxSample},
	}
}

// maxSample bounds the characters of one request.
const maxSample = 10000

func (c CharLM) Parse(req *serve.InferRequest) (*serve.Job, error) {
	primes, err := req.Inputs[0].Strings()
	if err != nil {
		return nil, err
	}
	r := sampleRow{prime: primes[0]}
	if r.n, err = req.IntParam("n", 200, 0, maxSample); err != nil {
		return nil, err
	}
	if r.temp, err = req.Param("temperature", 0.8); err != nil {
		return nil, err
	}
	if r.temp < 0 || r.temp > 100 {
		return nil, serve.BadRequest("parameter \"temperature\" is %v, want a number in [0, 100]", r.temp)
	}
	seed, err := req.Param("seed", 1)
	if err != nil {
		return nil, err
	}
	if seed < 0 || seed != float64(uint64(seed)) || seed > 1<<53 {
		return nil, serve.BadRequest("parameter \"seed\" is %v, want a whole number in [0, 2^53]", seed)
	}
	r.seed = uint64(seed)
	return &serve.Job{Rows: []any{r}}, nil
}

func (c CharLM) Infer(rows []any) ([]any, error) {
	out := make([]any, len(rows))
	for i, r := range rows {
		s := r.(sampleRow)
		text, err := c.Model.Sample(s.prime, s.n, s.temp, s.seed)
		if err != nil {
			return nil, err
		}
		out[i] = text
	}
	return out, nil
}

func (c CharLM) Outputs(job *serve.Job, results []any) ([]serve.OutputTensor, error) {
	return []serve.OutputTensor{{Name: "text", Datatype: serve.BYTES, Shape: []int64{1}, Data: strs(results)}}, nil
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func strs(xs []any) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.(string)
	}
	return out
}

package torch

import (
	"fmt"
	"path/filepath"
)

// Case is one model of a round trip between rnnzoo and PyTorch
// (BothWays).
type Case struct {
	Name   string
	Config any                     // the model's configuration, as its checkpoints store it
	Export func(path string) error // writes the rnnzoo model's weights (ExportTorch)
	Import func(path string) error // reads a state_dict into a new rnnzoo model of Config (ImportTorch)
	Inputs any                     // the PyTorch module's inputs (rnnzoo_torch.py's _run)
}

// Result holds PyTorch's outputs for one Case: Export of the rnnzoo
// model's export, Own of the weights PyTorch drew, which Case.Import has
// read into rnnzoo.
type Result struct {
	Export, Own map[string][]float64
}

// BothWays checks a model kind in both directions with one Python
// process: each case's export is run in PyTorch; PyTorch draws a model of
// the case's configuration (seeded by seed), writes it as safetensors and
// as .npz, and runs it; the .npz is then imported into rnnzoo. Files go
// to dir. The caller compares Result.Export with the exported model's own
// outputs and Result.Own with the imported model's.
func BothWays(dir, kind string, seed int, cases []Case) ([]Result, error) {
	var jobs []Job
	for _, c := range cases {
		export := filepath.Join(dir, c.Name+".safetensors")
		if err := c.Export(export); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		own := filepath.Join(dir, c.Name+"-torch.safetensors")
		jobs = append(jobs,
			Job{Op: "init", Kind: kind, Config: c.Config, Seed: seed, Out: own},
			Job{Op: "init", Kind: kind, Config: c.Config, Seed: seed, Out: filepath.Join(dir, c.Name+"-torch.npz")},
			Job{Op: "run", Export: export, Inputs: c.Inputs},
			Job{Op: "run", Export: own, Inputs: c.Inputs})
	}
	res, err := Jobs(jobs)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(cases))
	for i, c := range cases {
		if err := c.Import(filepath.Join(dir, c.Name+"-torch.npz")); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		out[i] = Result{Export: res[4*i+2], Own: res[4*i+3]}
	}
	return out, nil
}

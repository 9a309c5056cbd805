package torch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Python is Debian's interpreter, which python3-torch serves (not one that
// a version manager put first on PATH).
const Python = "/usr/bin/python3"

// Meta is the safetensors metadata of an export: the model kind and its
// configuration as JSON, which rnnzoo_torch.load reads to build the
// module.
func Meta(kind string, config any) (map[string]string, error) {
	b, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("torch: model config: %w", err)
	}
	return map[string]string{"rnnzoo_kind": kind, "rnnzoo_config": string(b)}, nil
}

// Available returns an error naming what is missing when PyTorch cannot
// run here (Debian's python3-torch).
func Available() error {
	if err := exec.Command(Python, "-c", "import torch, numpy").Run(); err != nil {
		return fmt.Errorf("%s cannot import torch and numpy: apt-get install python3-torch python3-numpy", Python)
	}
	return nil
}

// RunModule runs rnnzoo_torch.py (Module) with args and returns its
// standard output.
func RunModule(args ...string) ([]byte, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "rnnzoo-torch")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "rnnzoo_torch.py")
	if err := os.WriteFile(script, Module, 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(Python, append([]string{script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("torch: rnnzoo_torch.py %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// tempJSON writes v as JSON to a new temporary file and returns its name.
func tempJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp("", "rnnzoo-torch-*.json")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), f.Close()
}

// Job is one task of rnnzoo_torch.py: Op "run" loads Export in PyTorch
// as float64 and feeds it Inputs (see rnnzoo_torch.py's _run for each
// kind); Op "init" writes to Out the state_dict of a Kind model of Config
// drawn by PyTorch's default initialisation after torch.manual_seed(Seed)
// (.npz: numpy.savez; else safetensors with metadata).
type Job struct {
	Op     string `json:"op"`
	Export string `json:"export,omitempty"`
	Inputs any    `json:"inputs,omitempty"`
	Kind   string `json:"kind,omitempty"`
	Config any    `json:"config,omitempty"`
	Seed   int    `json:"seed"`
	Out    string `json:"out,omitempty"`
}

// Jobs runs the jobs in one Python process (PyTorch takes seconds to
// import) and returns each one's outputs by name, flattened (none for
// "init").
func Jobs(jobs []Job) ([]map[string][]float64, error) {
	in, err := tempJSON(jobs)
	if err != nil {
		return nil, err
	}
	defer os.Remove(in)
	out, err := RunModule("jobs", in)
	if err != nil {
		return nil, err
	}
	var res []map[string][]float64
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("torch: reading rnnzoo_torch.py's output: %w", err)
	}
	if len(res) != len(jobs) {
		return nil, fmt.Errorf("torch: rnnzoo_torch.py answered %d jobs of %d", len(res), len(jobs))
	}
	return res, nil
}

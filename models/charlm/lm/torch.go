package lm

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// TorchBaseline runs a PyTorch baseline script (models/charlm's
// torch_baseline.py) with python on the same text, split and settings for
// seconds of training, and returns the metrics of its final JSON line (it
// prints its progress to stderr). It is how the program compares rnnzoo with
// PyTorch in one run.
func TorchBaseline(python, script string, text []rune, validFrac float64, cfg Config, tc TrainConfig, seconds float64, stderr io.Writer) (map[string]float64, error) {
	if _, err := os.Stat(script); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "charlm-text-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "text.txt")
	if err := os.WriteFile(file, []byte(string(text)), 0o600); err != nil {
		return nil, err
	}
	c := exec.Command(python, script, "--data", file, "--valid", fmt.Sprint(validFrac),
		"--cell", cfg.Cell.String(), "--layers", fmt.Sprint(cfg.Layers), "--hidden", fmt.Sprint(cfg.Hidden),
		"--embed", fmt.Sprint(cfg.Embed), "--batch", fmt.Sprint(tc.Batch), "--bptt", fmt.Sprint(tc.BPTT),
		"--lr", fmt.Sprint(tc.LR), "--clip", fmt.Sprint(tc.Clip), "--seconds", fmt.Sprint(seconds),
		"--seed", fmt.Sprint(cfg.Seed), "--threads", "1")
	c.Stderr = stderr
	raw, err := c.Output()
	if err != nil {
		return nil, err
	}
	var last string
	for sc := bufio.NewScanner(strings.NewReader(string(raw))); sc.Scan(); {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			last = l
		}
	}
	var res map[string]float64
	if err := json.Unmarshal([]byte(last), &res); err != nil {
		return nil, fmt.Errorf("last line %q: %w", last, err)
	}
	return res, nil
}

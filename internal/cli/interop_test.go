package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// saver is a model with a weights-only save and nothing else.
type saver struct{ saved *string }

func (s saver) Save(path string, int8 bool) error {
	*s.saved = path
	return os.WriteFile(path, []byte("weights"), 0o644)
}

// torchModel is a saver that imports and exports PyTorch state_dicts.
type torchModel struct {
	saver
	imported *string
}

func (m torchModel) ImportTorch(path string) error { *m.imported = path; return nil }
func (m torchModel) ExportTorch(path string) error { return os.WriteFile(path, []byte("torch"), 0o644) }

// TestExportImportFormats checks -format of export and import: the
// formats a model does not implement are runtime errors that say so, bad
// values and missing files are usage errors, and import saves the model
// after reading the state_dict.
func TestExportImportFormats(t *testing.T) {
	dir := t.TempDir()
	var saved, imported string
	plain := func(*Env, string) (saver, error) { return saver{&saved}, nil }
	withTorch := func(*Env, string) (torchModel, error) { return torchModel{saver{&saved}, &imported}, nil }
	p := &Program{Name: "prog", Default: "export", Commands: []Command{
		ExportCommand("prog", plain),
		ImportCommand("prog", withTorch),
		{Name: "texport", Run: ExportCommand("prog", withTorch).Run},
		{Name: "pimport", Run: ImportCommand("prog", plain).Run},
	}}
	out := filepath.Join(dir, "m.out")
	for _, c := range []struct {
		args  []string
		code  int
		inErr string
	}{
		{[]string{"export", "-out", out}, 0, "wrote " + out},
		{[]string{"export", "-format", "onnx", "-out", out}, 1, "no ONNX export"},
		{[]string{"export", "-format", "torch", "-out", out}, 1, "no PyTorch export"},
		{[]string{"texport", "-format", "torch", "-out", out}, 0, "wrote"},
		{[]string{"export", "-format", "keras", "-out", out}, 2, "-format"},
		{[]string{"export", "-format", "onnx", "-int8", "-out", out}, 2, "-int8"},
		{[]string{"import", "-in", "sd.npz"}, 2, "-out"},
		{[]string{"import", "-format", "onnx", "-in", "a", "-out", out}, 2, "want torch"},
		{[]string{"pimport", "-in", "sd.npz", "-out", out}, 1, "no PyTorch import"},
		{[]string{"import", "-in", "sd.npz", "-out", out}, 0, "wrote " + out},
	} {
		var o, e bytes.Buffer
		code := p.Run(&Env{Stdout: &o, Stderr: &e}, c.args)
		if code != c.code || !strings.Contains(e.String(), c.inErr) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", c.args, code, e.String(), c.code, c.inErr)
		}
	}
	if imported != "sd.npz" || saved != out {
		t.Errorf("import read %q and saved %q; want sd.npz and %s", imported, saved, out)
	}
}

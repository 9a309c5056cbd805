package embeddings_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rnnzoo/rnnzoo/embeddings"
)

func ExampleRead() {
	file := "4 2\nking 0.9 0.8\nqueen 0.9 -0.7\nman 0.1 0.9\nwoman 0.1 -0.8\n"
	v, err := embeddings.Read(strings.NewReader(file), "tiny.txt", embeddings.Auto)
	if err != nil {
		fmt.Println(err)
		return
	}
	ans, _ := v.Analogy("man", "king", "woman", embeddings.CosAdd, 1, 0)
	nn, _ := v.Nearest("king", 1)
	fmt.Println(v.Len(), v.Dim, ans[0].Word, nn[0].Word)
	// Output: 4 2 queen man
}

func ExampleVectors_Save() {
	v := embeddings.New(2)
	v.Add("hello", []float32{0.5, -1})
	v.Add("world", []float32{0.25, 3})
	path := filepath.Join(os.TempDir(), "example-vectors.bin")
	defer os.Remove(path)
	if err := v.Save(path, embeddings.Auto); err != nil { // binary, from the name
		fmt.Println(err)
		return
	}
	w, err := embeddings.Load(path, embeddings.Auto)
	if err != nil {
		fmt.Println(err)
		return
	}
	x, _ := w.Vector("world")
	fmt.Println(w.Words, x)
	// Output: [hello world] [0.25 3]
}

func ExampleRead_error() {
	_, err := embeddings.Read(strings.NewReader("2 2\na 1 2\nb 1 oops\n"), "bad.txt", embeddings.Text)
	fmt.Println(err)
	// Output: bad.txt:3: field 3 ("oops"): not a number
}

func ExampleVectors_EvalAnalogies() {
	v, _ := embeddings.Read(strings.NewReader("king 0.9 0.8\nqueen 0.9 -0.7\nman 0.1 0.9\nwoman 0.1 -0.8\n"), "tiny", embeddings.GloVe)
	secs, _ := embeddings.ReadAnalogies(strings.NewReader(": family\nman king woman queen\nman king woman aunt\n"), "q")
	s := v.EvalAnalogies(secs, embeddings.AnalogyOptions{Restrict: 30000})
	fmt.Printf("accuracy %.2f coverage %.2f (%d/%d answered)\n", s.Accuracy, s.Coverage, s.Answered, s.Total)
	// Output: accuracy 1.00 coverage 0.50 (1/2 answered)
}

// Nearest neighbours by cosine similarity. By hand: cos(king, man) =
// (0.9·0.1 + 0.8·0.9) / (|king|·|man|) = 0.81 / (1.2042·0.9055) = 0.743.
func ExampleVectors_Nearest() {
	file := "4 2\nking 0.9 0.8\nqueen 0.9 -0.7\nman 0.1 0.9\nwoman 0.1 -0.8\n"
	v, err := embeddings.Read(strings.NewReader(file), "tiny.txt", embeddings.Auto)
	if err != nil {
		fmt.Println(err)
		return
	}
	nn, _ := v.Nearest("king", 3)
	for _, n := range nn {
		fmt.Printf("%s %.3f\n", n.Word, n.Score)
	}
	c, _ := v.Cosine("king", "queen")
	fmt.Printf("cos(king, queen) = %.3f\n", c)
	// Output:
	// man 0.743
	// queen 0.182
	// woman -0.567
	// cos(king, queen) = 0.182
}

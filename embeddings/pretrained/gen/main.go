package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/rnnzoo/rnnzoo/embeddings"
)

func main() {
	in := flag.String("in", "", "word2vec vector file (text or binary)")
	out := flag.String("out", "", "quantised file to write")
	maxWords := flag.Int("max", 0, "keep the first N words (0: all)")
	floatOut := flag.String("float-out", "", "also write the float32 vectors that were quantised (for measuring)")
	dequantOut := flag.String("dequantised-out", "", "also write the dequantised vectors (for measuring)")
	flag.Parse()
	if err := run(*in, *out, *maxWords, *floatOut, *dequantOut); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out string, maxWords int, floatOut, dequantOut string) error {
	if in == "" || out == "" {
		return fmt.Errorf("-in and -out are required")
	}
	v, err := embeddings.Load(in, embeddings.Auto)
	if err != nil {
		return err
	}
	// Drop the C tool's sentence-end token: it is no word.
	if i, ok := v.Index("</s>"); ok {
		words := append(append([]string(nil), v.Words[:i]...), v.Words[i+1:]...)
		data := append(append([]float32(nil), v.Data[:i*v.Dim]...), v.Data[(i+1)*v.Dim:]...)
		if v, err = embeddings.FromMatrix(words, data, v.Dim); err != nil {
			return err
		}
	}
	if maxWords > 0 {
		v.Truncate(maxWords)
	}
	var b bytes.Buffer
	if err := embeddings.EncodeQ8(&b, v); err != nil {
		return err
	}
	q, err := embeddings.DecodeQ8Bytes(b.Bytes(), out)
	if err != nil {
		return err
	}
	var maxErr float64
	for i := range v.Data {
		maxErr = max(maxErr, float64(abs(v.Data[i]-q.Data[i])))
	}
	if err := embeddings.WriteFileAtomic(out, func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }); err != nil {
		return err
	}
	if floatOut != "" {
		if err := v.Save(floatOut, embeddings.Auto); err != nil {
			return err
		}
	}
	if dequantOut != "" {
		if err := q.Save(dequantOut, embeddings.Auto); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %s: %d words × %d, %d bytes, max abs quantisation error %.2g\n", out, v.Len(), v.Dim, b.Len(), maxErr)
	return nil
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

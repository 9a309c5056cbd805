package text

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func sentences() [][]string {
	return [][]string{
		Tokenize("the film was good ."),
		Tokenize("the film was bad ."),
		Tokenize("the acting was good !"),
	}
}

func TestVocabBuild(t *testing.T) {
	v := BuildVocab(sentences(), VocabOptions{MinCount: 2})
	want := []string{Pad, Unk, "the", "was", ".", "film", "good"}
	if !reflect.DeepEqual(v.Tokens(), want) {
		t.Fatalf("tokens %q, want %q", v.Tokens(), want)
	}
	if v.ID("bad") != UnkID || v.ID("the") != 2 || v.Token(99) != Unk || v.Count(2) != 3 {
		t.Fatal("lookups wrong")
	}
	if v.BOSID() != -1 || v.EOSID() != -1 {
		t.Fatal("no <bos>/<eos> asked for")
	}
	small := BuildVocab(sentences(), VocabOptions{MaxSize: 4, BOSEOS: true})
	if small.Size() != 4 || small.Token(2) != BOS || small.Token(3) != EOS {
		t.Fatalf("max size with specials: %q", small.Tokens())
	}
	full := BuildVocab(sentences(), VocabOptions{BOSEOS: true})
	ids := full.Encode(Tokenize("the plot was good"), true, true)
	if ids[0] != full.BOSID() || ids[len(ids)-1] != full.EOSID() || ids[2] != UnkID {
		t.Fatalf("encode %v", ids)
	}
	dec := full.Decode(append([]int{PadID}, append(ids, full.ID("film"))...))
	if strings.Join(dec, " ") != "the <unk> was good" {
		t.Fatalf("decode %q", dec)
	}
	if c := full.Coverage([][]string{{"the", "plot"}}); c != 0.5 {
		t.Fatalf("coverage %v", c)
	}
	// A token spelled like a special is not added twice.
	odd := BuildVocab([][]string{{"<unk>", "<unk>", "a"}}, VocabOptions{})
	if odd.Size() != 3 {
		t.Fatalf("%q", odd.Tokens())
	}
}

func TestVocabSaveLoad(t *testing.T) {
	v := BuildVocab(sentences(), VocabOptions{BOSEOS: true})
	p := filepath.Join(t.TempDir(), "vocab.json")
	if err := v.Save(p); err != nil {
		t.Fatal(err)
	}
	w, err := LoadVocab(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v, w) {
		t.Fatalf("round trip differs:\n%+v\n%+v", v, w)
	}
	bad := map[string]string{
		`{"format":"x","tokens":["<pad>","<unk>"]}`:                           "format",
		`{"format":"rnnzoo-vocab-1","tokens":["<unk>","<pad>"]}`:              "must start",
		`{"format":"rnnzoo-vocab-1","tokens":["<pad>","<unk>","a","a"]}`:      "at ids 2 and 3",
		`{"format":"rnnzoo-vocab-1","tokens":["<pad>","<unk>"],"counts":[1]}`: "1 counts",
		`[`: "vocab",
	}
	for in, want := range bad {
		os.WriteFile(p, []byte(in), 0o644)
		_, err := LoadVocab(p)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want %q and the file name", in, err, want)
		}
	}
}

func FuzzReadVocab(f *testing.F) {
	var b bytes.Buffer
	BuildVocab(sentences(), VocabOptions{BOSEOS: true}).WriteJSON(&b)
	f.Add(b.Bytes())
	f.Add([]byte(`{"format":"rnnzoo-vocab-1","tokens":["<pad>","<unk>","<eos>"]}`))
	f.Add([]byte(`{"format":"rnnzoo-vocab-1","tokens":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ReadVocab(bytes.NewReader(data))
		if err != nil {
			return
		}
		for id := range v.Size() {
			if v.ID(v.Token(id)) != id {
				t.Fatalf("id %d does not round-trip", id)
			}
		}
		_ = v.Decode([]int{-1, 0, 1, 2, 1 << 30})
	})
}

func TestBucket(t *testing.T) {
	lengths := []int{3, 9, 4, 12, 5, 1, 8, 2, 7, 30, 6, 10}
	opt := BucketOptions{BatchSize: 2, Bounds: []int{4, 8, 16}, Seed: 1}
	bs, err := Bucket(lengths, opt)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Bucket(lengths, opt)
	if !reflect.DeepEqual(bs, again) {
		t.Fatal("not deterministic")
	}
	var seen []int
	for _, b := range bs {
		for _, i := range b.Indices {
			if lengths[i] > b.MaxLen && b.MaxLen != 16 {
				t.Fatalf("length %d in bucket %d", lengths[i], b.MaxLen)
			}
			if b.MaxLen > 4 && lengths[i] <= 4 {
				t.Fatalf("length %d belongs to a smaller bucket than %d", lengths[i], b.MaxLen)
			}
			seen = append(seen, i)
		}
	}
	sort.Ints(seen)
	for i, v := range seen {
		if v != i {
			t.Fatalf("indices %v", seen)
		}
	}
	nob, _ := Bucket(lengths, BucketOptions{BatchSize: 5, Seed: 2, DropLast: true})
	if len(nob) != 2 {
		t.Fatalf("%d batches", len(nob))
	}
	for _, b := range nob {
		if len(b.Indices) != 5 {
			t.Fatal("DropLast left a short batch")
		}
	}
	if _, err := Bucket(lengths, BucketOptions{}); err == nil {
		t.Fatal("batch size 0 accepted")
	}
	if _, err := Bucket(lengths, BucketOptions{BatchSize: 1, Bounds: []int{5, 5}}); err == nil {
		t.Fatal("bad bounds accepted")
	}
}

func TestPadBatch(t *testing.T) {
	ids, mask, lens := PadBatch([][]int{{5, 6, 7}, {8}}, 2, true)
	if !reflect.DeepEqual(ids, []int{5, 8, 6, 0}) || !reflect.DeepEqual(mask, []float32{1, 1, 1, 0}) || !reflect.DeepEqual(lens, []int{2, 1}) {
		t.Fatalf("%v %v %v", ids, mask, lens)
	}
	ids, _, _ = PadBatch([][]int{{5, 6, 7}, {8}}, 3, false)
	if !reflect.DeepEqual(ids, []int{5, 6, 7, 8, 0, 0}) {
		t.Fatalf("%v", ids)
	}
}

func ExampleVocab() {
	train := [][]string{Tokenize("A good film."), Tokenize("A bad film!")}
	v := BuildVocab(train, VocabOptions{MinCount: 1, BOSEOS: true})
	ids := v.Encode(Tokenize("A great film."), true, true)
	fmt.Println(v.Size(), ids)
	fmt.Println(v.Decode(ids))
	// Output:
	// 10 [2 4 1 5 7 3]
	// [a <unk> film .]
}

func ExampleBucket() {
	lengths := []int{3, 12, 5, 2, 9, 4}
	batches, _ := Bucket(lengths, BucketOptions{BatchSize: 2, Bounds: []int{4, 8, 16}, Seed: 1})
	for _, b := range batches {
		fmt.Println(len(b.Indices), "examples padded to", b.MaxLen)
	}
	// Unordered output:
	// 2 examples padded to 4
	// 1 examples padded to 4
	// 2 examples padded to 16
	// 1 examples padded to 8
}

package graph

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestConfigsRoundTripJSON holds every configuration's JSON form equal to
// the configuration, with enumerations written as their names.
func TestConfigsRoundTripJSON(t *testing.T) {
	st := StackConfig{Kind: GRU, Act: Sigmoid, In: 3, Hidden: 4, Layers: 2, Bidirectional: true, Merge: Mean, Dropout: 0.1}
	configs := []any{
		&ManyToOneConfig{Input: InputConfig{Vocab: 10, EmbedDim: 4, FreezeEmbedding: true}, RNN: st, Pool: PoolMax, Classes: 2},
		&OneToManyConfig{Cond: InputConfig{Features: 3}, Out: 8, RNN: StackConfig{Kind: LSTM, Act: ReLU, Hidden: 4, Layers: 1}, Loss: LossMSE},
		&Seq2SeqConfig{Src: InputConfig{Vocab: 5, EmbedDim: 2}, Tgt: InputConfig{Vocab: 6, EmbedDim: 2}, Encoder: st, Decoder: StackConfig{Kind: RNN, Hidden: 4, Layers: 1}, Attention: General, LabelSmoothing: 0.1},
		&SyncedConfig{Input: InputConfig{Vocab: 7, EmbedDim: 3}, RNN: st, Classes: 7},
	}
	for _, c := range configs {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("%T: %v", c, err)
		}
		back := reflect.New(reflect.TypeOf(c).Elem()).Interface()
		if err := json.Unmarshal(b, back); err != nil {
			t.Fatalf("%T: %v in %s", c, err, b)
		}
		if !reflect.DeepEqual(c, back) {
			t.Errorf("%T: %s read back as %+v", c, b, back)
		}
	}
	b, _ := json.Marshal(configs[0])
	for _, want := range []string{`"Kind":"gru"`, `"Act":"sigmoid"`, `"Merge":"mean"`, `"Pool":"max"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
}

func TestEnumsRefuseUnknownNames(t *testing.T) {
	var k CellKind
	if err := json.Unmarshal([]byte(`"transformer"`), &k); err == nil {
		t.Error("cell kind \"transformer\" accepted")
	}
	var p Pool
	if err := json.Unmarshal([]byte(`1`), &p); err == nil {
		t.Error("a bare number accepted as a pooling")
	}
	if _, err := json.Marshal(CellKind(9)); err == nil {
		t.Error("CellKind(9) marshalled")
	}
	if _, err := json.Marshal(AttentionKind(-1)); err == nil {
		t.Error("AttentionKind(-1) marshalled")
	}
}

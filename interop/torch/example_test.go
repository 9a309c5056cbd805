package torch_test

import (
	"fmt"
	"log"

	"gorgonia.org/tensor"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/interop/torch"
)

// A bidirectional two-layer GRU over 3 features maps to the state_dict of
// nn.GRU(3, 4, num_layers=2, bidirectional=True).
func Example() {
	ps := graph.NewParams(tensor.Float32, 1)
	st, err := graph.NewStack(ps, "enc", graph.StackConfig{Kind: graph.GRU, In: 3, Hidden: 4, Layers: 2, Bidirectional: true})
	if err != nil {
		log.Fatal(err)
	}
	var m torch.Mapping
	m.Stack("rnn.", st)
	sd, err := m.StateDict()
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range m.Names()[:8] {
		fmt.Println(name, sd[name].Shape)
	}
	fmt.Println(len(m.Names()), "tensors")
	// Output:
	// rnn.weight_ih_l0 [12 3]
	// rnn.weight_hh_l0 [12 4]
	// rnn.bias_ih_l0 [12]
	// rnn.bias_hh_l0 [12]
	// rnn.weight_ih_l0_reverse [12 3]
	// rnn.weight_hh_l0_reverse [12 4]
	// rnn.bias_ih_l0_reverse [12]
	// rnn.bias_hh_l0_reverse [12]
	// 16 tensors
}

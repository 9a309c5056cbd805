package graph

import "fmt"

// The enumerations of graph (CellKind, Activation, Pool, Merge,
// AttentionKind, OutputLoss) marshal as their names ("lstm", "tanh", "max",
// "concat", "additive", "bce"), so that a configuration written with
// encoding/json is readable, stable if the constants are reordered, and is
// its own checkpoint schema: json.Marshal of any config round-trips.

// MarshalText returns the name ParseCellKind reads.
func (k CellKind) MarshalText() ([]byte, error) {
	return marshalEnum(k.String(), k >= RNN && k <= GRU, "cell", int(k))
}

// UnmarshalText reads a name ParseCellKind accepts.
func (k *CellKind) UnmarshalText(b []byte) error { return unmarshalEnum(k, b, ParseCellKind) }

// MarshalText returns the name ParseActivation reads.
func (a Activation) MarshalText() ([]byte, error) {
	return marshalEnum(a.String(), a >= Tanh && a <= ReLU, "activation", int(a))
}

// UnmarshalText reads a name ParseActivation accepts.
func (a *Activation) UnmarshalText(b []byte) error { return unmarshalEnum(a, b, ParseActivation) }

// MarshalText returns the name ParsePool reads.
func (p Pool) MarshalText() ([]byte, error) {
	if p < PoolLast || p > PoolMean {
		return nil, fmt.Errorf("graph: no pooling %d", int(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads a name ParsePool accepts.
func (p *Pool) UnmarshalText(b []byte) error { return unmarshalEnum(p, b, ParsePool) }

// String returns "concat", "sum" or "mean".
func (m Merge) String() string {
	switch m {
	case Concat:
		return "concat"
	case Sum:
		return "sum"
	case Mean:
		return "mean"
	}
	return fmt.Sprintf("Merge(%d)", int(m))
}

// MarshalText returns the name ParseMerge reads.
func (m Merge) MarshalText() ([]byte, error) {
	return marshalEnum(m.String(), m >= Concat && m <= Mean, "merge", int(m))
}

// UnmarshalText reads a name ParseMerge accepts.
func (m *Merge) UnmarshalText(b []byte) error { return unmarshalEnum(m, b, ParseMerge) }

// MarshalText returns the name ParseAttention reads.
func (k AttentionKind) MarshalText() ([]byte, error) {
	if k < NoAttention || k > General {
		return nil, fmt.Errorf("graph: no attention kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText reads a name ParseAttention accepts.
func (k *AttentionKind) UnmarshalText(b []byte) error { return unmarshalEnum(k, b, ParseAttention) }

// ParseOutputLoss reads "bce" or "mse".
func ParseOutputLoss(s string) (OutputLoss, error) {
	switch s {
	case "bce":
		return LossBCE, nil
	case "mse":
		return LossMSE, nil
	}
	return 0, fmt.Errorf("graph: unknown output loss %q (want bce or mse)", s)
}

// String returns "bce" or "mse".
func (l OutputLoss) String() string {
	switch l {
	case LossBCE:
		return "bce"
	case LossMSE:
		return "mse"
	}
	return fmt.Sprintf("OutputLoss(%d)", int(l))
}

// MarshalText returns the name ParseOutputLoss reads.
func (l OutputLoss) MarshalText() ([]byte, error) {
	return marshalEnum(l.String(), l == LossBCE || l == LossMSE, "output loss", int(l))
}

// UnmarshalText reads a name ParseOutputLoss accepts.
func (l *OutputLoss) UnmarshalText(b []byte) error { return unmarshalEnum(l, b, ParseOutputLoss) }

func marshalEnum(name string, valid bool, what string, v int) ([]byte, error) {
	if !valid {
		return nil, fmt.Errorf("graph: no %s %d", what, v)
	}
	return []byte(name), nil
}

func unmarshalEnum[T any](dst *T, b []byte, parse func(string) (T, error)) error {
	v, err := parse(string(b))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

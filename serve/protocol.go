package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
)

// Datatypes of the protocol's tensors used by the zoo's models.
const (
	BYTES = "BYTES"
	FP32  = "FP32"
	UINT8 = "UINT8"
	INT64 = "INT64"
)

// datatypes are all the tensor datatypes the protocol names.
var datatypes = map[string]bool{
	"BOOL": true, "UINT8": true, "UINT16": true, "UINT32": true, "UINT64": true,
	"INT8": true, "INT16": true, "INT32": true, "INT64": true,
	"FP16": true, "FP32": true, "FP64": true, "BYTES": true,
}

// TensorMetadata describes one input or output of a model
// ($metadata_tensor of the protocol). A shape of -1 is a variable size.
type TensorMetadata struct {
	Name       string         `json:"name"`
	Datatype   string         `json:"datatype"`
	Shape      []int64        `json:"shape"`
	Parameters map[string]any `json:"parameters,omitempty"`
}

// ModelMetadata is the answer of GET /v2/models/{name}
// ($metadata_model_response).
type ModelMetadata struct {
	Name       string           `json:"name"`
	Versions   []string         `json:"versions,omitempty"`
	Platform   string           `json:"platform"`
	Inputs     []TensorMetadata `json:"inputs"`
	Outputs    []TensorMetadata `json:"outputs"`
	Parameters map[string]any   `json:"parameters,omitempty"`
}

// ServerMetadata is the answer of GET /v2 ($metadata_server_response).
type ServerMetadata struct {
	Name       string   `json:"name"`
	Version    string   `json:"version"`
	Extensions []string `json:"extensions"`
}

// InferRequest is the body of POST /v2/models/{name}/infer
// ($inference_request).
type InferRequest struct {
	ID         string          `json:"id,omitempty"`
	Parameters map[string]any  `json:"parameters,omitempty"`
	Inputs     []InputTensor   `json:"inputs"`
	Outputs    []RequestOutput `json:"outputs,omitempty"`
}

// InputTensor is one input of a request ($request_input). Data holds the
// JSON of the tensor's elements, flat or nested in row-major order; the
// Strings, Floats and Ints methods decode and check it.
type InputTensor struct {
	Name       string          `json:"name"`
	Shape      []int64         `json:"shape"`
	Datatype   string          `json:"datatype"`
	Parameters map[string]any  `json:"parameters,omitempty"`
	Data       json.RawMessage `json:"data"`
}

// RequestOutput names an output the client wants ($request_output).
type RequestOutput struct {
	Name       string         `json:"name"`
	Parameters map[string]any `json:"parameters,omitempty"`
}

// InferResponse is the answer of a successful inference
// ($inference_response).
type InferResponse struct {
	ModelName    string         `json:"model_name"`
	ModelVersion string         `json:"model_version,omitempty"`
	ID           string         `json:"id,omitempty"`
	Parameters   map[string]any `json:"parameters,omitempty"`
	Outputs      []OutputTensor `json:"outputs"`
}

// OutputTensor is one output of a response ($response_output); Data is a
// flat slice ([]string, []float32, []int64) in row-major order.
type OutputTensor struct {
	Name       string         `json:"name"`
	Shape      []int64        `json:"shape"`
	Datatype   string         `json:"datatype"`
	Parameters map[string]any `json:"parameters,omitempty"`
	Data       any            `json:"data"`
}

// Error is a failed request: the HTTP status and the message of the
// protocol's {"error": "…"} body.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given status.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

// BadRequest returns a 400 error.
func BadRequest(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, format, args...)
}

// statusOf maps an error to its HTTP status (500 for errors that are not
// *Error: a fault of the server, not of the request).
func statusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return http.StatusInternalServerError
}

// Elements returns the number of elements the shape holds, checking that
// every dimension is at least 0 and the product stays below limit.
func Elements(shape []int64, limit int64) (int64, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
		if d > 0 && n > limit/d {
			return 0, fmt.Errorf("shape %v holds more than %d elements", shape, limit)
		}
		n *= d
	}
	return n, nil
}

// flatten decodes data into its leaves in row-major order, checking that
// there are exactly want of them. The data is either flat (one array of
// all the elements) or nested exactly as the shape: every array at depth d
// has shape[d] items, and only the innermost hold elements.
func (t *InputTensor) flatten(want int64) ([]json.RawMessage, error) {
	if len(bytes.TrimSpace(t.Data)) == 0 {
		return nil, BadRequest("input %q has no data", t.Name)
	}
	var top []json.RawMessage
	if err := json.Unmarshal(t.Data, &top); err != nil {
		return nil, BadRequest("input %q: data is not an array: %v", t.Name, err)
	}
	nested := false
	for _, it := range top {
		if it = bytes.TrimSpace(it); len(it) > 0 && it[0] == '[' {
			nested = true
			break
		}
	}
	if !nested || len(t.Shape) == 1 {
		if nested {
			return nil, BadRequest("input %q: data is nested deeper than its shape %v", t.Name, t.Shape)
		}
		if int64(len(top)) != want {
			return nil, BadRequest("input %q: data has %d elements, shape %v needs %d", t.Name, len(top), t.Shape, want)
		}
		return top, nil
	}
	out := make([]json.RawMessage, 0, min(want, 1<<16))
	var walk func(items []json.RawMessage, depth int) error
	walk = func(items []json.RawMessage, depth int) error {
		if int64(len(items)) != t.Shape[depth] {
			return BadRequest("input %q: an array at depth %d has %d items, shape %v needs %d", t.Name, depth, len(items), t.Shape, t.Shape[depth])
		}
		for _, it := range items {
			it = bytes.TrimSpace(it)
			isArray := len(it) > 0 && it[0] == '['
			if depth == len(t.Shape)-1 {
				if isArray {
					return BadRequest("input %q: data is nested deeper than its shape %v", t.Name, t.Shape)
				}
				out = append(out, it)
				continue
			}
			if !isArray {
				return BadRequest("input %q: data is nested less deeply than its shape %v", t.Name, t.Shape)
			}
			var sub []json.RawMessage
			if err := json.Unmarshal(it, &sub); err != nil {
				return BadRequest("input %q: data: %v", t.Name, err)
			}
			if err := walk(sub, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(top, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// maxElements bounds the elements of one input, whatever its shape says
// (the body limit bounds it first; this keeps a shape from sizing an
// allocation).
const maxElements = 1 << 28

// leaves checks the shape and returns the elements of the data.
func (t *InputTensor) leaves() ([]json.RawMessage, error) {
	n, err := Elements(t.Shape, maxElements)
	if err != nil {
		return nil, BadRequest("input %q: %v", t.Name, err)
	}
	if n == 0 {
		return nil, BadRequest("input %q is empty (shape %v)", t.Name, t.Shape)
	}
	return t.flatten(n)
}

// Strings decodes a BYTES tensor whose elements are JSON strings.
func (t *InputTensor) Strings() ([]string, error) {
	if t.Datatype != BYTES {
		return nil, BadRequest("input %q has datatype %s, want BYTES", t.Name, t.Datatype)
	}
	raw, err := t.leaves()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(raw))
	for i, r := range raw {
		if len(r) == 0 || r[0] != '"' {
			return nil, BadRequest("input %q: element %d is not a string", t.Name, i)
		}
		if err := json.Unmarshal(r, &out[i]); err != nil {
			return nil, BadRequest("input %q: element %d: %v", t.Name, i, err)
		}
	}
	return out, nil
}

// Floats decodes an FP32, FP64 or integer tensor into float32 values; with
// UINT8 each element must be a whole number in [0, 255].
func (t *InputTensor) Floats() ([]float32, error) {
	switch t.Datatype {
	case FP32, "FP64", UINT8, "INT32", INT64:
	default:
		return nil, BadRequest("input %q has datatype %s, want a numeric type", t.Name, t.Datatype)
	}
	raw, err := t.leaves()
	if err != nil {
		return nil, err
	}
	out := make([]float32, len(raw))
	for i, r := range raw {
		v, err := strconv.ParseFloat(string(r), 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, BadRequest("input %q: element %d (%.20s) is not a finite number", t.Name, i, r)
		}
		if t.Datatype == FP32 && math.Abs(v) > math.MaxFloat32 {
			return nil, BadRequest("input %q: element %d (%v) is outside the FP32 range", t.Name, i, v)
		}
		if t.Datatype == UINT8 && (v != math.Trunc(v) || v < 0 || v > 255) {
			return nil, BadRequest("input %q: element %d (%v) is not a UINT8", t.Name, i, v)
		}
		if (t.Datatype == INT64 || t.Datatype == "INT32") && v != math.Trunc(v) {
			return nil, BadRequest("input %q: element %d (%v) is not an integer", t.Name, i, v)
		}
		out[i] = float32(v)
	}
	return out, nil
}

// Param returns the request parameter name as a float64: absent gives def,
// a value that is not a number is a 400 error.
func (r *InferRequest) Param(name string, def float64) (float64, error) {
	v, ok := r.Parameters[name]
	if !ok {
		return def, nil
	}
	f, ok := 0.0, false
	switch x := v.(type) {
	case float64:
		f, ok = x, true
	case string:
		var err error
		f, err = strconv.ParseFloat(x, 64)
		ok = err == nil
	}
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, BadRequest("parameter %q is %v, want a finite number", name, v)
	}
	return f, nil
}

// IntParam is Param for whole numbers in [lo, hi].
func (r *InferRequest) IntParam(name string, def, lo, hi int) (int, error) {
	f, err := r.Param(name, float64(def))
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, BadRequest("parameter %q is %v, want a whole number in [%d, %d]", name, f, lo, hi)
	}
	return int(f), nil
}

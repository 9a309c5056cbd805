// Package onnx writes rnnzoo models as ONNX graphs that ONNX Runtime (and
// any other ONNX runtime) runs, and runs them with ONNX Runtime to check
// them.
//
// A Graph is built node by node over ONNX's generated protobuf types;
// Graph.Stack turns a graph.Stack into the ONNX operators LSTM, GRU and
// RNN (one node per layer, both directions in one node, sequence_lens for
// padded batches), not an unrolled loop. The weights are rearranged into
// the operators' layouts: W [dirs, G·H, in], R [dirs, G·H, H] and
// B [dirs, 2·G·H], with the gates in the order each operator defines
// (LSTM i, o, f, c; GRU z, r, h) where rnnzoo keeps LSTM i, f, g, o and
// GRU r, z, n. rnnzoo's GRU applies the reset gate after the recurrent
// product (n = tanh(x·W_n + b_n + r ⊙ (h·U_n + bn)), as cuDNN and PyTorch
// do), which is ONNX's GRU with linear_before_reset = 1, its candidate's
// recurrent bias Rb_h being bn.
//
// Files are written with opset 17 and IR version 8, which ONNX Runtime
// and the ONNX checker of Debian's python3-onnx (1.12) accept.
//
// The protobuf types are those of the onnx package of the module
// github.com/advancedclimatesystems/gonnx (MPL-2.0, used unmodified),
// generated from ONNX's published onnx.proto3: among the Go modules that
// export ONNX's types it is the lightest, as that package imports nothing
// but google.golang.org/protobuf and gorgonia.org/tensor, both rnnzoo's
// own (its module's requirements raise three indirect versions:
// golang/protobuf, flatbuffers and x/xerrors). Generating the types anew
// with protoc would have added a tool to the build for no gain.
//
// RunAll and Check are for tests and users who have the runtimes: RunAll feeds a
// model to ONNX Runtime through Node.js and the npm package
// onnxruntime-node (the script ort_run.js, embedded here), found through
// the environment variable RNNZOO_ORT_NODE (the node_modules folder that
// holds it); Check runs onnx.checker.check_model(full_check=True) of
// Debian's python3-onnx. Both say which package is missing when it is.
package onnx

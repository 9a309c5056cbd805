// Package torch moves rnnzoo weights to and from PyTorch: a Mapping pairs
// a model's parameters with the names and layouts of a torch.nn
// state_dict, writes them as safetensors (Export) and reads them back
// from safetensors or numpy's .npz (Read, Mapping.Import).
//
// The layouts are those of torch.nn: nn.Embedding "weight" [V, D];
// nn.Linear "weight" [out, in] (rnnzoo's W transposed) and "bias";
// nn.LSTM, nn.GRU and nn.RNN "weight_ih_l{k}" [G·H, in],
// "weight_hh_l{k}" [G·H, H], "bias_ih_l{k}", "bias_hh_l{k}", with the
// suffix "_reverse" for the backward direction of a bidirectional layer.
// PyTorch's gate orders are rnnzoo's (LSTM i, f, g, o; GRU r, z, n), and
// both apply the GRU's reset gate after the recurrent product, so the
// matrices move unchanged but transposed. rnnzoo keeps one bias per gate
// (b) plus the GRU candidate's recurrent bias (bn); PyTorch keeps two per
// gate, so an export writes bias_ih = b and bias_hh = 0 (bn for the GRU
// candidate), and an import adds them up (b = bias_ih + bias_hh, but the
// GRU candidate's bias_hh, which the reset gate scales, goes to bn). An
// Elman layer with the sigmoid activation has no nn.RNN counterpart
// (nn.RNN takes tanh or relu).
//
// rnnzoo_torch.py, embedded here as Module, defines the same
// architectures in PyTorch and reads the safetensors that Export writes
// (its metadata names the model kind and configuration); it needs only
// Debian's python3-torch and python3-numpy.
package torch

"""rnnzoo's models in PyTorch.

rnnzoo's `export -format torch -out model.safetensors` writes a state_dict
whose names and layouts are those of the torch.nn modules below, with the
model kind and configuration in the file's metadata; `import -format torch`
reads such a state_dict back (safetensors, or .npz from numpy.savez).

    import rnnzoo_torch
    model = rnnzoo_torch.load("model.safetensors")  # an nn.Module, eval mode
    logits = model(ids, lengths)                    # sentiment

It needs only torch and numpy (the safetensors layout is read and written
here by hand). As a program:

    python3 rnnzoo_torch.py run EXPORT.safetensors INPUTS.json   # outputs as JSON (float64)
    python3 rnnzoo_torch.py init KIND CONFIG.json SEED OUT        # a seeded random state_dict (.safetensors or .npz)
    python3 rnnzoo_torch.py jobs JOBS.json                         # many runs and inits in one process
"""

import json
import struct
import sys

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

_DTYPES = {"F32": np.float32, "F64": np.float64}


def read_safetensors(path):
    """Returns ({name: tensor}, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        b = f.read()
    (n,) = struct.unpack("<Q", b[:8])
    header = json.loads(b[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    data = b[8 + n:]
    out = {}
    for name, info in header.items():
        if info["dtype"] not in _DTYPES:
            raise ValueError("%s: tensor %s has dtype %s (want F32 or F64)" % (path, name, info["dtype"]))
        lo, hi = info["data_offsets"]
        arr = np.frombuffer(data[lo:hi], dtype=_DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} (float32 or float64) as safetensors."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64"}[a.dtype]
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for raw in blobs:
            f.write(raw)


def make_rnn(cell, inputs, hidden, layers, bidirectional=False, act="tanh"):
    """nn.LSTM, nn.GRU or nn.RNN, batch first, as rnnzoo's stack of that cell."""
    kw = dict(num_layers=layers, batch_first=True, bidirectional=bidirectional)
    if cell == "lstm":
        return nn.LSTM(inputs, hidden, **kw)
    if cell == "gru":
        return nn.GRU(inputs, hidden, **kw)
    if act not in ("tanh", "relu"):
        raise ValueError("nn.RNN has no %s nonlinearity (it takes tanh or relu)" % act)
    return nn.RNN(inputs, hidden, nonlinearity=act, **kw)


def run_rnn(rnn, x, lengths=None, state=None):
    """Runs rnn over x [B, T, F]; with lengths, each row stops at its own length
    (as rnnzoo's masks do). Returns the outputs [B, T, D] and the final state."""
    if lengths is None:
        return rnn(x, state)
    packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
    y, st = rnn(packed, state)
    y, _ = pad_packed_sequence(y, batch_first=True, total_length=x.shape[1])
    return y, st


def final_top(rnn, state):
    """The top layer's final state [B, dirs*H], the directions concatenated."""
    h = state[0] if isinstance(state, tuple) else state
    dirs = 2 if rnn.bidirectional else 1
    top = h[-dirs:]
    return top.transpose(0, 1).reshape(top.shape[1], -1)


def step_mask(T, lengths):
    return torch.arange(T, device=lengths.device)[None, :] < lengths[:, None]


def pool(rnn, y, state, lengths, mode):
    """rnnzoo's pooling over time: last (final state), max or mean over the real steps."""
    if mode == "last":
        return final_top(rnn, state)
    if lengths is None:
        return y.max(1).values if mode == "max" else y.mean(1)
    mask = step_mask(y.shape[1], lengths)[:, :, None]
    if mode == "max":
        return y.masked_fill(~mask, float("-inf")).max(1).values
    return (y * mask).sum(1) / lengths[:, None].to(y.dtype)


class Sentiment(nn.Module):
    """models/sentiment/polarity: embedding, recurrent stack, pooling, linear."""

    def __init__(self, cfg):
        super().__init__()
        dirs = 2 if cfg.get("bidirectional") else 1
        self.pool = cfg.get("pool", "last")
        self.embed = nn.Embedding(cfg["vocab"], cfg["embed_dim"])
        self.rnn = make_rnn(cfg["cell"], cfg["embed_dim"], cfg["hidden"], cfg["layers"], bool(cfg.get("bidirectional")))
        self.out = nn.Linear(dirs * cfg["hidden"], cfg["classes"])

    def forward(self, ids, lengths):
        """ids int64 [B, T], lengths int64 [B] → logits [B, classes]."""
        y, st = run_rnn(self.rnn, self.embed(ids), lengths)
        return self.out(pool(self.rnn, y, st, lengths, self.pool))


class ImageCols(nn.Module):
    """models/imagecols/cols classifier: an image read column by column (or row by row)."""

    def __init__(self, cfg):
        super().__init__()
        self.rows = bool(cfg.get("rows"))
        self.pool = cfg.get("pool", "last")
        dirs = 2 if cfg.get("bidirectional") else 1
        features = cfg["w"] if self.rows else cfg["h"]
        self.rnn = make_rnn(cfg["cell"], features, cfg["hidden"], cfg["layers"], bool(cfg.get("bidirectional")))
        self.out = nn.Linear(dirs * cfg["hidden"], cfg["classes"])

    def forward(self, pixels):
        """pixels float [B, H, W] in [0, 1] → logits [B, classes]."""
        x = pixels if self.rows else pixels.transpose(1, 2)
        y, st = run_rnn(self.rnn, x)
        return self.out(pool(self.rnn, y, st, None, self.pool))


class CharLM(nn.Module):
    """models/charlm/lm: embedding, recurrent stack, linear at every step."""

    def __init__(self, cfg):
        super().__init__()
        self.lstm = cfg["cell"] == "lstm"
        self.embed = nn.Embedding(cfg["vocab"], cfg["embed"])
        self.rnn = make_rnn(cfg["cell"], cfg["embed"], cfg["hidden"], cfg["layers"], act=cfg.get("act", "tanh"))
        self.out = nn.Linear(cfg["hidden"], cfg["vocab"])

    def forward(self, ids, h0, c0=None):
        """ids int64 [B, T], h0 (and c0) [layers, B, H] → logits [B, T, V], hn (, cn)."""
        y, st = self.rnn(self.embed(ids), (h0, c0) if self.lstm else h0)
        if self.lstm:
            return self.out(y), st[0], st[1]
        return self.out(y), st


class Attention(nn.Module):
    """graph.Attention for one decoder step: additive, dot or general."""

    def __init__(self, kind, dq, dk, units):
        super().__init__()
        self.kind = kind
        if kind == "additive":
            self.Wq = nn.Linear(dq, units, bias=False)
            self.Wk = nn.Linear(dk, units, bias=False)
            self.v = nn.Parameter(torch.empty(units).uniform_(-units ** -0.5, units ** -0.5))
        elif kind == "general":
            self.Wa = nn.Linear(dq, dk, bias=False)
        elif kind != "dot":
            raise ValueError("attention %r" % kind)

    def forward(self, q, memory, lengths):
        """q [B, Dq], memory [B, Ts, Dk] → contexts [B, Dk], weights [B, Ts]."""
        if self.kind == "additive":
            scores = torch.tanh(self.Wk(memory) + self.Wq(q)[:, None, :]) @ self.v
        else:
            qk = self.Wa(q) if self.kind == "general" else q
            scores = torch.bmm(memory, qk[:, :, None])[:, :, 0]
        scores = scores.masked_fill(~step_mask(memory.shape[1], lengths), float("-inf"))
        alpha = torch.softmax(scores, dim=-1)
        return torch.bmm(alpha[:, None, :], memory)[:, 0], alpha


class Translator(nn.Module):
    """models/translate/translator: bidirectional encoder, bridges, decoder with attention."""

    def __init__(self, cfg):
        super().__init__()
        self.lstm = cfg["cell"] == "lstm"
        H, E, L = cfg["hidden"], cfg["embed_dim"], cfg["layers"]
        D = 2 * cfg["enc_hidden"]
        self.layers = L
        self.src_embed = nn.Embedding(cfg["src_vocab"], E)
        self.encoder = make_rnn(cfg["cell"], E, cfg["enc_hidden"], L, True)
        self.tgt_embed = nn.Embedding(cfg["tgt_vocab"], E)
        self.decoder = make_rnn(cfg["cell"], E, H, L)
        self.bridge = nn.ModuleList(nn.Linear(D, H) for _ in range(L * (2 if self.lstm else 1)))
        kind = cfg.get("attention", "none")
        self.attn = None
        if kind != "none":
            self.attn = Attention(kind, H, D, H)
            self.combine = nn.Linear(H + D, H)
        self.out = nn.Linear(H, cfg["tgt_vocab"])

    def encode(self, src_ids, src_lengths):
        """→ memory [B, Ts, D] and the decoder's initial state [layers, B, H] (h, or (h, c))."""
        memory, st = run_rnn(self.encoder, self.src_embed(src_ids), src_lengths)
        top = final_top(self.encoder, st)
        init = torch.stack([torch.tanh(b(top)) for b in self.bridge])
        if self.lstm:
            return memory, (init[0::2].contiguous(), init[1::2].contiguous())
        return memory, init

    def step(self, prev_ids, state, memory, src_lengths):
        """One decoder step from the previous tokens [B] → logits [B, V], state."""
        y, state = self.decoder(self.tgt_embed(prev_ids)[:, None, :], state)
        q = y[:, 0]
        if self.attn is not None:
            ctx, _ = self.attn(q, memory, src_lengths)
            q = torch.tanh(self.combine(torch.cat([q, ctx], dim=-1)))
        return self.out(q), state


KINDS = {"sentiment": Sentiment, "imagecols": ImageCols, "charlm": CharLM, "translate": Translator}


def build(kind, cfg):
    """The nn.Module of an rnnzoo model kind and its configuration (dict)."""
    if kind not in KINDS:
        raise ValueError("model kind %r (want one of %s)" % (kind, ", ".join(sorted(KINDS))))
    return KINDS[kind](cfg)


def load(path):
    """The model that rnnzoo's export -format torch wrote to path, in eval mode."""
    tensors, meta = read_safetensors(path)
    if "rnnzoo_kind" not in meta:
        raise ValueError("%s has no rnnzoo_kind metadata: not an rnnzoo export" % path)
    model = build(meta["rnnzoo_kind"], json.loads(meta["rnnzoo_config"]))
    model.load_state_dict(tensors, strict=True)
    return model.eval()


def _run(kind, model, inp):
    t = lambda k, dt=torch.float64: torch.tensor(inp[k], dtype=dt)
    out = {}
    if kind == "sentiment":
        out["logits"] = model(t("ids", torch.int64), t("lengths", torch.int64))
    elif kind == "imagecols":
        out["logits"] = model(t("pixels"))
    elif kind == "charlm":
        res = model(t("ids", torch.int64), t("h0"), t("c0") if "c0" in inp else None)
        out["logits"], out["hn"] = res[0], res[1]
        if len(res) > 2:
            out["cn"] = res[2]
    elif kind == "translate":
        lens = t("src_lengths", torch.int64)
        memory, state = model.encode(t("src_ids", torch.int64), lens)
        steps = []
        for prev in inp["prev"]:
            logits, state = model.step(torch.tensor(prev, dtype=torch.int64), state, memory, lens)
            steps.append(logits)
        out["logits"] = torch.stack(steps)
    return {k: v.detach().double().flatten().tolist() for k, v in out.items()}


def run(export, inputs):
    """Loads an export as float64 and returns its outputs on inputs (a dict) as flat lists."""
    tensors, meta = read_safetensors(export)
    model = build(meta["rnnzoo_kind"], json.loads(meta["rnnzoo_config"]))
    model.load_state_dict(tensors, strict=True)
    model = model.double().eval()
    with torch.no_grad():
        return _run(meta["rnnzoo_kind"], model, inputs)


def init(kind, cfg, seed, out):
    """Writes the state_dict of a model drawn by PyTorch's default initialisation
    after torch.manual_seed(seed) to out (.npz: numpy.savez; else safetensors)."""
    torch.manual_seed(seed)
    sd = build(kind, cfg).state_dict()
    if out.endswith(".npz"):
        np.savez(out, **{k: v.numpy() for k, v in sd.items()})
    else:
        write_safetensors(out, sd, {"rnnzoo_kind": kind, "rnnzoo_config": json.dumps(cfg)})
    return {}


def main(argv):
    if len(argv) == 3 and argv[0] == "run":
        with open(argv[2]) as f:
            json.dump(run(argv[1], json.load(f)), sys.stdout)
        return 0
    if len(argv) == 5 and argv[0] == "init":
        with open(argv[2]) as f:
            init(argv[1], json.load(f), int(argv[3]), argv[4])
        return 0
    if len(argv) == 2 and argv[0] == "jobs":
        # A JSON list of {"op": "run", "export", "inputs"} and
        # {"op": "init", "kind", "config", "seed", "out"}, run in one process.
        with open(argv[1]) as f:
            jobs = json.load(f)
        res = []
        for j in jobs:
            if j["op"] == "run":
                res.append(run(j["export"], j["inputs"]))
            else:
                res.append(init(j["kind"], j["config"], int(j["seed"]), j["out"]))
        json.dump(res, sys.stdout)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

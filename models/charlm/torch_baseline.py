#!/usr/bin/env python3
"""PyTorch character LSTM/GRU/RNN: the reference baseline of models/charlm.

It reproduces the Go program's data handling exactly -- the held-out split
(the last --valid share of the characters), the vocabulary (id 0 for unknown
characters, then the distinct training characters in code point order, at
most the 255 most frequent), the layout of the text as --batch parallel
streams read in --bptt step batches with the state carried across batches --
and a model of the same size (embedding, stacked recurrent layers, linear
output), trained with Adam and global-norm clipping for --seconds of wall
time (or --steps updates). The last line on stdout is a JSON object with
the held-out bits per character.

    /usr/bin/python3 models/charlm/torch_baseline.py --data FILE --seconds 120
"""
import argparse
import json
import math
import time
from collections import Counter

import torch
import torch.nn as nn


def vocabulary(text, limit=255):
    counts = Counter(text)
    chars = list(counts)
    if limit > 0 and len(chars) > limit:
        chars.sort(key=lambda c: (-counts[c], ord(c)))
        chars = chars[:limit]
    chars.sort(key=ord)
    return {c: i + 1 for i, c in enumerate(chars)}


def streams(ids, batch, bptt):
    n = len(ids) // batch
    if n < bptt + 1:
        raise SystemExit(f"{len(ids)} characters are too few for {batch} streams of {bptt}-step batches")
    data = torch.tensor([ids[b * n:(b + 1) * n] for b in range(batch)], dtype=torch.long).t().contiguous()
    return data, (n - 1) // bptt  # [n, batch], batches per pass


class CharLM(nn.Module):
    def __init__(self, vocab, cell, layers, hidden, embed, dropout):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.rnn = rnn(embed, hidden, layers, dropout=dropout if layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x, state):
        h, state = self.rnn(self.embed(x), state)
        return self.out(self.drop(h)), state


def detach(state):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def evaluate(model, ids, batch, bptt, vocab):
    if len(ids) // batch < bptt + 1:
        batch = max(1, len(ids) // (bptt + 1))
    data, nb = streams(ids, batch, bptt)
    model.eval()
    total, state = 0.0, None
    with torch.no_grad():
        for k in range(nb):
            x, y = data[k * bptt:(k + 1) * bptt], data[k * bptt + 1:(k + 1) * bptt + 1]
            logits, state = model(x, state)
            total += nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1)).item()
    model.train()
    return total / nb


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--valid", type=float, default=0.05)
    ap.add_argument("--cell", default="lstm", choices=["lstm", "gru", "rnn"])
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--embed", type=int, default=32)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--bptt", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.003)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--seconds", type=float, default=0.0, help="wall-time budget of training")
    ap.add_argument("--steps", type=int, default=0, help="updates (0: until --seconds)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    if a.seconds <= 0 and a.steps <= 0:
        raise SystemExit("set --seconds or --steps")
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    with open(a.data, encoding="utf-8") as f:
        text = f.read()
    n_valid = int(len(text) * a.valid)
    train_text, valid_text = text[:len(text) - n_valid], text[len(text) - n_valid:]
    index = vocabulary(train_text)
    V = len(index) + 1
    encode = lambda s: [index.get(c, 0) for c in s]
    train_ids, valid_ids = encode(train_text), encode(valid_text)
    data, nb = streams(train_ids, a.batch, a.bptt)
    model = CharLM(V, a.cell, a.layers, a.hidden, a.embed, a.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    start = time.time()
    step, state = 0, None
    while (a.steps <= 0 or step < a.steps) and (a.seconds <= 0 or time.time() - start < a.seconds):
        k = step % nb
        if k == 0:
            state = None
        x, y = data[k * a.bptt:(k + 1) * a.bptt], data[k * a.bptt + 1:(k + 1) * a.bptt + 1]
        logits, state = model(x, state)
        state = detach(state)
        loss = nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        if a.clip > 0:
            nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        step += 1
    secs = time.time() - start
    nll = evaluate(model, valid_ids, a.batch, a.bptt, V)
    print(json.dumps({"bpc": round(nll / math.log(2), 4), "perplexity": round(math.exp(nll), 4),
                      "steps": step, "train_seconds": round(secs, 1), "chars_seen": step * a.batch * a.bptt}))


if __name__ == "__main__":
    main()

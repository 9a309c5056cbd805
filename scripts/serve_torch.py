#!/usr/bin/env python3
"""PyTorch baseline of the sentiment server: the shipped model's shape
(embedding 21487 x 100, bidirectional LSTM 128, max pooling over the real
steps, linear 256 -> 2, softmax) in eval mode under torch.no_grad, on the
token lengths of real sentences (one tokenised sentence per line of
--tokens, as `sentiment tokens` prints them). It times the forward pass
alone (no HTTP, no JSON, no tokenising) at batch 1 and at batch 64 (padded,
packed with pack_padded_sequence) and prints one JSON line.

  /usr/bin/python3 scripts/serve_torch.py --tokens /tmp/tokens.txt --threads 2 --seconds 10
"""
import argparse, json, time

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class Classifier(nn.Module):
    def __init__(self, vocab, embed, hidden, classes):
        super().__init__()
        self.emb = nn.Embedding(vocab, embed)
        self.rnn = nn.LSTM(embed, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, classes)

    def forward(self, ids, lengths):
        x = self.emb(ids)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h, _ = self.rnn(packed)
        h, _ = pad_packed_sequence(h, batch_first=True, padding_value=float("-inf"))
        return torch.softmax(self.out(h.max(dim=1).values), dim=-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--vocab", type=int, default=21487)
    ap.add_argument("--embed", type=int, default=100)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--maxlen", type=int, default=64)
    ap.add_argument("--batches", default="1,64", help="batch sizes to time, comma-separated")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    lens = []
    with open(a.tokens, encoding="utf-8") as f:
        for line in f:
            n = len(line.split())
            if n:
                lens.append(min(n, a.maxlen))
    g = torch.Generator().manual_seed(2)
    seqs = [torch.randint(1, a.vocab, (n,), generator=g) for n in lens]
    m = Classifier(a.vocab, a.embed, a.hidden, 2).eval()
    out = {"torch": torch.__version__, "threads": a.threads, "sentences": len(seqs)}
    with torch.no_grad():
        for batch in [int(b) for b in a.batches.split(",")]:
            lat, done, i = [], 0, 0
            end = time.perf_counter() + a.seconds
            warm = 20
            while time.perf_counter() < end or warm > 0:
                group = [seqs[(i + k) % len(seqs)] for k in range(batch)]
                i += batch
                t0 = time.perf_counter()
                lengths = torch.tensor([len(s) for s in group])
                ids = nn.utils.rnn.pad_sequence(group, batch_first=True)
                m(ids, lengths)
                dt = time.perf_counter() - t0
                if warm > 0:
                    warm -= 1
                    end = time.perf_counter() + a.seconds
                    continue
                lat.append(dt)
                done += batch
            lat.sort()
            total = sum(lat)
            out[f"batch{batch}"] = {"sentences_per_second": done / total,
                                   "ms_per_sentence": 1000 * total / done,
                                   "p50_ms": 1000 * lat[len(lat) // 2],
                                   "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))],
                                   "calls": len(lat)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()

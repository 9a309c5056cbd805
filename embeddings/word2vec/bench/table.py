#!/usr/bin/python3
"""The results table of run.sh: per mode, thread count and tool, the median
over rounds of the whole command's wall time, the passes over the corpus,
corpus words trained per second of that time (passes × corpus words / wall),
analogy accuracy (questions-words, restrict 30,000), Spearman's
rho on WS-353 (all) and its mean over every word-similarity file, and peak
RSS; and each tool's time relative to gensim's at the same thread count.

Usage: table.py results.jsonl [more.jsonl ...]
"""
import json
import statistics
import sys
from collections import defaultdict

runs, evals, sims = defaultdict(list), {}, {}
for path in sys.argv[1:]:
    for line in open(path):
        if not line.startswith("RESULT "):
            continue
        r = json.loads(line[7:])
        if "eval_of" in r:
            evals[r["eval_of"]] = r
        elif "sim_of" in r:
            sims[r["sim_of"]] = r["sim"]
        elif r.get("rc") == 0:
            runs[(r["mode"], int(r["threads"]), r["tool"])].append(r)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def passes(r):
    """Passes over the corpus: -iter in the command, else the trainer's
    default for the mode (Skip-gram 3, CBOW 2) for this trainer's runs, 1
    for the peers' (run.sh gives them -iter 1 or epochs=1)."""
    cmd = r["cmd"]
    if "-iter" in cmd:
        return int(cmd[cmd.index("-iter") + 1])
    if r["tool"].startswith("go"):
        return 3 if r["mode"] == "sg" else 2
    return 1


def f(x, spec):
    return "n/a" if x is None else format(x, spec)


order = {"go": 0, "gopair": 1, "go1": 2, "go1sh": 3, "gensim": 4, "c": 5}
print("| mode | threads | tool | passes | wall s | words/s | / gensim time | analogy % | WS-353 rho | mean rho (11 sets) | peak RSS MB |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for (mode, th, tool) in sorted(runs, key=lambda k: (k[0], k[1], order.get(k[2], 9))):
    rs = runs[(mode, th, tool)]
    wall = med([r["wall_s"] for r in rs])
    g = runs.get((mode, th, "gensim"))
    rel = wall / med([r["wall_s"] for r in g]) if g else None
    acc = med([evals[r["name"]]["analogy_acc"] * 100 for r in rs if r["name"] in evals])
    ws = med([sims[r["name"]]["EN-WS-353-ALL.txt"]["spearman"] for r in rs if r["name"] in sims])
    mean = med([statistics.mean(s["spearman"] for s in sims[r["name"]].values()) for r in rs if r["name"] in sims])
    rss = med([r["max_rss_kb"] / 1024 for r in rs])
    n = passes(rs[0])
    wps = n * int(rs[0]["corpus_words"]) / wall
    print(f"| {mode} | {th} | {tool} | {n} | {wall:.1f} | {wps/1e6:.2f} M | {f(rel, '.2f')} | {f(acc, '.2f')} | {f(ws, '.3f')} | {f(mean, '.3f')} | {rss:.0f} |")

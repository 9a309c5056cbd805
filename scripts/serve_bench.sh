#!/usr/bin/env bash
# The sentiment server with the shipped model under load (1, 8 and 64
# closed-loop clients, one sentence per request), and in the same run
# PyTorch's forward pass of the same model shape in eval mode at batch 1 and
# batch 64 (scripts/serve_torch.py), before and after ours. Prints the load
# table and the ratios ours/PyTorch of sentences per second.
#
#   scripts/serve_bench.sh                 # 20 s per level
#   DURATION=5s TORCH_SECONDS=5 scripts/serve_bench.sh
#
# Needs PyTorch for /usr/bin/python3 (Debian's python3-torch).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-20s}
tsec=${TORCH_SECONDS:-20}
port=${PORT:-18181}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/sentiment" ./models/sentiment)
"$work/sentiment" tokens > "$work/tokens.txt" 2>/dev/null
torch() { /usr/bin/python3 "$root/scripts/serve_torch.py" --tokens "$work/tokens.txt" --threads 2 --seconds "$tsec"; }
torch > "$work/torch1.json"
"$work/sentiment" serve -addr "127.0.0.1:$port" > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null && break
  sleep 0.2
done
"$work/sentiment" serve -loadtest "http://127.0.0.1:$port" -clients 1,8,64 -duration "$duration" -json > "$work/load.json"
kill -TERM $pid; wait $pid || true
torch > "$work/torch2.json"
grep -m1 'model name' /proc/cpuinfo
/usr/bin/python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
load = json.loads(open(w + "/load.json").read().strip().splitlines()[-1])
t = [json.load(open(w + f"/torch{i}.json")) for i in (1, 2)]
print("| clients | requests | errors | sentences/s | p50 ms | p90 ms | p99 ms | server RSS start → end |")
print("|---|---|---|---|---|---|---|---|")
for l in load["levels"]:
    print(f"| {l['clients']} | {l['requests']:,} | {l['errors']} | {l['requests_per_second']:,.0f} | {l['p50_ms']:.2f} | {l['p90_ms']:.2f} | {l['p99_ms']:.2f} | {l['rss_start_bytes']/2**20:.0f} → {l['rss_end_bytes']/2**20:.0f} MB |")
for m, r in zip(load["marks"], load["rss_at_bytes"]):
    if r:
        print(f"server RSS after {m:,} requests: {r/2**20:.1f} MB")
by = {l["clients"]: l for l in load["levels"]}
for b, c in ((1, 1), (64, 64)):
    ts = [x[f"batch{b}"]["sentences_per_second"] for x in t]
    print(f"PyTorch {t[0]['torch']} eval, batch {b}, 2 threads: {ts[0]:,.0f} and {ts[1]:,.0f} sentences/s (p50 {t[0][f'batch{b}']['p50_ms']:.2f} ms); "
          f"ours over HTTP at {c} client(s): {by[c]['requests_per_second']:,.0f}; ratio ours/PyTorch {by[c]['requests_per_second']/max(ts):.2f}–{by[c]['requests_per_second']/min(ts):.2f}")
PY

#!/usr/bin/env bash
# Sentiment prediction, rnnzoo against PyTorch, in one run: BenchmarkPredict
# of package models/sentiment/polarity (the shipped model, warmed up, on the
# embedded UCI training sentences; tokenising included) and
# scripts/serve_torch.py (the same model shape in eval mode under no_grad, on
# the same sentences' lengths; forward pass only), alternated in ABBA order by
# ../shared/bench/ab_ratio.py. Prints, per batch size, the ratio of the time
# per sentence go/torch (below 1: we are faster).
#
#   scripts/predict_ratio.sh                 # batch 1 and 64, 2 threads
#   THREADS=1 PAIRS=5 scripts/predict_ratio.sh 64
#
# Needs PyTorch for /usr/bin/python3 (Debian's python3-torch).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${RNNZOO_SHARED:-$root/../shared}/bench
threads=${THREADS:-2}
pairs=${PAIRS:-3}
batches=${*:-1 64}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$root" && go test -c -o "$dir/polarity.test" ./models/sentiment/polarity && go build -o "$dir/sentiment" ./models/sentiment)
"$dir/sentiment" tokens > "$dir/tokens.txt" 2>/dev/null
grep -m1 'model name' /proc/cpuinfo
for b in $batches; do
  torch="/usr/bin/python3 $root/scripts/serve_torch.py --tokens $dir/tokens.txt --threads $threads --seconds 5 --batches $b"
  ours="env GOMAXPROCS=$threads $dir/polarity.test -test.run '^\$' -test.bench 'Predict/batch${b}\$' -test.benchtime 5s"
  echo "== batch $b ($threads thread(s), BLAS ${RNNZOO_BLAS:-auto})"
  /usr/bin/python3 "$bench/ab_ratio.py" --pairs "$pairs" --label-a torch --label-b go \
    --a "$torch" --a-re '"ms_per_sentence": ([0-9.e-]+)' \
    --b "$ours" --b-re '([0-9.]+) ms/sentence'
done

#!/usr/bin/env bash
# Training-step time of rnnzoo's BenchmarkTrainStep against the PyTorch CPU
# baseline of ../shared/bench at the same shapes, measured alternately in one
# run (ABBA order) by ../shared/bench/ab_ratio.py. Prints, per benchmark, the
# ratio go/torch (below 1: we are faster).
#
#   scripts/torch_ratio.sh                      # all six, our default BLAS
#   RNNZOO_BLAS=openblas scripts/torch_ratio.sh lstm_imagecols
#   THREADS=1 PAIRS=7 scripts/torch_ratio.sh
#
# Needs the baselines installed by ../shared/bench/setup.sh (PyTorch 1.13 CPU
# from Debian, the OpenMP build of OpenBLAS).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${RNNZOO_SHARED:-$root/../shared}/bench
threads=${THREADS:-2}
pairs=${PAIRS:-5}
benches=${*:-lstm_imagecols gru_imagecols rnn_imagecols bilstm_imagecols lstm_sentiment translate_attn}
dir=$(mktemp -d)
(cd "$root" && go test -c -o "$dir/graph.test" ./graph && go test -c -o "$dir/translate.test" ./models/translate)
torchname() { # our name -> the PyTorch script's
  case $1 in
    lstm_imagecols) echo imagecols_lstm_train ;; gru_imagecols) echo imagecols_gru_train ;;
    rnn_imagecols) echo imagecols_rnn_train ;; bilstm_imagecols) echo imagecols_bilstm_train ;;
    lstm_sentiment) echo sentiment_lstm_train ;; translate_attn) echo translate_attn_train ;;
    *) echo "unknown benchmark $1" >&2; exit 2 ;;
  esac
}
for b in $benches; do
  t=$(torchname "$b")
  torch="env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads MKL_NUM_THREADS=$threads /usr/bin/python3 $bench/torch_rnn_bench.py --threads $threads --bench $t --repeats 5 --quiet-wait-s 0"
  bin=$dir/graph.test
  [ "$b" = translate_attn ] && bin=$dir/translate.test
  ours="env GOMAXPROCS=$threads $bin -test.run '^\$' -test.bench 'TrainStep/${b}\$' -test.benchtime 30x"
  echo "== $b (torch $t, $threads thread(s), BLAS ${RNNZOO_BLAS:-auto})"
  /usr/bin/python3 "$bench/ab_ratio.py" --pairs "$pairs" --label-a torch --label-b go \
    --a "$torch" --a-re '"ms_per_call": \{"median": ([0-9.]+)' \
    --b "$ours" --b-re '([0-9.]+) ms/step'
done

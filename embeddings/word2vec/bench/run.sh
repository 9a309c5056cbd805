#!/bin/bash
# Times this trainer beside the peers of ../shared/bench (the word2vec C tool
# and gensim's corpus_file mode) on the same corpus, interleaved in each round
# so that machine drift hits all alike, scores every vector file (analogies
# with the shared gensim-based scorer, word similarity with this trainer's
# eval-sim on every file of data/word-sim) and prints the table of table.py.
#
#   embeddings/word2vec/bench/run.sh            # from the module root
#
# The settings are those of the shared bench: dim 100, window 5, negative 5,
# sample 1e-4, min-count 5, and for the peers 1 iteration at the C tool's
# learning rates. Tool "go" runs this trainer with its defaults for the rest
# (no -iter, -alpha or schedule: the time-to-accuracy winners); "go1" runs it
# as the peers run (1 iteration, the C tool's linear schedule, Skip-gram
# pair by pair); "gopair" is the default with Skip-gram pair by pair, and
# "go1sh" is go1 with the default shared negatives (HogBatch).
# Env: SHARED (default ../shared), CORPUS (default the 17M-word corpus that
# $SHARED/bench/setup.sh builds), RUNS=1, MODES="sg cbow",
# TOOLS="go gensim c", THREADS="2" (a list: each count is a round),
# GOFLAGS_EXTRA (more flags for the go runs), QUIET_WAIT=0, EVAL=all|none,
# OUT=results dir.
# Output: $OUT/results.jsonl and $OUT/table.md.
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
SHARED=${SHARED:-${RNNZOO_SHARED:-$ROOT/../shared}}
BENCH=$SHARED/bench
WORK=${BENCH_WORK:-$HOME/.cache/rnnzoo-bench}
PY=/usr/bin/python3
CORPUS=${CORPUS:-$WORK/data/debian_en_1k.txt}
QW=$SHARED/data/word2vec-analogy/questions-words.txt
SIM=$SHARED/data/word-sim
RUNS=${RUNS:-1}; MODES=${MODES:-"sg cbow"}; TOOLS=${TOOLS:-"go gensim c"}
THREADS=${THREADS:-2}; QUIET_WAIT=${QUIET_WAIT:-0}; EVAL=${EVAL:-all}; GOFLAGS_EXTRA=${GOFLAGS_EXTRA:-}
OUT=${OUT:-$WORK/results/w2v_go_$(date +%Y%m%d_%H%M%S)}
W2V_C=$WORK/w2v_c/src/word2vec
mkdir -p "$OUT"; RES=$OUT/results.jsonl
[ -s "$CORPUS" ] || { echo "no corpus $CORPUS: run $BENCH/setup.sh"; exit 1; }
GO_BIN=$OUT/word2vec-go
(cd "$ROOT" && go build -o "$GO_BIN" ./embeddings/word2vec) || exit 1
NWORDS=$(wc -w < "$CORPUS")
echo "corpus=$CORPUS words=$NWORDS threads=[$THREADS] runs=$RUNS tools=[$TOOLS] modes=[$MODES] cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) out=$OUT" | tee "$OUT/params.txt"

run_one() { # tool mode run threads
  local tool=$1 mode=$2 r=$3 th=$4 name="$1_$2_t$4_r$3" vec cmd start
  local cb=0 al=0.025; [ "$mode" = cbow ] && { cb=1; al=0.05; }
  local common=(-size 100 -window 5 -negative 5 -hs 0 -sample 1e-4 -min-count 5 -threads "$th" -binary 1 -cbow $cb)
  vec=$OUT/$name.bin
  case $tool in
    go)  cmd=("$GO_BIN" train -train "$CORPUS" -output "$vec" "${common[@]}" $GOFLAGS_EXTRA); start='Vocab size';;
    gopair) cmd=("$GO_BIN" train -train "$CORPUS" -output "$vec" "${common[@]}" -shared-negatives=false $GOFLAGS_EXTRA); start='Vocab size';;
    go1) cmd=("$GO_BIN" train -train "$CORPUS" -output "$vec" "${common[@]}" -iter 1 -alpha $al -alpha-schedule linear -shared-negatives=false $GOFLAGS_EXTRA); start='Vocab size';;
    go1sh) cmd=("$GO_BIN" train -train "$CORPUS" -output "$vec" "${common[@]}" -iter 1 -alpha $al -alpha-schedule linear $GOFLAGS_EXTRA); start='Vocab size';;
    c)   cmd=("$W2V_C" -train "$CORPUS" -output "$vec" "${common[@]}" -iter 1 -alpha $al); start='Alpha:';;
    gensim) cmd=($PY "$BENCH/w2v_gensim.py" "$CORPUS" "$vec" "$mode" "$th" 1e-4 file); start='GENSIM_VOCAB_DONE';;
  esac
  $PY "$BENCH/timed_run.py" --name "$name" --log "$OUT/$name.log" --quiet-wait "$QUIET_WAIT" \
      --train-start-re "$start" --meta tool="\"$tool\"" --meta mode="\"$mode\"" --meta run=$r \
      --meta threads=$th --meta sample=1e-4 --meta corpus_words=$NWORDS --meta corpus="\"$CORPUS\"" \
      -- "${cmd[@]}" | tee -a "$RES"
  if [ "$EVAL" = all ]; then
    $PY "$BENCH/w2v_eval.py" "$vec" "$QW" | sed "s/^RESULT {/RESULT {\"eval_of\": \"$name\", /" | tee -a "$RES"
    echo "RESULT {\"sim_of\": \"$name\", \"sim\": $("$GO_BIN" eval-sim -json -vectors "$vec" "$SIM"/EN-*.txt 2>/dev/null | tail -1)}" | tee -a "$RES"
  fi
  rm -f "$vec"
}
for r in $(seq 1 "$RUNS"); do
  for th in $THREADS; do
    for mode in $MODES; do
      for tool in $TOOLS; do run_one "$tool" "$mode" "$r" "$th"; done
    done
  done
done
$PY "$(dirname "$0")/table.py" "$RES" | tee "$OUT/table.md"

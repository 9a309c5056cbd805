#!/bin/sh
# Rebuilds uci/{amazon,imdb,yelp}.json.gz: the UCI Sentiment Labelled
# Sentences (Kotzias et al., KDD 2015; data CC BY 4.0) as the npm package
# sentiment@5.0.2 ships them in test/fixtures/ (package MIT). The JSON is
# kept byte for byte, only gzipped (-n: no name or time, so reproducible).
# Run by `go generate` in this directory; needs npm, tar and gzip.
set -eu
here=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent sentiment@5.0.2 >/dev/null
tar xzf sentiment-5.0.2.tgz
mkdir -p "$here/uci"
for f in amazon imdb yelp; do
	gzip -9n <"package/test/fixtures/$f.json" >"$here/uci/$f.json.gz"
done
ls -l "$here/uci"

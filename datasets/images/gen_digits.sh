#!/bin/sh
# Rebuilds digits.csv.gz: scikit-learn's 8x8 digits (1,797 rows of 64 pixels
# 0-16 and a label, no header), taken byte for byte from Debian's
# python3-sklearn package without installing it. Run by `go generate` in
# this directory; needs apt-get (with an updated package list) and dpkg.
set -eu
here=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"   # apt-get download runs as _apt
cd "$tmp"
apt-get download python3-sklearn >/dev/null
dpkg -x python3-sklearn_*.deb root
cp root/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz "$here/digits.csv.gz"
cd "$here"
rows=$(gzip -dc digits.csv.gz | wc -l)
echo "digits.csv.gz: $rows rows from $(basename "$tmp"/python3-sklearn_*.deb)"

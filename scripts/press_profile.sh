#!/usr/bin/env bash
# Rebuild exporter/data/icc/FOGRA39L_coated.icc, the print-shop PDF's CMYK output profile,
# from Fogra's FOGRA39L characterization data as Debian's icc-profiles-free ships it
# (zlib licence), with ArgyllCMS's colprof (Debian: argyll). Not needed to build or test:
# the profile is committed. See exporter/data/icc/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
data=/usr/share/color/icc/FOGRA39L.ti3
[ -f "$data" ] || { echo "needs $data: apt-get install icc-profiles-free" >&2; exit 1; }
command -v colprof >/dev/null || { echo "needs colprof: apt-get install argyll" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$data" "$work/FOGRA39L.ti3"
# -ql: low-resolution tables (155 KB; a press RIP converts with its own profile anyway);
# -kr: black generation ramp; -l330: total ink limit of ISO 12647-2 coated paper.
(cd "$work" && colprof -ql -kr -l330 \
   -D "FOGRA39L coated (built by exporter with ArgyllCMS)" \
   -C "Built from FOGRA39L.ti3 (Fogra characterization data, icc-profiles-free, zlib licence)" \
   -O FOGRA39L_coated.icc FOGRA39L >/dev/null)
cp "$work/FOGRA39L_coated.icc" exporter/data/icc/FOGRA39L_coated.icc
echo "wrote exporter/data/icc/FOGRA39L_coated.icc"

#!/usr/bin/env bash
# Regenerates the generated samples in notebooks-data/generated/ with `influence generate`
# (documented in notebooks-data/README.md). Same binary, same bytes: a test runs this script into
# a temporary folder and compares the files with the committed ones.
#
#   bash Scripts/make_notebooks_data.sh            # writes notebooks-data/generated/
#   bash Scripts/make_notebooks_data.sh OUT_DIR    # writes OUT_DIR instead
#   INFLUENCE_BIN=path/to/influence bash Scripts/make_notebooks_data.sh OUT_DIR   # without building
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-notebooks-data/generated}"
bin="${INFLUENCE_BIN:-}"
if [ -z "$bin" ]; then
  swift build --product influence >/dev/null
  bin="$(swift build --show-bin-path)/influence"
fi

# The two-campaign referral program: summer's people share half as much again as spring's.
"$bin" generate --people 3000 --campaigns spring:0.5,summer:0.75 --seed 7 -o "$out/two-campaigns" --quiet
# The same kind of program as Friendbuy exports it (column names, dates, amounts).
"$bin" generate --people 1000 --campaigns spring:0.5,summer:0.75 --seed 7 --vendor friendbuy -o "$out/friendbuy" --quiet
# A larger program for trying speed, on three channels.
"$bin" generate --people 30000 --campaigns launch:0.6 --channels email,facebook,twitter --seed 11 -o "$out/large" --quiet

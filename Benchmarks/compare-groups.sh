#!/usr/bin/env bash
# Times `influence compare` (and `spread`, which builds the same per-campaign forests) on
# branching-process exports: 2 campaigns x 5M referrals and 2,000 campaigns on 100k rows,
# 2,000 resamples. Prints wall seconds and peak memory per run (GNU time).
#
#   bash Benchmarks/compare-groups.sh [--repeat 3]
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=3
[[ "${1:-}" == "--repeat" ]] && repeat="$2"
swift build -c release --product influence >/dev/null
swift build -c release --product InfluenceBenchmarks >/dev/null
bin=.build/release
mkdir -p Benchmarks/data
[[ -f Benchmarks/data/cascades-2x5M.csv ]] || $bin/InfluenceBenchmarks cascades --campaigns 2 --referrals 10M --out Benchmarks/data/cascades-2x5M.csv
[[ -f Benchmarks/data/cascades-2000x50.csv ]] || $bin/InfluenceBenchmarks cascades --campaigns 2000 --referrals 100k --out Benchmarks/data/cascades-2000x50.csv
printf '%-44s %10s %10s\n' "run" "seconds" "peak MiB"
for data in cascades-2x5M cascades-2000x50; do
  for command in "compare --resamples 2000" "compare --resamples 1" "spread"; do
    for _ in $(seq "$repeat"); do
      /usr/bin/time -o /tmp/influence-bench.time -f "%e %M" $bin/influence $command Benchmarks/data/$data.csv --format csv -o /tmp/influence-bench.csv --quiet 2>/dev/null
      read -r seconds kb </tmp/influence-bench.time
      printf '%-44s %10s %10d\n' "$data: $command" "$seconds" "$((kb / 1024))"
    done
  done
done
rm -f /tmp/influence-bench.csv /tmp/influence-bench.time

#!/usr/bin/env bash
# Builds the libFuzzer target for the input layer (CSV reader, referral and conversion
# readers, timestamp parser) with AddressSanitizer, compiling the library's sources and
# FuzzCSV.swift into one module (libFuzzer supplies main).
#   bash Fuzz/build.sh && Fuzz/.build/fuzz-csv -max_total_time=60 /tmp/fuzz-corpus Fuzz/corpus
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p Fuzz/.build
# The one C source of the library's shims (the rest of them are headers).
clang -c -g -O1 -fsanitize=address -I Sources/CPrefetch/include Sources/CPrefetch/prefetch.c -o Fuzz/.build/prefetch.o
swiftc -wmo -num-threads 2 -parse-as-library -sanitize=fuzzer,address -g -Onone \
  -module-name FuzzCSV -package-name influence -D INFLUENCE_INTERNAL_CHECKS -I Sources/CBLAS -I Sources/CDeflate -I Sources/CPrefetch/include \
  $(pkg-config --cflags openblas | sed 's/-I/-Xcc -I/g') \
  $(find Sources/InfluenceModel -name '*.swift' | sort) Fuzz/FuzzCSV.swift Fuzz/.build/prefetch.o \
  $(pkg-config --libs openblas) -ldeflate \
  -o Fuzz/.build/fuzz-csv
echo "built Fuzz/.build/fuzz-csv" >&2

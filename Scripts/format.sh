#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's swift-format and the repo's .swift-format.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format --in-place --recursive --configuration .swift-format Sources Tests Package.swift "$@"

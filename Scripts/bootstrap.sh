#!/usr/bin/env bash
# Installs what influence needs (OpenBLAS), builds it in release mode, installs the binary
# to /usr/local/bin and scores the bundled sample export.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! pkg-config --exists openblas libdeflate 2>/dev/null; then
  echo "Installing OpenBLAS and libdeflate (libopenblas-dev, libdeflate-dev)…" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas-dev libdeflate-dev pkg-config >/dev/null
fi

swift build -c release --product influence
as_root install -m 0755 .build/release/influence /usr/local/bin/influence
echo "Installed $(command -v influence)." >&2

influence score notebooks-data/referrals.csv --format table --top 10

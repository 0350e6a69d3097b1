#!/usr/bin/env bash
# Renders the sample report (notebooks-data/) and screenshots it with headless Chromium, for the
# README: docs/images/report-screen.png (the page at 1280 px) and docs/images/report-print.png
# (the first A4 pages as printed). Needs Debian's `chromium` and poppler-utils' `pdftoppm`:
#   apt-get install chromium poppler-utils
#
#   bash Scripts/render_report.sh            # writes docs/images/; the page and PDF go to a temporary folder
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in chromium pdftoppm; do
  command -v "$tool" >/dev/null || { echo "render_report: $tool is missing (apt-get install chromium poppler-utils)" >&2; exit 69; }
done

swift build --product influence >/dev/null
bin="$(swift build --show-bin-path)/influence"
out="$(mktemp -d)"
mkdir -p docs/images
html="$out/sample.html"
"$bin" report notebooks-data/referrals.csv --conversions notebooks-data/conversions.csv \
  --title "Brightleaf referral programme, spring 2025" -o "$html" --quiet

# Headless Chromium, offline: no network, no profile left behind.
profile="$(mktemp -d)"
trap 'rm -rf "$profile" "$out"' EXIT
chrome() {
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
    --no-first-run --disable-background-networking --disable-extensions "$@" >/dev/null 2>&1
}

# Screen: 1280 px wide, tall enough for the headline and the first charts.
chrome --window-size=1280,2400 --screenshot="$PWD/docs/images/report-screen.png" "file://$html"

# Print: A4 through the page's print CSS; the first two pages side by side, laid out by Chromium too.
chrome --no-pdf-header-footer --print-to-pdf="$out/sample.pdf" "file://$html"
pdftoppm -r 80 -png -f 1 -l 2 "$out/sample.pdf" "$out/print"
pages=("$out"/print-*.png)
{
  echo '<!DOCTYPE html><html><body style="margin:0;padding:16px;background:#e9ecf1;display:flex;gap:16px">'
  for page in "${pages[@]}"; do echo "<img src=\"$(basename "$page")\" style=\"box-shadow:0 1px 4px #0004\">"; done
  echo '</body></html>'
} >"$out/print.html"
# A4 at 80 dpi is 662 x 935 px.
width=$((32 + 678 * ${#pages[@]}))
chrome --window-size="$width,967" --screenshot="$PWD/docs/images/report-print.png" "file://$out/print.html"
echo "render_report: wrote docs/images/report-screen.png and docs/images/report-print.png" \
  "(pages 1-${#pages[@]} of $(pdfinfo "$out/sample.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}') printed)"

#!/usr/bin/env bash
# System packages Canbao needs beyond Python: a CJK font, so charts and rendered workbooks show Chinese
# instead of empty boxes. `make` runs this before installing; it does nothing when the font is present.
#
#   bash scripts/system-deps.sh            # the font (fonts-wqy-microhei)
#   bash scripts/system-deps.sh --render   # also LibreOffice Calc and poppler, for the workbook render check
#   bash scripts/system-deps.sh --browser  # also Debian's chromium, driven headless by tests/test_ui.py
#
# Elsewhere than Debian/Ubuntu: install any CJK font and set CANBAO_CJK_FONT=/path/to/font.ttc.
set -euo pipefail

FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
packages=()
[ -f "$FONT" ] || [ -n "${CANBAO_CJK_FONT:-}" ] || packages+=(fonts-wqy-microhei)
if [[ " $* " == *" --render "* ]]; then
    command -v soffice >/dev/null || packages+=(libreoffice-calc-nogui)
    command -v pdftoppm >/dev/null || packages+=(poppler-utils)
fi
if [[ " $* " == *" --browser "* ]]; then
    command -v chromium >/dev/null || packages+=(chromium)
fi
[ ${#packages[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "system-deps.sh: no apt-get; install ${packages[*]} (or any CJK font, then set CANBAO_CJK_FONT)" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "system-deps.sh: need root to install ${packages[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "system-deps.sh: installing ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >&2
$sudo apt-get install -y -q "${packages[@]}" >&2

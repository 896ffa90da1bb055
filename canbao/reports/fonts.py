"""Finding a CJK font for charts: Chinese must never render as empty boxes (tofu)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from canbao.errors import CanbaoError

__all__ = ["CANDIDATES", "FONT_ENV", "MissingFontError", "MissingGlyphError", "cjk_font"]

FONT_ENV = "CANBAO_CJK_FONT"  # a font file to use instead of searching
# Debian/Ubuntu packages, first the one scripts/system-deps.sh installs (fonts-wqy-microhei).
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
_FAMILY_HINTS = ("WenQuanYi", "Noto Sans CJK", "Noto Sans SC", "Source Han Sans", "Droid Sans Fallback",
                 "SimHei", "Microsoft YaHei", "PingFang", "Heiti", "AR PL")


class MissingFontError(CanbaoError, RuntimeError):
    """No CJK font on this machine."""

    code = "font_missing"


class MissingGlyphError(MissingFontError):
    """The font found lacks glyphs the chart needs (it would show boxes)."""


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, Path]:
    """Register a CJK font with matplotlib; its family name and file (raises MissingFontError if none)."""
    from matplotlib import font_manager

    chosen = os.environ.get(FONT_ENV, "").strip()
    paths = [Path(chosen)] if chosen else [Path(p) for p in CANDIDATES]
    found = next((p for p in paths if p.is_file()), None)
    if found is None and not chosen:
        known = [f for f in font_manager.fontManager.ttflist if any(h in f.name for h in _FAMILY_HINTS)]
        found = Path(known[0].fname) if known else None
    if found is None:
        raise MissingFontError(
            f"no CJK font found ({chosen or 'looked for ' + ', '.join(CANDIDATES)}): charts would show boxes "
            "instead of Chinese. Install one with `bash scripts/system-deps.sh` (Debian: apt-get install -y "
            f"fonts-wqy-microhei) or point {FONT_ENV} at a .ttf/.ttc/.otf file with Chinese glyphs.")
    font_manager.fontManager.addfont(str(found))
    return font_manager.FontProperties(fname=str(found)).get_name(), found

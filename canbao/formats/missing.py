"""The error for a file that lacks a required column: what it has, what was expected, the config that maps it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from canbao.formats.errors import FormatError
from canbao.formats.headers import normalize_header
from canbao.formats.layout import NOT_DATA
from canbao.formats.sources import SourceSpec
from canbao.identity import mask_ids_in

__all__ = ["best_guess", "config_line", "missing_columns"]

_SHOWN = 5  # expected headers named per column


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def best_guess(column_variants: Sequence[str], unmapped: Sequence[str]) -> str | None:
    """The unmapped header most like the column's known names (shared character pairs), if any is."""
    known = set().union(*(_bigrams(normalize_header(v)) for v in column_variants))
    scored = [(len(_bigrams(normalize_header(h)) & known), -i, h) for i, h in enumerate(unmapped)]
    best = max(scored, default=(0, 0, ""))
    return best[2] if best[0] > 0 else None


def config_line(spec: SourceSpec, column: str, header: str, agency: str | None) -> str:
    """The YAML (flow style, one line) that maps `header` to `column` for this source or agency."""
    if spec.kind == "exemption" and agency:
        return f"exemption_handoff: {{columns: {{{agency}: {{{column}: [{header}]}}}}}}"
    return f"formats: {{headers: {{{spec.code}: {{{column}: [{header}]}}}}}}"


def missing_columns(spec: SourceSpec, variants: Mapping[str, Sequence[str]], missing: Sequence[str],
                    header_cells: Sequence[str], header_row: int, sheet: str | None,
                    agency: str | None, file_name: str = "") -> FormatError:
    """A `file_unreadable` FormatError naming the missing columns, the headers found and the mapping hint."""
    known = {normalize_header(v) for names in variants.values() for v in names}
    found = tuple(mask_ids_in(c.strip())[:30] for c in header_cells if c and c.strip())
    unmapped = [h for h in found if normalize_header(h) not in known and normalize_header(h) not in NOT_DATA]
    expected = {c: tuple(variants[c][:_SHOWN]) for c in missing}
    hint = tuple(config_line(spec, c, best_guess(variants[c], unmapped) or "表中该列的列名", agency)
                 for c in missing)
    names = "、".join(variants[c][0] for c in missing)
    where = f"（工作表“{sheet}”第{header_row + 1}行）" if sheet and header_row >= 0 else (
        f"（第{header_row + 1}行）" if header_row >= 0 else "")
    detail = f"缺少必需列：{names}；" + (f"表头{where}：{'、'.join(found)}" if found else "前20行中未找到表头")
    message = (f"{file_name}: missing column(s) {', '.join(variants[c][0] for c in missing)}; "
               f"headers found: {', '.join(found) or '-'}; map with: {'; '.join(hint)}")
    return FormatError(message, "file_unreadable", detail[:300], found=found, expected=expected, hint=hint)

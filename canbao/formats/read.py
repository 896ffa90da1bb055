"""Reading one inbox file into a frame with canonical columns, all text, and its row numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from canbao.formats.errors import FormatError
from canbao.formats.labels import apply_labels
from canbao.formats.layout import HEADER_SCAN_ROWS, find_header, footer_rows, pick_sheet
from canbao.formats.missing import missing_columns
from canbao.formats.sources import SourceSpec, source_spec
from canbao.formats.tables import read_sheets
from canbao.policy.limits import FileLimits
from canbao.policy.model import Campaign

__all__ = ["HEADER_SCAN_ROWS", "FormatError", "TableRead", "find_header", "header_variants", "read_source",
           "read_table"]


@dataclass(frozen=True)
class TableRead:
    """A file as read: the frame, and how — sheet, header row, headers mapped and ignored, footers skipped."""

    frame: pd.DataFrame
    sheet: str | None
    header_row: int  # 1-based row number in the sheet
    mapped: dict[str, str]  # header as written → canonical column
    ignored: tuple[str, ...]  # headers of the header row that map to no column
    footer_rows: tuple[int, ...]  # 1-based rows skipped as totals, signatures and notes
    defaults: dict[str, str] = field(default_factory=dict)  # columns filled without a column in the file


def header_variants(spec: SourceSpec, override: Mapping[str, Sequence[str]] | None = None,
                    campaign: Campaign | None = None, agency: str | None = None) -> dict[str, list[str]]:
    """Accepted headers per column: the explicit override, the agency's and the campaign's config, the common."""
    out = {c: list(v) for c, v in spec.headers.items()}
    layers: list[Mapping[str, Sequence[str]]] = []
    if campaign is not None:
        layers.append(campaign.formats.headers.get(spec.code, {}))
        if override is None and agency and spec.kind == "exemption" and campaign.exemption_handoff:
            layers.append(campaign.exemption_handoff.columns.get(agency, {}))
    layers.append(override or {})
    for layer in layers:
        for column, extra in layer.items():
            if column not in out:
                raise ValueError(f"source '{spec.code}' has no column '{column}' (columns: {', '.join(out)})")
            out[column] = [*extra, *out[column]]
    return out


def _frame(grid: list[list[str]], start: int, positions: dict[int, str], columns: Sequence[str],
           skip: set[int]) -> pd.DataFrame:
    """The body rows below the header as a text frame of the mapped columns: cells stripped, blanks missing;
    rows with no text in any cell and footer rows dropped. Only mapped columns are touched cell by cell."""
    kept = [(start + k + 1, row) for k, row in enumerate(grid[start:])
            if start + k not in skip and "".join(row).strip()]
    data: dict[str, object] = {}
    for pos, column in positions.items():
        data[column] = pd.Series([(row[pos].strip() or None) if pos < len(row) else None for _, row in kept],
                                 dtype="str")
    blank = pd.Series([None] * len(kept), dtype="str")
    frame = pd.DataFrame({c: data.get(c, blank) for c in columns})
    frame["source_row"] = pd.Series([n for n, _ in kept], dtype="int64")
    return frame


def read_table(path: Path, source: str, mapping_override: Mapping[str, Sequence[str]] | None = None, *,
               campaign: Campaign | None = None, agency: str | None = None,
               limits: FileLimits | None = None) -> TableRead:
    """A file of `source` read as its table: the sheet found by its headers, footers skipped (see read_source)."""
    path = Path(path)
    spec = source_spec(source)
    agency = agency or (path.parent.name if spec.kind == "exemption" else None)
    variants = header_variants(spec, mapping_override, campaign, agency)
    if limits is None and campaign is not None:
        limits = campaign.intake_limits.for_source(source)
    (sheet, grid), match = pick_sheet(read_sheets(path, limits), variants, spec.required)
    found = set(match.positions.values())
    missing = [c for c in spec.required if c not in found]
    defaults: dict[str, str] = {}
    if not missing and spec.kind == "exemption" and campaign is not None and "exemption" not in found:
        own = [e.code for e in campaign.exemptions if e.agency == agency]
        if len(own) == 1:
            defaults["exemption"] = own[0]
        else:
            missing = ["exemption"]
    header_cells = grid[match.row] if match.row >= 0 else []
    if match.row < 0 or missing:
        raise missing_columns(spec, variants, missing or list(spec.required), header_cells, match.row,
                              sheet, agency, path.name)
    footers = footer_rows(grid, match.row + 1)
    frame = _frame(grid, match.row + 1, match.positions, spec.columns, set(footers))
    for column, value in defaults.items():
        frame[column] = value
    if spec.kind == "exemption":
        frame["agency"] = agency
    frame = apply_labels(frame, campaign)
    frame.insert(len(frame.columns) - 1, "source_file", path.name)
    mapped = {header_cells[p].strip(): c for p, c in sorted(match.positions.items())}
    ignored = tuple(h.strip() for p, h in enumerate(header_cells) if p not in match.positions and h.strip())
    return TableRead(frame, sheet, match.row + 1, mapped, ignored, tuple(i + 1 for i in footers), defaults)


def read_source(path: Path, source: str, mapping_override: Mapping[str, Sequence[str]] | None = None, *,
                campaign: Campaign | None = None, agency: str | None = None,
                limits: FileLimits | None = None) -> pd.DataFrame:
    """A file of `source` as a text frame with canonical columns, `source_file` and `source_row`.

    Headers are matched against the common variants, the campaign's `formats.headers` and (exemption lists)
    the agency's `exemption_handoff.columns`; with a campaign, category/tier/exemption labels become codes
    (unknown labels stay as written). For an exemption list `agency` defaults to the folder name, and a list
    without a category column gets the agency's only exemption category. Title and note rows above the
    header, hidden sheets and footer rows (合计, 填表人, 盖章 …) are skipped. `limits` default to the
    campaign's for the source. Any file that cannot be read raises FormatError with a file-level reason code.
    """
    return read_table(path, source, mapping_override, campaign=campaign, agency=agency, limits=limits).frame

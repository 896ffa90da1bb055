"""Reading one inbox file into a frame with canonical columns, all text, and its row numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from canbao.formats.errors import FormatError
from canbao.formats.headers import normalize_header
from canbao.formats.labels import apply_labels
from canbao.formats.sources import SourceSpec, source_spec
from canbao.formats.tables import read_grid
from canbao.policy.limits import FileLimits
from canbao.policy.model import Campaign

__all__ = ["HEADER_SCAN_ROWS", "FormatError", "find_header", "read_source"]

HEADER_SCAN_ROWS = 10


def _variants(spec: SourceSpec, override: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
    out = {c: list(v) for c, v in spec.headers.items()}
    for column, extra in (override or {}).items():
        if column not in out:
            raise ValueError(f"source '{spec.code}' has no column '{column}' (columns: {', '.join(out)})")
        out[column] = [*extra, *out[column]]
    return out


def find_header(grid: list[list[str]], variants: Mapping[str, Sequence[str]]) -> tuple[int, dict[int, str]]:
    """The header row index among the first rows and {cell position: canonical column}."""
    priority: dict[str, tuple[str, int]] = {}
    for column, names in variants.items():
        for rank, name in enumerate(names):
            priority.setdefault(normalize_header(name), (column, rank))
    best, best_hits = -1, 0
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        hits = sum(normalize_header(cell) in priority for cell in row)
        if hits > best_hits:
            best, best_hits = i, hits
    if best < 0:
        return -1, {}
    chosen: dict[str, tuple[int, int]] = {}
    for pos, cell in enumerate(grid[best]):
        column, rank = priority.get(normalize_header(cell), (None, 0))
        if column is not None and (column not in chosen or rank < chosen[column][1]):
            chosen[column] = (pos, rank)
    return best, {pos: column for column, (pos, _) in chosen.items()}


def _frame(grid: list[list[str]], start: int, positions: dict[int, str],
           columns: Sequence[str]) -> pd.DataFrame:
    body = grid[start:]
    width = max((len(r) for r in body), default=0)
    body = [r if len(r) == width else [*r, *[""] * (width - len(r))] for r in body]
    raw = pd.DataFrame(body, columns=range(width), dtype=object) if body else pd.DataFrame()
    stripped = {p: raw[p].astype("str").str.strip().replace("", None) for p in raw.columns}
    frame = pd.DataFrame({c: pd.Series(pd.NA, index=raw.index, dtype="str") for c in columns})
    for pos, column in positions.items():
        if pos in stripped:
            frame[column] = stripped[pos]
    frame["source_row"] = pd.Series(range(start + 1, start + 1 + len(raw)), index=raw.index, dtype="int64")
    empty = pd.concat(stripped.values(), axis=1).isna().all(axis=1) if stripped else frame["source_row"] > 0
    return frame.loc[~empty].reset_index(drop=True)


def _missing(path: Path, names: list[str]) -> FormatError:
    return FormatError(f"{path.name}: missing column(s) {', '.join(names)}", "file_unreadable",
                       f"缺少必需列：{'、'.join(names)}")


def read_source(path: Path, source: str, mapping_override: Mapping[str, Sequence[str]] | None = None, *,
                campaign: Campaign | None = None, agency: str | None = None,
                limits: FileLimits | None = None) -> pd.DataFrame:
    """A file of `source` as a text frame with canonical columns, `source_file` and `source_row`.

    With a campaign, category/tier/exemption labels become codes (unknown labels stay as written);
    for an exemption list `agency` defaults to the folder name, and a list without a category column
    gets the agency's only exemption category. `limits` default to the campaign's for the source.
    Any file that cannot be read raises FormatError with a file-level reason code.
    """
    path = Path(path)
    spec = source_spec(source)
    variants = _variants(spec, mapping_override)
    if limits is None and campaign is not None:
        limits = campaign.intake_limits.for_source(source)
    grid = read_grid(path, limits)
    header, positions = find_header(grid, variants)
    found = set(positions.values())
    missing = [c for c in spec.required if c not in found]
    if header < 0 or missing:
        raise _missing(path, [variants[c][0] for c in (missing or spec.required)])
    frame = _frame(grid, header + 1, positions, spec.columns)
    if spec.kind == "exemption":
        frame["agency"] = agency or path.parent.name
        if campaign is not None and "exemption" not in found:
            own = [e.code for e in campaign.exemptions if e.agency == (agency or path.parent.name)]
            if len(own) != 1:
                raise _missing(path, [variants["exemption"][0]])
            frame["exemption"] = own[0]
    frame = apply_labels(frame, campaign)
    frame.insert(len(frame.columns) - 1, "source_file", path.name)
    return frame

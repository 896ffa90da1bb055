"""What a bulletin carries as issued: its heading lines (第N期, office, date, cutoff) and each section's marks."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from canbao.reports.bulletin_style import Marks
from canbao.reports.table import pct
from canbao.reports.weekly import WeeklyReport

__all__ = ["bulletin_heading", "section_marks", "threshold_pct"]


def section_marks(r: WeeklyReport, group: str | None = None) -> Marks:
    """(good, warning) of the units section (group None) or of one special group's section."""
    b, default = r.bulletin, (r.good_threshold, r.warning_threshold)
    units = b.units or default
    return units if group is None else b.per_group.get(group) or b.special or units


def threshold_pct(value: Fraction | Decimal) -> str:
    """A threshold as a percentage without needless decimals: 0.9 → 90, 0.925 → 92.5."""
    shown = pct(value, 2)
    return "—" if shown is None else f"{shown.normalize():f}"


def bulletin_heading(r: WeeklyReport) -> list[str]:
    """The lines under the title: issue number (第N期), issuing office and date, the cutoff."""
    d = r.as_of
    issued = f"{r.bulletin.office}\u3000\u3000{d.year}年{d.month}月{d.day}日" if r.bulletin.office else ""
    number = f"第{r.bulletin.issue}期" if r.bulletin.issue else ""
    return [x for x in (number, issued) if x] + [f"（截至{r.cutoff_text}）"]

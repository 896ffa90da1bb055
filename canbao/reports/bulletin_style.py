"""How a bulletin is issued: its number, office, per-section thresholds, sections and rounding, resolved."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["BulletinStyle", "Marks"]

Marks = tuple[Decimal, Decimal]  # (good, warning): named as doing well at or above good, as lagging below warning


@dataclass(frozen=True)
class BulletinStyle:
    """The bulletin's issue number (第N期, None: before the first issue), issuing office, thresholds of the units
    section and of the special-group sections (None: the report's good/warning thresholds), per-group overrides,
    which groups get a section (None: every group the report follows) and the rates' decimal places."""

    issue: int | None = None
    office: str = ""
    units: Marks | None = None
    special: Marks | None = None
    per_group: dict[str, Marks] = field(default_factory=dict)
    sections: tuple[str, ...] | None = None
    decimals: int = 2

    def to_content(self) -> dict[str, Any]:
        """Plain JSON data for the report snapshot."""
        def marks(m: Marks | None) -> list[str] | None:
            return None if m is None else [str(m[0]), str(m[1])]

        return {"issue": self.issue, "office": self.office, "units": marks(self.units),
                "special": marks(self.special), "per_group": {g: marks(m) for g, m in self.per_group.items()},
                "sections": None if self.sections is None else list(self.sections), "decimals": self.decimals}

    @classmethod
    def from_content(cls, data: dict[str, Any] | None) -> BulletinStyle:
        """Back from snapshot data; snapshots stored before the bulletin had a style give the defaults."""
        if not data:
            return cls()

        def marks(m: list[str] | None) -> Marks | None:
            return None if m is None else (Decimal(m[0]), Decimal(m[1]))

        sections = data.get("sections")
        return cls(data.get("issue"), data.get("office", ""), marks(data.get("units")), marks(data.get("special")),
                   {g: (Decimal(m[0]), Decimal(m[1])) for g, m in (data.get("per_group") or {}).items()},
                   None if sections is None else tuple(sections), int(data.get("decimals", 2)))

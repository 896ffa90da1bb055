"""Unit targets: what the config states, and splitting a total across units."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from canbao.policy.model import Campaign

__all__ = ["TargetEntry", "configured_targets", "split_total"]


@dataclass(frozen=True)
class TargetEntry:
    """A unit's target (None where the notice gives none and it comes from data), and how it is set."""

    unit: str | None  # None: a rule for every unit of the level (e.g. all schools)
    name: str
    level: str
    parent: str | None
    target: int | None
    basis: str | None = None

    def to_json(self) -> dict[str, object]:
        """As the CLI prints it."""
        return {"unit": self.unit, "name": self.name, "level": self.level, "parent": self.parent,
                "target": self.target, "basis": self.basis}


_SCHOOL_BASIS = {"student_count": "在校学生数", "last_year_enrolled": "上年参保人数"}


def configured_targets(c: Campaign) -> list[TargetEntry]:
    """Every configured unit with its target; the county carries the stated total; a school rule if configured."""
    out = []
    for u in c.units.items:
        target = u.target
        if u.level == "county" and target is None:
            target = c.units.target_total
        out.append(TargetEntry(u.code, u.name, u.level, u.parent, target))
    schools = c.units.school_targets
    if schools is not None:
        county = next((u.code for u in c.units.items if u.level == "county"), None)
        agency = next((a.name for a in c.agencies if a.code == schools.agency), schools.agency)
        out.append(TargetEntry(None, "辖区各学校", "school", county, None,
                               f"{_SCHOOL_BASIS[schools.basis]}，以{agency}统计为准（{schools.source}）"))
    return out


def split_total(total: int, weights: Mapping[str, int | float]) -> dict[str, int]:
    """Split `total` across keys in proportion to weights (largest remainder; sums exactly)."""
    if total < 0:
        raise ValueError("total must not be negative")
    if not weights:
        raise ValueError("nothing to split the total across")
    whole = sum(weights.values())
    if whole <= 0:
        raise ValueError("weights must add up to more than zero")
    raw = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    # Hand the remaining units to the largest fractional parts; ties go by key for determinism.
    order = sorted(raw, key=lambda k: (-(raw[k] - out[k]), k))
    for k in order[: total - sum(out.values())]:
        out[k] += 1
    return out

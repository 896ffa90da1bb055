"""Unit targets: what the config states, and splitting a total across units."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from canbao.policy.model import Campaign

__all__ = ["TargetEntry", "configured_targets", "split_total"]


@dataclass(frozen=True)
class TargetEntry:
    """A unit's target (None where the notice gives none and it comes from data)."""

    unit: str
    name: str
    level: str
    parent: str | None
    target: int | None

    def to_json(self) -> dict[str, object]:
        """As the CLI prints it."""
        return {"unit": self.unit, "name": self.name, "level": self.level, "parent": self.parent,
                "target": self.target}


def configured_targets(c: Campaign) -> list[TargetEntry]:
    """Every configured unit with its target; the county carries the stated total."""
    out = []
    for u in c.units.items:
        target = u.target
        if u.level == "county" and target is None:
            target = c.units.target_total
        out.append(TargetEntry(u.code, u.name, u.level, u.parent, target))
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

"""Assumed parameters: config entries marked `assumed: true` that an answer rests on, and the footnote saying so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from canbao.policy.model import Campaign, Sourced

__all__ = ["Assumption", "assumption_footnote", "assumptions_of", "campaign_assumptions"]


@dataclass(frozen=True)
class Assumption:
    """One assumed parameter an answer used: what it is, the clause it stands in for, and why it is assumed."""

    item: str
    source: str
    note: str

    def to_json(self) -> dict[str, str]:
        """As the CLI prints it."""
        return {"item": self.item, "source": self.source, "note": self.note}


def assumptions_of(entries: Iterable[tuple[str, Sourced]]) -> tuple[Assumption, ...]:
    """The assumed ones among (item, config entry) pairs, in order, without repeats."""
    out: dict[Assumption, None] = {}
    for item, entry in entries:
        if entry.assumed:
            out[Assumption(item, entry.source, entry.note or "")] = None
    return tuple(out)


def campaign_assumptions(c: Campaign) -> tuple[Assumption, ...]:
    """Every assumed money or cover parameter of a campaign: schedule lines, late rule, exemptions, benefit rules."""
    k = c.contribution
    entries: list[tuple[str, Sourced]] = [
        (f"contribution.{x.category}.tier{x.tier}.{x.component}", x) for x in k.lines]
    if k.late is not None:
        entries.append(("contribution.late", k.late))
    entries += [(f"exemption.{e.code}", e) for e in c.exemptions]
    entries += [(f"benefit_start.{r.name}", r) for r in c.benefit_start.rules]
    entries += [(f"cover_period.{','.join(p.categories)}", p) for p in c.benefit_start.cover_periods]
    return assumptions_of(entries)


def assumption_footnote(c: Campaign, assumptions: Iterable[Assumption] | None = None) -> str:
    """The Chinese footnote for an output built on assumed values ('' when none); all of the campaign's if None."""
    used = tuple(campaign_assumptions(c) if assumptions is None else assumptions)
    if not used:
        return ""
    notes = list(dict.fromkeys(f"{a.note}（{a.source}）" if a.note else f"{a.item}（{a.source}）" for a in used))
    return (f"注：本表部分数字依据{len(notes)}项假定参数计算（通知未载明，须向主管部门核实）："
            + "；".join(notes) + "。")

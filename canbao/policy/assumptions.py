"""Assumed parameters: config entries marked `assumed: true` that an answer rests on, and the footnote saying so."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from canbao.policy.model import Campaign, Sourced

__all__ = ["Answer", "Assumption", "assumption_footnote", "assumptions_of", "campaign_assumptions"]

# YAML folds long Chinese notes with a space at each line break; Chinese text has none.
_FOLD = re.compile(r"\s+(?=[\u3000-\u9fff\uff00-\uffef])|(?<=[\u3000-\u9fff\uff00-\uffef])\s+")


@dataclass(frozen=True)
class Assumption:
    """One assumed parameter an answer used: what it is, the clause it stands in for, and why it is assumed."""

    item: str
    source: str
    note: str

    def to_json(self) -> dict[str, str]:
        """As the CLI prints it."""
        return {"item": self.item, "source": self.source, "note": self.note}


class Answer(Protocol):
    """Anything that says which assumed parameters it used (a Quote, a BenefitStart)."""

    @property
    def assumed(self) -> tuple[Assumption, ...]: ...


def assumptions_of(entries: Iterable[tuple[str, Sourced]]) -> tuple[Assumption, ...]:
    """The assumed ones among (item, config entry) pairs, in order, without repeats."""
    out: dict[Assumption, None] = {}
    for item, entry in entries:
        if entry.assumed:
            out[Assumption(item, entry.source, _FOLD.sub("", entry.note or ""))] = None
    return tuple(out)


def campaign_assumptions(c: Campaign, money_only: bool = False) -> tuple[Assumption, ...]:
    """Every assumed money parameter of a campaign (schedule lines, late rule, exemptions, subsidy split) and,
    unless `money_only`, every assumed cover parameter (benefit rules, cover periods)."""
    k = c.contribution
    entries: list[tuple[str, Sourced]] = [
        (f"contribution.{x.category}.tier{x.tier}.{x.component}", x) for x in k.lines]
    if k.late is not None:
        entries.append(("contribution.late", k.late))
    entries += [(f"exemption.{e.code}", e) for e in c.exemptions]
    if c.settlement is not None:
        entries += [("settlement", c.settlement), *[("settlement.town_shares", t) for t in c.settlement.town_shares]]
    if money_only:
        return assumptions_of(entries)
    entries += [(f"benefit_start.{r.name}", r) for r in c.benefit_start.rules]
    entries += [(f"cover_period.{','.join(p.categories)}", p) for p in c.benefit_start.cover_periods]
    return assumptions_of(entries)


def assumption_footnote(c: Campaign, answers: Iterable[Answer] | None = None) -> str:
    """The Chinese footnote for an output built on `answers` (quotes, benefit starts): '' when none rests on an
    assumed value; with no answers, the campaign's assumed money parameters (request detail, statements)."""
    if answers is None:
        used = campaign_assumptions(c, money_only=True)
    else:
        used = tuple(dict.fromkeys(a for answer in answers for a in answer.assumed))
    if not used:
        return ""
    notes = list(dict.fromkeys(f"{a.note.rstrip('。')}（{a.source}）" if a.note else f"{a.item}（{a.source}）"
                               for a in used))
    return (f"注：本表部分数字依据{len(notes)}项假定参数计算（通知未载明，须向主管部门核实）："
            + "；".join(notes) + "。")

"""Cross-field checks of a campaign config that a single field cannot express."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from canbao.formats.sources import SOURCES
from canbao.policy.format_checks import format_problems
from canbao.policy.model import Campaign
from canbao.policy.rule_checks import rule_problems

__all__ = ["cross_check"]

Problem = tuple[str, str]


def cross_check(c: Campaign) -> list[Problem]:
    """Every cross-field problem of a campaign as (dotted.path, message)."""
    return [
        *_phases(c), *_deadlines(c), *_references(c), *_schedule(c), *_units(c), *_reporting(c),
        *_settlement(c), *_subsidies(c), *_intake_limits(c), *rule_problems(c), *format_problems(c),
    ]


def _phases(c: Campaign) -> list[Problem]:
    out: list[Problem] = []
    info = c.campaign
    if info.window_start > info.window_end:
        out.append(("campaign.window_end", "window ends before it starts"))
    for i, p in enumerate(c.phases):
        if p.start > p.end:
            out.append((f"phases.{i}.end", f"phase '{p.code}' ends ({p.end}) before it starts ({p.start})"))
        if p.start < info.window_start or p.end > info.window_end:
            out.append((f"phases.{i}", f"phase '{p.code}' lies outside the campaign window"))
        if i and p.start < c.phases[i - 1].start:
            out.append((f"phases.{i}.start", f"phase '{p.code}' starts before the previous phase"))
    return out


def _deadlines(c: Campaign) -> list[Problem]:
    out: list[Problem] = []
    info, seen = c.campaign, set()
    for i, d in enumerate(c.deadlines):
        if d.code in seen:
            out.append((f"deadlines.{i}.code", f"duplicate deadline code '{d.code}'"))
        seen.add(d.code)
        for field in ("date", "start", "end"):
            day = getattr(d, field)
            if day is not None and not info.window_start <= day <= info.window_end:
                out.append((f"deadlines.{i}.{field}", f"{day} is outside the campaign window "
                            f"{info.window_start}..{info.window_end}"))
    return out


def _references(c: Campaign) -> list[Problem]:
    out: list[Problem] = []
    agencies = {a.code for a in c.agencies}
    for i, d in enumerate(c.deadlines):
        if d.owner not in agencies:
            out.append((f"deadlines.{i}.owner", f"unknown agency '{d.owner}'"))
    for i, e in enumerate(c.exemptions):
        for field in ("agency", "payer", "settle_with"):
            code = getattr(e, field)
            if code is not None and code not in agencies:
                out.append((f"exemptions.{i}.{field}", f"unknown agency '{code}'"))
    codes = [e.code for e in c.exemptions]
    for code in {x for x in codes if codes.count(x) > 1}:
        out.append(("exemptions", f"exemption '{code}' is listed twice"))
    categories = {k.code for k in c.contribution.categories}
    for i, b in enumerate(c.contribution.age_bands):
        if b.category not in categories:
            out.append((f"contribution.age_bands.{i}.category", f"unknown category '{b.category}'"))
    return out


def _schedule(c: Campaign) -> list[Problem]:
    out: list[Problem] = []
    k = c.contribution
    categories = {x.code: x for x in k.categories}
    components = {x.code for x in k.components}
    totals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for i, line in enumerate(k.lines):
        if line.category not in categories:
            out.append((f"contribution.lines.{i}.category", f"unknown category '{line.category}'"))
        if line.component not in components:
            out.append((f"contribution.lines.{i}.component", f"unknown component '{line.component}'"))
        if line.tier not in k.tiers:
            out.append((f"contribution.lines.{i}.tier", f"unknown tier {line.tier}"))
        totals[(line.category, line.tier)] += line.individual + line.government + line.fund_transfer
    for j, cat in enumerate(k.categories):
        for tier in k.tiers:
            if (cat.code, tier) not in totals:
                out.append((f"contribution.categories.{j}", f"no schedule lines for '{cat.code}' tier {tier}"))
        stated, summed = cat.funding_standard, totals.get((cat.code, 1))
        if stated is not None and summed is not None and stated != summed:
            out.append((f"contribution.categories.{j}.funding_standard",
                        f"stated total {stated} != individual + government + transfers {summed}"))
    return out


def _units(c: Campaign) -> list[Problem]:
    out: list[Problem] = []
    u = c.units
    codes = [x.code for x in u.items]
    known = set(codes)
    for i, unit in enumerate(u.items):
        if codes.count(unit.code) > 1:
            out.append((f"units.items.{i}.code", f"duplicate unit code '{unit.code}'"))
        if unit.parent is not None and unit.parent not in known:
            out.append((f"units.items.{i}.parent", f"unknown parent unit '{unit.parent}'"))
    towns = [x for x in u.items if x.level == "town"]
    if u.target_total is not None and towns and all(t.target is not None for t in towns):
        summed = sum(t.target or 0 for t in towns)
        if summed != u.target_total:
            out.append(("units.target_total", f"town targets sum to {summed}, not {u.target_total}"))
    if u.target_method == "config" and not all(t.target is not None for t in towns):
        out.append(("units.target_method", "'config' needs a target on every town"))
    return out


def _reporting(c: Campaign) -> list[Problem]:
    r = c.reporting
    if (r.weekly_start is None) != (r.weekly_end is None):
        return [("reporting.weekly_end", "give both weekly_start and weekly_end, or neither")]
    if r.weekly_start and r.weekly_end and r.weekly_start > r.weekly_end:
        return [("reporting.weekly_end", "weekly reporting ends before it starts")]
    if r.warning_threshold > r.good_threshold:
        return [("reporting.warning_threshold", "warning threshold is above the good-progress threshold")]
    codes = {e.code for e in c.exemptions}
    named = [("groups", g) for g in r.bulletin.groups or []] + [("group_thresholds", g)
                                                                for g in r.bulletin.group_thresholds]
    return [(f"reporting.bulletin.{where}", f"unknown exemption '{g}'") for where, g in named if g not in codes]


def _settlement(c: Campaign) -> list[Problem]:
    s = c.settlement
    if s is None:
        return []
    out: list[Problem] = []
    agencies, deadlines = {a.code for a in c.agencies}, {d.code for d in c.deadlines}
    levels = {x.code for x in s.subsidy_split}
    if s.subsidy_split and sum(x.share for x in s.subsidy_split) != 1:
        out.append(("settlement.subsidy_split", "the levels' shares do not add up to 1"))
    if sum(x.per_town for x in s.subsidy_split) > 1:
        out.append(("settlement.subsidy_split", "at most one level is paid per town"))
    for i, x in enumerate(s.subsidy_split):
        if x.payer not in agencies:
            out.append((f"settlement.subsidy_split.{i}.payer", f"unknown agency '{x.payer}'"))
    has_advance = any(e.funding_mode == "advance_then_settle" for e in c.exemptions)
    has_transfer = any(line.fund_transfer > 0 for line in c.contribution.lines)
    for i, t in enumerate(s.transfers):
        where = f"settlement.transfers.{i}"
        for field in ("payer", "payee"):
            code = getattr(t, field)
            if code is not None and code not in agencies:
                out.append((f"{where}.{field}", f"unknown agency '{code}'"))
        if t.deadline is not None and t.deadline not in deadlines:
            out.append((f"{where}.deadline", f"unknown deadline '{t.deadline}'"))
        if t.level is not None and t.level not in levels:
            out.append((f"{where}.level", f"unknown subsidy level '{t.level}'"))
        if t.basis == "award" and (c.award is None or s.award_by is None):
            out.append((f"{where}.basis", "an award transfer needs 'award' and 'settlement.award_by'"))
        if t.basis == "advance" and not has_advance:
            out.append((f"{where}.basis", "no exemption is advance_then_settle"))
        if t.basis == "fund_transfer" and not has_transfer:
            out.append((f"{where}.basis", "no contribution line has a fund_transfer"))
        if t.basis in ("fund_transfer", "award") and t.payer is None:
            out.append((f"{where}.payer", f"basis {t.basis} needs a payer"))
    return out


def _subsidies(c: Campaign) -> list[Problem]:
    """A partial subsidy may not exceed what anyone pays: the highest individual contribution of a tier."""
    paid: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for line in c.contribution.lines:
        paid[(line.category, line.tier)] += line.individual
    most = max(paid.values(), default=Decimal(0))
    return [(f"exemptions.{i}.subsidy", f"subsidy {e.subsidy} yuan for '{e.code}' exceeds the highest individual "
             f"contribution {most} yuan") for i, e in enumerate(c.exemptions)
            if e.subsidy is not None and e.subsidy > most]


def _intake_limits(c: Campaign) -> list[Problem]:
    return [(f"intake_limits.sources.{code}", f"unknown source '{code}' (known: {', '.join(SOURCES)})")
            for code in c.intake_limits.sources if code not in SOURCES]

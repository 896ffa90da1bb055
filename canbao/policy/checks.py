"""Cross-field checks of a campaign config that a single field cannot express."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from canbao.policy.model import Campaign

__all__ = ["cross_check"]

Problem = tuple[str, str]


def cross_check(c: Campaign) -> list[Problem]:
    """Every cross-field problem of a campaign as (dotted.path, message)."""
    return [
        *_phases(c), *_deadlines(c), *_references(c), *_schedule(c), *_units(c), *_reporting(c),
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
    return []

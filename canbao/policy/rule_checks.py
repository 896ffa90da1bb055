"""Cross-field checks of the rules issue 10 added: categories, towns, levels and agencies they name must exist."""

from __future__ import annotations

from canbao.policy.model import Campaign

__all__ = ["rule_problems"]

Problem = tuple[str, str]


def rule_problems(c: Campaign) -> list[Problem]:
    """Late, exemption, benefit, cover, proof and cutoff categories; cutoffs only on rule_cutoff; school targets."""
    out: list[Problem] = []
    categories = {k.code for k in c.contribution.categories}
    b = c.benefit_start
    named: list[tuple[str, list[str]]] = [
        ("contribution.late.categories", c.contribution.late.categories if c.contribution.late else []),
        *[(f"exemptions.{i}.categories", e.categories) for i, e in enumerate(c.exemptions)],
        *[(f"benefit_start.rules.{i}.categories", r.categories) for i, r in enumerate(b.rules)],
        *[(f"benefit_start.cover_periods.{i}.categories", p.categories) for i, p in enumerate(b.cover_periods)],
        *[(f"benefit_start.proof.{i}.categories", r.categories) for i, r in enumerate(b.proof)],
        *[(f"deadlines.{i}.cutoff.categories", d.cutoff.categories) for i, d in enumerate(c.deadlines) if d.cutoff],
    ]
    for where, codes in named:
        out += [(where, f"unknown category '{x}'") for x in codes if x not in categories]
    for i, p in enumerate(b.cover_periods):
        if p.start > p.end:
            out.append((f"benefit_start.cover_periods.{i}.end", "cover period ends before it starts"))
    for i, d in enumerate(c.deadlines):
        if (d.kind == "rule_cutoff") != (d.cutoff is not None):
            out.append((f"deadlines.{i}.cutoff", "a rule_cutoff deadline needs 'cutoff', and only it may have one"))
    agencies = {a.code for a in c.agencies}
    t = c.units.school_targets
    if t is not None and t.agency not in agencies:
        out.append(("units.school_targets.agency", f"unknown agency '{t.agency}'"))
    return out + _town_shares(c)


def _town_shares(c: Campaign) -> list[Problem]:
    s = c.settlement
    if s is None or not s.town_shares:
        return []
    out: list[Problem] = []
    towns = {u.code for u in c.units.items if u.level == "town"}
    levels = {x.code: x for x in s.subsidy_split}
    per_town = [x for x in s.subsidy_split if x.per_town]
    for i, ts in enumerate(s.town_shares):
        where = f"settlement.town_shares.{i}"
        out += [(f"{where}.towns", f"'{t}' is not a town unit") for t in ts.towns if t not in towns]
        balance = levels.get(ts.balance)
        if not per_town or balance is None or balance.per_town:
            out.append((f"{where}.balance", "needs a per-town level and a balance level that is not per town"))
        elif ts.share > per_town[0].share + balance.share:
            out.append((f"{where}.share", "larger than the per-town and balance levels' shares together"))
    return out

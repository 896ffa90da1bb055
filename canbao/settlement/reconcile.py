"""The settlement's two checks: funding per category, and every payment received accounted for."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pandas as pd

from canbao.money import fen
from canbao.policy.model import Campaign

__all__ = ["category_statement", "funding_standards", "payment_balance"]


def funding_standards(c: Campaign) -> dict[tuple[str, int], int]:
    """The funding standard in fen per (category, tier): individual + government + fund transfers."""
    totals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for line in c.contribution.lines:
        totals[(line.category, line.tier)] += line.individual + line.government + line.fund_transfer
    return {key: fen(value) for key, value in totals.items()}


def category_statement(c: Campaign, people: pd.DataFrame) -> pd.DataFrame:
    """Per category and tier: enrolled × standard against government + transfers + on behalf + residents.

    `difference_fen` is zero when the enrolled are fully funded; the government, transfer and on-behalf
    shares come from the policy, the residents' part from the payments in the ledger.
    """
    standards = funding_standards(c)
    enrolled = people[people["enrolled"]]
    sums = ["government_fen", "fund_transfer_fen", "on_behalf_fen", "resident_paid_fen"]
    grouped = enrolled.groupby(["category", "tier"])[sums].sum()
    counts = enrolled.groupby(["category", "tier"]).size()
    names = {k.code: k.name for k in c.contribution.categories}
    rows = []
    for (category, tier), standard in sorted(standards.items()):
        n = int(counts.get((category, tier), 0))
        got = grouped.loc[(category, tier)] if (category, tier) in grouped.index else pd.Series(0, index=sums)
        parts = {k: int(got[k]) for k in sums}
        required = standard * n
        rows.append({"category": category, "category_name": names.get(category, category), "tier": tier,
                     "enrolled": n, "standard_fen": standard, "required_fen": required, **parts,
                     "difference_fen": required - sum(parts.values())})
    return pd.DataFrame(rows, columns=["category", "category_name", "tier", "enrolled", "standard_fen",
                                       "required_fen", *sums, "difference_fen"])


def payment_balance(people: pd.DataFrame, payments: pd.DataFrame) -> pd.DataFrame:
    """Every fen received, by what became of it: applied, overpaid (refund), held (proof pending), duplicate,
    orphan, underpaid."""
    status = payments["status"].astype(str)
    received = int(payments["amount_fen"].sum())
    rows = [
        ("received", "收到缴费合计", len(payments), received),
        ("applied", "已抵缴个人缴费", int((people["resident_paid_fen"] > 0).sum()),
         int(people["resident_paid_fen"].sum())),
        ("overpaid", "多缴待退", int((people["overpaid_fen"] > 0).sum()), int(people["overpaid_fen"].sum())),
        ("held", "待审核证明材料（暂存）", int((people["held_fen"] > 0).sum()), int(people["held_fen"].sum())),
    ]
    for code, label in (("duplicate", "重复缴费待退"), ("orphan", "有缴费无登记（待核实）"),
                        ("underpaid", "缴费不足（待补缴）"), ("unchecked", "未匹配")):
        mine = payments[status == code]
        rows.append((code, label, len(mine), int(mine["amount_fen"].sum())))
    out = pd.DataFrame(rows, columns=["item", "label", "count", "amount_fen"])
    accounted = int(out.loc[out["item"] != "received", "amount_fen"].sum())
    difference = pd.DataFrame([("difference", "差额（应为0）", 0, received - accounted)], columns=out.columns)
    return pd.concat([out, difference], ignore_index=True)

"""Contribution quotes: what a resident owes, who pays it, and the subsidy attached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from canbao.errors import CanbaoError
from canbao.money import format_yuan
from canbao.policy.admission import Admission, admit_payment
from canbao.policy.assumptions import Assumption, assumptions_of
from canbao.policy.model import Campaign, Exemption

__all__ = ["ComponentShare", "PolicyError", "Quote", "late_applies", "quote"]

ZERO = Decimal(0)


class PolicyError(CanbaoError, ValueError):
    """A question the campaign's policy cannot answer (unknown category, tier or exemption)."""


@dataclass(frozen=True)
class ComponentShare:
    """One component of a quote and each party's share, in yuan."""

    code: str
    name: str
    individual: Decimal
    government: Decimal
    fund_transfer: Decimal
    paid_on_behalf: Decimal
    resident_pays: Decimal


@dataclass(frozen=True)
class Quote:
    """The contribution due from one resident for one campaign, in yuan."""

    campaign_id: str
    category: str
    tier: int
    exemption: str | None
    late: bool
    individual_part: Decimal
    resident_pays: Decimal
    paid_on_behalf: Decimal
    paid_on_behalf_by: str | None
    funding_mode: str
    settle_with: str | None
    government_subsidy: Decimal
    fund_transfer: Decimal
    components: list[ComponentShare] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    assumed: tuple[Assumption, ...] = ()
    admission: Admission | None = None  # None: no payment date given
    conditions: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The quote as the CLI prints it: amounts as decimal strings."""
        return {
            "campaign": self.campaign_id, "category": self.category, "tier": self.tier,
            "exemption": self.exemption, "late": self.late,
            "individual_part_yuan": format_yuan(self.individual_part),
            "resident_pays_yuan": format_yuan(self.resident_pays),
            "paid_on_behalf_yuan": format_yuan(self.paid_on_behalf),
            "paid_on_behalf_by": self.paid_on_behalf_by, "funding_mode": self.funding_mode,
            "settle_with": self.settle_with,
            "government_subsidy_yuan": format_yuan(self.government_subsidy),
            "fund_transfer_yuan": format_yuan(self.fund_transfer),
            "funding_standard_yuan": format_yuan(
                self.individual_part + self.government_subsidy + self.fund_transfer),
            "components": [
                {"code": c.code, "name": c.name, **{f"{k}_yuan": format_yuan(getattr(c, k)) for k in (
                    "individual", "government", "fund_transfer", "paid_on_behalf", "resident_pays")}}
                for c in self.components
            ],
            "rules": self.rules,
            "conditions": self.conditions,
            "assumed": [a.to_json() for a in self.assumed],
            "admission": self.admission.to_json() if self.admission else None,
            "needs_proof": bool(self.admission and self.admission.needs_proof),
        }


def _exemption(c: Campaign, code: str | None) -> Exemption | None:
    if code is None:
        return None
    for e in c.exemptions:
        if e.code == code:
            return e
    known = ", ".join(e.code for e in c.exemptions) or "none"
    raise PolicyError(f"活动 {c.id} 没有免缴类别 '{code}'（no exemption；本活动有：{known}）")


def late_applies(c: Campaign, category: str, paid_on: date | None) -> bool:
    """Whether a payment on `paid_on` carries the late surcharge: after the date, for the rule's categories only."""
    late = c.contribution.late
    return bool(late and paid_on and paid_on > late.after and (not late.categories or category in late.categories))


def quote(c: Campaign, category: str, tier: int = 1, exemption: str | None = None,
          paid_on: date | None = None) -> Quote:
    """The contribution quote for a category, tier, exemption and payment date."""
    k = c.contribution
    if category not in {x.code for x in k.categories}:
        known = ", ".join(x.code for x in k.categories)
        raise PolicyError(f"活动 {c.id} 没有参保类别 '{category}'（no category；本活动有：{known}）")
    if tier not in k.tiers:
        raise PolicyError(f"活动 {c.id} 没有缴费档次 {tier}（no tier；本活动有：{', '.join(map(str, k.tiers))}）")
    ex = _exemption(c, exemption)
    conditions = [f"须具有{c.campaign.locality}户籍（{ex.source}）"] if ex is not None and ex.local_hukou else []
    if ex is not None and ex.categories and category not in ex.categories:
        # Someone listed under a group the notice limits to other categories gets no subsidy from it.
        cat_names = {x.code: x.name for x in k.categories}
        only = "、".join(cat_names.get(x, x) for x in ex.categories)
        conditions.append(f"{ex.name}只适用于{only}（{ex.source}），{cat_names.get(category, category)}不享受")
        ex = None
    names = {x.code: x.name for x in k.components}
    lines = [x for x in k.lines if x.category == category and x.tier == tier]
    late = late_applies(c, category, paid_on)
    rules = [f"{x.component}: {x.source}" for x in lines]
    shares: list[tuple[str, Decimal, Decimal, Decimal]] = [
        (x.component, x.individual, x.government, x.fund_transfer) for x in lines]
    if late and k.late:
        # A late payer pays the fiscal subsidy standard himself; it replaces the government share.
        rules.append(f"late after {k.late.after}: +{k.late.subsidy_standard} ({k.late.source})")
        first, *rest = shares
        shares = [(first[0], first[1] + k.late.subsidy_standard, ZERO, first[3]),
                  *[(s[0], s[1], ZERO, s[3]) for s in rest]]
    individual = sum((s[1] for s in shares), ZERO)
    on_behalf = ZERO
    if ex is not None:
        on_behalf = min(ex.subsidy, individual) if ex.funding_mode == "partial_subsidy" and ex.subsidy else individual
        rules.append(f"exemption {ex.code} ({ex.funding_mode}): {ex.source}")
    used = [(f"contribution.{x.category}.tier{x.tier}.{x.component}", x) for x in lines]
    used += [("contribution.late", k.late)] if late and k.late else []
    used += [(f"exemption.{ex.code}", ex)] if ex is not None else []
    components, left = [], on_behalf
    for code, ind, gov, transfer in shares:
        part = min(ind, left)
        left -= part
        components.append(ComponentShare(code, names.get(code, code), ind, gov, transfer, part, ind - part))
    return Quote(
        campaign_id=c.id, category=category, tier=tier, exemption=exemption, late=late,
        individual_part=individual, resident_pays=individual - on_behalf, paid_on_behalf=on_behalf,
        paid_on_behalf_by=ex.payer if ex else None, funding_mode=ex.funding_mode if ex else "none",
        settle_with=ex.settle_with if ex else None,
        government_subsidy=sum((s[2] for s in shares), ZERO),
        fund_transfer=sum((s[3] for s in shares), ZERO), components=components, rules=rules,
        assumed=assumptions_of(used), conditions=conditions,
        admission=admit_payment(c, paid_on, category) if paid_on is not None else None,
    )

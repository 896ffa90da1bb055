"""Benefit start: the day a resident's cover begins, by the campaign's ordered rules."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from canbao.policy.model import BenefitRule, Campaign
from canbao.policy.quote import PolicyError

__all__ = ["BenefitStart", "add_months", "benefit_start"]

EnrollmentKind = Literal["renewal", "new"]


@dataclass(frozen=True)
class BenefitStart:
    """When cover begins and which rule said so."""

    benefit_start: date
    rule: str
    source: str

    def to_json(self) -> dict[str, str]:
        """As the CLI prints it."""
        return {"benefit_start": self.benefit_start.isoformat(), "rule": self.rule, "source": self.source}


def add_months(d: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _matches(r: BenefitRule, kind: str, paid_on: date, born: date | None, insured: set[int]) -> bool:
    if r.enrollment != "any" and r.enrollment != kind:
        return False
    if r.paid_from and paid_on < r.paid_from:
        return False
    if r.paid_by and paid_on > r.paid_by:
        return False
    if r.newborn_within_days is not None and (
            born is None or paid_on < born or (paid_on - born).days > r.newborn_within_days):
        return False
    return set(r.insured_years) <= insured


def _start(r: BenefitRule, paid_on: date, born: date | None) -> date:
    if r.start == "fixed":
        assert r.date is not None
        return r.date
    if r.start == "birth_date":
        assert born is not None
        return born
    if r.start == "days_after_payment":
        return paid_on + timedelta(days=r.days or 0)
    return add_months(paid_on, r.months or 0)


def benefit_start(c: Campaign, kind: str, paid_on: date, born: date | None = None,
                  insured_years: Iterable[int] = ()) -> BenefitStart:
    """The benefit start for an enrollment paid on `paid_on`; never before the insurance year starts."""
    if kind not in ("renewal", "new"):
        raise PolicyError(f"enrollment must be 'renewal' or 'new', not '{kind}'")
    if born is not None and born > paid_on:
        raise PolicyError(f"born {born} is after the payment date {paid_on}")
    insured = set(insured_years)
    year_start = c.benefit_start.year_start
    for r in c.benefit_start.rules:
        if _matches(r, kind, paid_on, born, insured):
            return BenefitStart(max(_start(r, paid_on, born), year_start), r.name, r.source)
    raise PolicyError(f"campaign {c.id}: no benefit-start rule covers a {kind} enrollment paid on {paid_on}")

"""Benefit start: the day a resident's cover begins, by the campaign's ordered rules."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from canbao.policy.admission import Admission, admit_cover, admit_payment, cover_period
from canbao.policy.assumptions import Assumption, assumptions_of
from canbao.policy.model import BenefitRule, Campaign, Sourced
from canbao.policy.quote import PolicyError

__all__ = ["BenefitStart", "add_months", "benefit_start"]

EnrollmentKind = Literal["renewal", "new"]
ACCEPTED = Admission("accepted")


@dataclass(frozen=True)
class BenefitStart:
    """When cover begins (None: the payment is refused, see `admission`) and which rule said so."""

    benefit_start: date | None
    rule: str
    source: str
    cover_end: date | None = None
    admission: Admission = ACCEPTED
    assumed: tuple[Assumption, ...] = ()

    def to_json(self) -> dict[str, object]:
        """As the CLI prints it."""
        return {"benefit_start": self.benefit_start.isoformat() if self.benefit_start else None,
                "rule": self.rule, "source": self.source,
                "cover_end": self.cover_end.isoformat() if self.cover_end else None,
                "admission": self.admission.to_json(), "needs_proof": self.admission.needs_proof,
                "assumed": [a.to_json() for a in self.assumed]}


def add_months(d: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _matches(r: BenefitRule, kind: str, paid_on: date, born: date | None, insured: set[int],
             category: str | None) -> bool:
    if r.enrollment != "any" and r.enrollment != kind:
        return False
    if r.categories and category not in r.categories:
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
                  insured_years: Iterable[int] = (), category: str | None = None) -> BenefitStart:
    """The benefit start for an enrollment paid on `paid_on`; never before the category's cover period starts.

    Outside the payment window, or when cover could only start after the cover period, the start is None and
    `admission` says why (refused); a mid-year payment that needs proof keeps its start, flagged needs_proof.
    """
    if kind not in ("renewal", "new"):
        raise PolicyError(f"参保类型须为续保（renewal）或新参保（new），不是 '{kind}'")
    if born is not None and born > paid_on:
        raise PolicyError(f"出生日期 {born} 晚于缴费日期 {paid_on}（born after the payment）")
    insured = set(insured_years)
    first, last, period = cover_period(c, category)
    for r in c.benefit_start.rules:
        if _matches(r, kind, paid_on, born, insured, category):
            start = max(_start(r, paid_on, born), first)
            used: list[tuple[str, Sourced]] = [(f"benefit_start.{r.name}", r)]
            used += [(f"cover_period.{','.join(period.categories)}", period)] if period is not None else []
            admission = admit_payment(c, paid_on, category, kind, born)
            if admission.outcome != "refused":
                admission = admit_cover(c, category, start, r.source) or admission
            refused = admission.outcome == "refused"
            return BenefitStart(None if refused else start, r.name, r.source, last, admission, assumptions_of(used))
    who = "续保" if kind == "renewal" else "新参保"
    raise PolicyError(f"活动 {c.id}：没有适用于 {paid_on} 缴费的{who}人员的待遇享受规则")

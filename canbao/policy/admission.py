"""Whether a payment on a day can be an enrollment of the campaign: accepted, needs proof, or refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from canbao.policy.model import Campaign, CoverPeriod, ProofRule
from canbao.policy.window import payment_window
from canbao.reasons import label

__all__ = ["Admission", "Outcome", "PaymentRefused", "admit_cover", "admit_payment", "cover_period"]

Outcome = Literal["accepted", "needs_proof", "refused"]


@dataclass(frozen=True)
class Admission:
    """The outcome for one payment, with its reason code, Chinese reason and the clause it rests on."""

    outcome: Outcome
    code: str | None = None
    reason: str | None = None
    source: str | None = None

    @property
    def needs_proof(self) -> bool:
        """Whether the payment waits for a coordinator to confirm the proof."""
        return self.outcome == "needs_proof"

    def to_json(self) -> dict[str, object]:
        """As the CLI prints it."""
        return {"outcome": self.outcome, "code": self.code, "reason": self.reason, "source": self.source}


class PaymentRefused(ValueError):
    """A payment the notice does not allow as an enrollment of this campaign (one line: label, code, reason)."""

    def __init__(self, admission: Admission) -> None:
        self.admission = admission
        reason, source = admission.reason or "", admission.source
        clause = f"（{source}）" if source and source not in reason else ""
        super().__init__(f"{label(admission.code or '')}（{admission.code}）：{reason}{clause}")


def cover_period(c: Campaign, category: str | None) -> tuple[date, date, CoverPeriod | None]:
    """The first and last day of cover for a category: its own period if configured, else the insurance year."""
    for p in c.benefit_start.cover_periods:
        if category in p.categories:
            return p.start, p.end, p
    start = c.benefit_start.year_start
    return start, date(start.year + 1, start.month, start.day) - timedelta(days=1), None


def _proof_rule(c: Campaign, paid_on: date, category: str | None, kind: str | None,
                born: date | None) -> ProofRule | None:
    period_end = payment_window(c).period_end
    for r in c.benefit_start.proof:
        if paid_on < r.paid_from or (r.paid_by is not None and paid_on > r.paid_by):
            continue
        if r.enrollment != "any" and kind is not None and r.enrollment != kind:
            continue
        if r.categories and category not in r.categories:
            continue
        if r.newborns_exempt and born is not None and born > period_end:
            continue
        return r
    return None


def admit_payment(c: Campaign, paid_on: date, category: str | None = None, kind: str | None = None,
                  born: date | None = None) -> Admission:
    """The last payment day and the proof rules for a payment on `paid_on` (shared by intake, quote, benefit start)."""
    w = payment_window(c)
    # Only the last day is a refusal: no notice forbids paying early (implausible dates are the intake's to refuse).
    if paid_on > w.last:
        late = next((p for p in c.phases if p.code == "late_enrollment"), None)
        if late is None:
            why = f"晚于保险年度末{w.last}"
        elif late.assumed:
            why = f"晚于最后缴费日{w.last}（{w.last_source}；该日期为假定，通知未载明）"
        else:
            why = f"晚于通知（{w.last_source}）允许的最后缴费日{w.last}"
        return Admission("refused", "paid_after_last_day", f"{paid_on}缴费{why}", w.last_source)
    rule = _proof_rule(c, paid_on, category, kind, born)
    if rule is not None:
        proofs = f"（{'、'.join(rule.proofs)}）" if rule.proofs else ""
        return Admission("needs_proof", "needs_proof",
                         f"{paid_on}缴费在集中缴费期后，{rule.name}，须凭相关证明材料{proofs}，经审核确认后方可参保",
                         rule.source)
    return Admission("accepted")


def admit_cover(c: Campaign, category: str | None, start: date, source: str) -> Admission | None:
    """Refused when cover could only start after the category's cover period ends (`source`: the clause that
    set the start); None otherwise."""
    first, last, period = cover_period(c, category)
    if start <= last:
        return None
    what = "学年度" if period is not None else f"{c.campaign.insurance_year}年度"
    return Admission("refused", "cover_after_year",
                     f"按规定待遇将于{start}起享受，已超出{what}保障期（{first}至{last}），不属于本年度参保",
                     f"{source}、{period.source}" if period is not None else source)

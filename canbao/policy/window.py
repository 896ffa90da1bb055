"""When a campaign takes registrations and payments: the concentrated period and the last day a notice allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from canbao.policy.model import Campaign

__all__ = ["PaymentWindow", "payment_window"]


@dataclass(frozen=True)
class PaymentWindow:
    """The concentrated period (`period_start`..`period_end`) and the last day a payment is accepted (`last`).

    `last` is the end of the `late_enrollment` phase where the notice states one (Yuzhong 一(一): 2021-09-30),
    else the insurance year's last day; `last_source` names the clause or says that it is the year's end.
    """

    period_start: date
    period_end: date
    last: date
    last_source: str

    def contains(self, day: date) -> bool:
        """Whether a payment on `day` falls within the window (from the period's start to `last`)."""
        return self.period_start <= day <= self.last


def payment_window(c: Campaign) -> PaymentWindow:
    """The campaign's payment window, from its `registration_payment` and `late_enrollment` phases."""
    phases = {p.code: p for p in c.phases}
    period = phases.get("registration_payment")
    start = period.start if period else c.campaign.window_start
    end = period.end if period else c.campaign.window_end
    late = phases.get("late_enrollment")
    if late is not None:
        return PaymentWindow(start, end, late.end, late.source)
    return PaymentWindow(start, end, date(c.campaign.insurance_year, 12, 31), "insurance_year_end")

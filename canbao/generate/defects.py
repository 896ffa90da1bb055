"""Injected defects: their rates and how many of each a generated county gets."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["PERSON_DEFECTS", "DefectRates", "defect_counts"]

# Defects that take a person from the pool of clean, paying, non-exempt village registrants, in this order.
PERSON_DEFECTS = ("id_checksum", "id_birth_date", "id_excel_mangled", "unit_unknown", "deceased",
                  "duplicate_enrollment", "fullwidth_or_spaces", "duplicate_payment", "wrong_amount")


@dataclass(frozen=True)
class DefectRates:
    """Share of the population (cash limits: of the villages collecting cash) given each defect.

    A rate above zero gives at least one case, so small test counties carry every defect.
    """

    id_checksum: float = 0.002
    id_birth_date: float = 0.0005
    id_excel_mangled: float = 0.0005
    fullwidth_or_spaces: float = 0.003
    duplicate_enrollment: float = 0.001
    duplicate_payment: float = 0.001
    orphan_payment: float = 0.0005
    wrong_amount: float = 0.001
    unit_unknown: float = 0.0005
    on_two_lists: float = 0.002
    deceased: float = 0.0005
    cash_limit_amount: float = 0.03
    cash_limit_days: float = 0.03

    def to_json(self) -> dict[str, float]:
        """The rates as a plain dict."""
        return asdict(self)


def _count(rate: float, base: int) -> int:
    return max(1, round(rate * base)) if rate > 0 and base > 0 else 0


def defect_counts(rates: DefectRates, population: int, cash_villages: int = 0) -> dict[str, int]:
    """How many cases of each defect to inject (the pools may still cap them)."""
    out = {k: _count(v, population) for k, v in rates.to_json().items() if not k.startswith("cash_limit")}
    out["cash_limit_amount"] = _count(rates.cash_limit_amount, cash_villages)
    out["cash_limit_days"] = _count(rates.cash_limit_days, cash_villages)
    return out

"""Money: yuan as Decimal at the edges, integer fen inside the ledger."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["fen", "format_yuan", "yuan"]

_CENT = Decimal("0.01")


def fen(amount: Decimal | int | str) -> int:
    """Integer fen for a yuan amount (rounded half up to the cent)."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan(amount_fen: int) -> Decimal:
    """Yuan as a two-place Decimal for an integer number of fen."""
    return (Decimal(int(amount_fen)) / 100).quantize(_CENT)


def format_yuan(amount: Decimal | int) -> str:
    """A yuan amount as the decimal string the CLI and reports print, e.g. '250.00'."""
    return str(Decimal(amount).quantize(_CENT))

"""Payment matching and benefit starts as the intake reports them: defined once in `canbao.state.matching`."""

from __future__ import annotations

from canbao.state.matching import benefit_outcomes, benefit_starts, expected_fen, match_payments

__all__ = ["ANOMALY_OF_STATUS", "benefit_outcomes", "benefit_starts", "expected_fen", "match_payments"]

# Ledger payment status -> the anomaly reason code reported for it (matched is no anomaly).
ANOMALY_OF_STATUS = {"orphan": "orphan_payment", "duplicate": "duplicate_payment", "underpaid": "underpaid",
                     "overpaid": "overpaid"}

"""Payments that need proof (Kaijiang 三(二)) and the coordinator's decision on it, as of a moment."""

from __future__ import annotations

import pandas as pd

from canbao.state.facts import Facts

__all__ = ["PROOF_COLUMNS", "proof_review"]

PROOF_COLUMNS = ("proof_decision", "proof_kind", "proof_decided_on", "needs_proof", "proof_refused")


def _in_effect(facts: Facts, cut: pd.Timestamp) -> pd.DataFrame:
    """Decisions taken and recorded before the cut, indexed by id_number (one per person in the ledger)."""
    x = facts.proofs
    known = (x["known_at"].isna() | (x["known_at"] < cut)) & (x["decided_at"] < cut)
    return x[known].drop_duplicates("id_number", keep="last").set_index("id_number")


def proof_review(people: pd.DataFrame, admission: pd.Series, facts: Facts, cut: pd.Timestamp) -> pd.DataFrame:
    """Per person (index of `people`): the decision in effect, and what it means for a payment that needs proof.

    `proof_decision` (confirmed, refused or None), `proof_kind` and `proof_decided_on` (the day) whatever the
    admission; `needs_proof`: the admission asks for proof and no decision is in effect yet (waits for a
    coordinator); `proof_refused`: it asks for proof and the coordinator refused it. A decision on someone
    whose payment needs no proof changes nothing.
    """
    decided = _in_effect(facts, cut)
    ids = people["id_number"]
    decision = ids.map(decided["decision"]).astype("object").where(ids.isin(decided.index), None)
    on = ids.map(decided["decided_at"]) if len(decided) else pd.Series(pd.NaT, index=people.index)
    asked = (admission == "needs_proof").fillna(False).astype(bool)
    return pd.DataFrame({
        "proof_decision": decision,
        "proof_kind": ids.map(decided["proof"]).astype("object").where(decision.notna(), None),
        "proof_decided_on": pd.to_datetime(on).dt.normalize().astype("datetime64[ns]"),
        "needs_proof": asked & decision.isna(),
        "proof_refused": asked & (decision == "refused"),
    }, index=people.index)

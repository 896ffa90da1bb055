"""Coordinators' proof decisions (Kaijiang 三(二)): a confirmation file's rows checked, and any decision recorded."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date, datetime, time

import pandas as pd
from sqlalchemy import Connection, select

from canbao.clock import SHANGHAI
from canbao.formats.dates import parse_dates
from canbao.identity import check_ids, mask_ids_in
from canbao.intake.plausible import date_checks, intake_bounds
from canbao.intake.rejections import first_reason, rejected_frame
from canbao.intake.validate import Validated
from canbao.ledger.bulk import insert_rows, upsert
from canbao.ledger.schema import Audit
from canbao.ledger.schema_proofs import ProofConfirmation
from canbao.policy.model import Campaign

__all__ = ["CONTENT", "DECISIONS", "accepted_proofs", "decided_at", "record_proofs", "validate_proofs"]

# The words a confirmation file (or the CLI) may use for a decision.
DECISIONS = {"通过": "confirmed", "审核通过": "confirmed", "不通过": "refused", "未通过": "refused",
             "confirmed": "confirmed", "refused": "refused"}
CONTENT = ["decision", "proof", "reviewer", "decided_at", "note"]  # a decision is unchanged if these are


def accepted_proofs(c: Campaign) -> list[str]:
    """The proofs the notice accepts for a mid-year enrollment, from the config's `benefit_start.proof` rules."""
    return list(dict.fromkeys(p for r in c.benefit_start.proof for p in r.proofs))


def decided_at(day: date) -> datetime:
    """A decision dated `day` (no time given): the start of that day in Shanghai."""
    return datetime.combine(day, time(0), SHANGHAI)


def _text(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].astype("string").str.strip() if col in df else pd.Series(pd.NA, index=df.index, dtype="string")


def validate_proofs(df: pd.DataFrame, c: Campaign, *, registered: Collection[str], today: date) -> Validated:
    """Rows of a confirmation file checked: ID, name, decision, proof (one the notice names; may be blank on a
    refusal), reviewer, date (plausible, not after today), registered in the campaign, one row per person."""
    ids = check_ids(_text(df, "id_number"), today=today)
    decision = _text(df, "decision").map(lambda x: DECISIONS.get(str(x)) if pd.notna(x) else None)
    proof = _text(df, "proof")
    on, bad_date = parse_dates(_text(df, "decided_on"))
    kinds = accepted_proofs(c)
    wrong_kind = (proof.notna() & ~proof.isin(kinds)) | (proof.isna() & (decision == "confirmed"))
    reason = first_reason(df.index, [
        ("id", ids["reason"].notna()),
        ("name_missing", _text(df, "name").isna()),
        ("proof_decision_unknown", decision.isna()),
        ("proof_kind_unknown", wrong_kind),
        ("reviewer_missing", _text(df, "reviewer").isna()),
        ("date_invalid", bad_date),
        *date_checks(on, intake_bounds(c), None),
        ("date_implausible", on.dt.normalize() > pd.Timestamp(today)),
        ("proof_not_registered", ~ids["id_number"].isin(list(registered))),
    ])
    reason = reason.where(reason != "id", ids["reason"])
    accepted = pd.DataFrame({
        "id_number": ids["id_number"], "decision": decision, "proof": proof, "reviewer": _text(df, "reviewer"),
        "decided_on": on.dt.normalize(), "note": _text(df, "note").map(_masked_note), "source_file": df["source_file"],
        "source_row": df["source_row"].astype("int64")}, index=df.index)[reason.isna()]
    dup = accepted["id_number"].duplicated(keep="first")
    reason.loc[dup[dup].index] = "proof_duplicate_row"
    return Validated(accepted[~dup], rejected_frame(df, reason, "proof"))


def _masked_note(text: object) -> str | None:
    """A note as stored: never a full ID number (the ledger refuses one), at most 500 characters."""
    return mask_ids_in(str(text))[:500] if isinstance(text, str) and text else None


def _stamp(value: object) -> str | None:
    """A comparable text for a value of CONTENT (times as UTC instants)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return pd.Timestamp(value).tz_convert("UTC").isoformat()
    return str(value)


def record_proofs(conn: Connection, campaign_id: str, rows: pd.DataFrame, now: datetime,
                  flow_run_id: str | None) -> int:
    """Upsert decisions on (campaign, id_number): the latest decision wins, a change is audited (before/after).

    `rows`: id_number, CONTENT (decided_at aware), import_id (or None). A decision already recorded as it is
    keeps its `recorded_at` and import, so a re-run changes nothing and the state's as-of stays put.
    Returns the number of decisions inserted or changed.
    """
    if rows.empty:
        return 0
    t = ProofConfirmation.__table__
    old = {r["id_number"]: r for r in conn.execute(select(t).where(
        t.c.campaign_id == campaign_id, t.c.id_number.in_(list(rows["id_number"])))).mappings()}
    fresh, audit = [], []
    for r in rows.to_dict("records"):
        before = old.get(r["id_number"])
        if before is not None and all(_stamp(before[k]) == _stamp(r.get(k)) for k in CONTENT):
            continue
        fresh.append({"campaign_id": campaign_id, **{k: r.get(k) for k in ["id_number", *CONTENT]},
                      "recorded_at": now, "import_id": r.get("import_id"), "flow_run_id": flow_run_id})
        if before is not None:
            audit.append({"at": now, "flow_run_id": flow_run_id, "campaign_id": campaign_id, "action": "update",
                          "table_name": ProofConfirmation.__tablename__,
                          "record_key": f"{campaign_id}/{r['id_number']}",
                          "import_id": r.get("import_id"), "source_file": r.get("source_file"),
                          "source_row": r.get("source_row"),
                          "before": json.loads(json.dumps({k: _stamp(before[k]) for k in CONTENT})),
                          "after": json.loads(json.dumps({k: _stamp(r.get(k)) for k in CONTENT}))})
    if audit:
        insert_rows(conn, Audit, audit)
    return upsert(conn, ProofConfirmation, pd.DataFrame(fresh), keys=["campaign_id", "id_number"]) if fresh else 0

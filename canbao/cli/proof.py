"""`canbao proof confirm`: a coordinator records the decision on a resident's proof (Kaijiang 三(二))."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd
from sqlalchemy import select

from canbao import clock
from canbao.cli.app import CliError, Command, parse_date
from canbao.identity import check_id, mask_id, mask_ids_in, normalize_id
from canbao.intake.proofs import accepted_proofs, decided_at, record_proofs
from canbao.ledger.schema import Enrollment
from canbao.policy.load import ConfigError, load_campaign
from canbao.policy.model import Campaign
from canbao.reasons import label
from canbao.state import campaign_state, load_facts

__all__ = ["PROOF_COMMANDS"]


def _campaign(name: str) -> Campaign:
    try:
        return load_campaign(name)
    except ConfigError as exc:
        raise CliError(f"参保期配置有误：{exc.problems[0]}") from None


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--campaign", required=True, help="config stem in configs/ (e.g. kaijiang-2020)")
    p.add_argument("--id", required=True, help="the resident's ID number")
    p.add_argument("--proof", help="the proof presented, one the notice names (required to confirm)")
    p.add_argument("--reviewer", required=True, help="who reviewed the proof")
    p.add_argument("--refuse", action="store_true", help="record 不通过: the proof is not accepted")
    p.add_argument("--on", type=parse_date, help="the day of the decision (default: now)")
    p.add_argument("--note")
    p.add_argument("--database", help="ledger URL (default CANBAO_DATABASE_URL)")


def _checked(args: argparse.Namespace, c: Campaign) -> dict[str, Any]:
    """The decision as a row, or a CliError with one Chinese line."""
    now, kinds = clock.now(), accepted_proofs(c)
    check = check_id(args.id, today=now.date())
    if not check.valid:
        raise CliError(f"身份证号码无效：{label(check.reason or 'id_format')}")
    if not kinds:
        raise CliError(f"{c.id}的通知未规定须凭证明材料中途参保，无须审核")
    if args.proof is None and not args.refuse:
        raise CliError(f"审核通过须注明证明材料（--proof）：{'、'.join(kinds)}")
    if args.proof is not None and args.proof not in kinds:
        raise CliError(f"证明材料“{args.proof}”不属于通知列明的情形：{'、'.join(kinds)}")
    if not args.reviewer.strip():
        raise CliError("审核人不能为空（--reviewer）")
    if args.on is not None and args.on > now.date():
        raise CliError(f"审核日期{args.on}晚于今天{now.date()}")
    return {"id_number": normalize_id(args.id), "decision": "refused" if args.refuse else "confirmed",
            "proof": args.proof, "reviewer": args.reviewer.strip(),
            "decided_at": decided_at(args.on) if args.on else now,
            "note": mask_ids_in(args.note)[:500] if args.note else None, "import_id": None}


def _confirm(args: argparse.Namespace) -> Any:
    from canbao.ledger.engine import make_engine

    c = _campaign(args.campaign)
    row = _checked(args, c)
    now = clock.now()
    engine = make_engine(args.database)
    try:
        with engine.begin() as conn:
            registered = conn.execute(select(Enrollment.id).where(
                Enrollment.campaign_id == c.id, Enrollment.id_number == row["id_number"])).first()
            if registered is None:
                raise CliError(f"{mask_id(row['id_number'])}未在{c.id}参保登记，无可审核的中途参保")
            changed = record_proofs(conn, c.id, pd.DataFrame([row]), now, None)
            facts = load_facts(conn, c.id)
    finally:
        engine.dispose()
    people = campaign_state(c, facts, now.date()).people.set_index("id_number")
    done = {"campaign": c.id, "id_number": mask_id(row["id_number"]), "decision": row["decision"],
            "proof": row["proof"], "reviewer": row["reviewer"],
            "decided_on": row["decided_at"].astimezone(clock.SHANGHAI).date().isoformat(), "changed": changed > 0}
    if row["id_number"] not in people.index:  # registered with a later date: no state today yet
        return done | {"state": None}
    me = people.loc[row["id_number"]]

    def day(value: object) -> str | None:
        return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()

    return done | {"state": {
        "as_of": now.date().isoformat(), "admission": me["admission"], "needs_proof": bool(me["needs_proof"]),
        "proof_refused": bool(me["proof_refused"]), "enrolled": bool(me["enrolled"]), "paid_on": day(me["paid_on"]),
        "enrolled_on": day(me["enrolled_on"]), "benefit_start": day(me["benefit_start"]),
        "refund_fen": int(me["overpaid_fen"])}}

PROOF_COMMANDS = [Command(("proof", "confirm"), "record a coordinator's decision on a mid-year enrollee's proof "
                          "(Kaijiang 三(二)); prints the decision and the person's state", _args, _confirm)]

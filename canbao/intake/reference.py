"""Reference sources: unit targets, last year's insured, the deceased, cash deposits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Connection

from canbao.formats.amounts import parse_amount_fen, parse_dates
from canbao.identity import check_ids
from canbao.intake.plausible import date_checks, intake_bounds
from canbao.intake.rejections import first_reason, rejected_frame
from canbao.intake.storable import STORED_TEXT, integer_faults, text_faults
from canbao.intake.validate import Validated
from canbao.ledger.bulk import upsert
from canbao.ledger.person_numbers import record_person_numbers
from canbao.ledger.schema import CashDeposit, PriorInsured, Resident, Unit

if TYPE_CHECKING:
    from canbao.intake.batch import IntakeContext

__all__ = ["LEVELS", "store", "validate"]

LEVELS = {"县": "county", "区": "county", "市": "county", "镇": "town", "街道": "town", "乡": "town",
          "村": "village", "社区": "village", "学校": "school", "county": "county", "town": "town",
          "village": "village", "school": "school"}


def _text(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].astype("string").str.strip() if col in df else pd.Series(pd.NA, index=df.index, dtype="string")


def validate(df: pd.DataFrame, source: str, ctx: IntakeContext) -> Validated:
    """Check a reference file's rows; bad rows are rejected with reasons like any other file."""
    text = text_faults(df, STORED_TEXT[source])
    if source == "targets":
        level = _text(df, "level").map(lambda x: LEVELS.get(x, x))
        bad_unit = _text(df, "unit_code").isna() | ~level.isin(["county", "town", "village", "school"])
        reason = first_reason(df.index, [
            *text.checks(), ("unit_unknown", bad_unit), ("name_missing", _text(df, "unit_name").isna()),
            ("number_invalid", integer_faults(_text(df, "target"), Unit.__table__.c.target))])
        target = pd.to_numeric(_text(df, "target"), errors="coerce").astype("Int64")
        ok = pd.DataFrame({"code": _text(df, "unit_code"), "name": _text(df, "unit_name"), "level": level,
                           "parent_code": _text(df, "parent_code"), "target": target,
                           "source_file": df["source_file"]})[reason.isna()]
        return Validated(ok, rejected_frame(df, reason, source, text.column))
    if source == "cash_deposit":
        fen, bad_amount = parse_amount_fen(_text(df, "amount"))
        on, bad_date = parse_dates(_text(df, "deposited_on"))
        reason = first_reason(df.index, [*text.checks(), ("reference_missing", _text(df, "external_ref").isna()),
                                         ("unit_unknown", ~_text(df, "unit_code").isin(list(ctx.units))),
                                         ("amount_invalid", bad_amount), ("date_invalid", bad_date),
                                         *date_checks(on, intake_bounds(ctx.campaign), None)])
        ok = pd.DataFrame({"external_ref": _text(df, "external_ref"), "unit_code": _text(df, "unit_code"),
                           "amount_fen": fen, "deposited_on": on, "source_file": df["source_file"],
                           "source_row": df["source_row"]})[reason.isna()]
        return Validated(ok, rejected_frame(df, reason, source, text.column))
    ids = check_ids(_text(df, "id_number"), today=ctx.today)
    checks = [("id", ids["reason"].notna()), *text.checks()]
    extra: dict[str, pd.Series] = {}
    if source == "last_year_roster":
        extra["person_number"] = _text(df, "person_number")
    if source == "deceased":
        extra["died_on"], bad = parse_dates(_text(df, "died_on"))
        checks.append(("date_invalid", bad))
    reason = first_reason(df.index, checks)
    reason = reason.where(reason != "id", ids["reason"])
    ok = pd.DataFrame({"id_number": ids["id_number"], "name": _text(df, "name"), "sex": ids["sex"],
                       "birth_date": ids["birth_date"], "unit_code": _text(df, "unit_code"),
                       "category": _text(df, "category"), "agency": _text(df, "agency"),
                       "source_file": df["source_file"], "source_row": df["source_row"], **extra},
                      index=df.index)[reason.isna()]
    return Validated(ok, rejected_frame(df, reason, source, text.column))


def store(conn: Connection, source: str, ok: pd.DataFrame, imports: dict[str, int], ctx: IntakeContext) -> int:
    """Write a reference batch to the ledger and refresh the context that later batches validate against."""
    cid = ctx.campaign.id
    if source == "targets":
        units = ok.drop(columns="source_file").drop_duplicates("code", keep="last").assign(campaign_id=cid)
        ctx.units |= set(units["code"])
        return upsert(conn, Unit, units, keys=["campaign_id", "code"])
    if source == "cash_deposit":
        rows = ok.assign(campaign_id=cid, import_id=ok["source_file"].map(imports)).drop(columns="source_file")
        return upsert(conn, CashDeposit, rows, keys=["campaign_id", "external_ref"])
    people = ok[["id_number", "name", "sex", "birth_date"]].drop_duplicates("id_number")
    if source == "last_year_roster":
        ctx.prior |= set(ok["id_number"])
        upsert(conn, Resident, people, keys=["id_number"], update=[])
        record_person_numbers(conn, ok)
        rows = ok.drop_duplicates("id_number")[["id_number", "unit_code", "category"]].assign(campaign_id=cid)
        return upsert(conn, PriorInsured, rows, keys=["campaign_id", "id_number"])
    if source == "deceased":
        ctx.deceased |= set(ok["id_number"])
        dead = ok.drop_duplicates("id_number")[["id_number", "name", "sex", "birth_date", "died_on"]]
        return upsert(conn, Resident, dead.rename(columns={"died_on": "deceased_on"}), keys=["id_number"],
                      update=["deceased_on"])
    raise ValueError(f"no reference intake for source '{source}' (exemption lists: flows/exemption_handoff.py)")

"""Reference sources: unit targets, last year's insured, the deceased, cash deposits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Connection, exists, select

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
    trimmed: dict[str, pd.Series] = {}

    def text_of(col: str) -> pd.Series:  # each column trimmed once
        if col not in trimmed:
            trimmed[col] = _text(df, col)
        return trimmed[col]

    text = text_faults(df, STORED_TEXT[source])
    if source == "targets":
        level = text_of("level").map(lambda x: LEVELS.get(x, x))
        bad_unit = text_of("unit_code").isna() | ~level.isin(["county", "town", "village", "school"])
        reason = first_reason(df.index, [
            *text.checks(), ("unit_unknown", bad_unit), ("name_missing", text_of("unit_name").isna()),
            ("number_invalid", integer_faults(text_of("target"), Unit.__table__.c.target))])
        target = pd.to_numeric(text_of("target"), errors="coerce").astype("Int64")
        ok = pd.DataFrame({"code": text_of("unit_code"), "name": text_of("unit_name"), "level": level,
                           "parent_code": text_of("parent_code"), "target": target,
                           "source_file": df["source_file"]})[reason.isna()]
        return Validated(ok, rejected_frame(df, reason, source, text.column))
    if source == "cash_deposit":
        fen, bad_amount = parse_amount_fen(text_of("amount"))
        on, bad_date = parse_dates(text_of("deposited_on"))
        reason = first_reason(df.index, [*text.checks(), ("reference_missing", text_of("external_ref").isna()),
                                         ("unit_unknown", ~text_of("unit_code").isin(list(ctx.units))),
                                         ("amount_invalid", bad_amount), ("date_invalid", bad_date),
                                         *date_checks(on, intake_bounds(ctx.campaign), None)])
        ok = pd.DataFrame({"external_ref": text_of("external_ref"), "unit_code": text_of("unit_code"),
                           "amount_fen": fen, "deposited_on": on, "source_file": df["source_file"],
                           "source_row": df["source_row"]})[reason.isna()]
        return Validated(ok, rejected_frame(df, reason, source, text.column))
    ids = check_ids(text_of("id_number"), today=ctx.today)
    checks = [("id", ids["reason"].notna()), *text.checks()]
    extra: dict[str, pd.Series] = {}
    if source == "last_year_roster":
        extra["person_number"] = text_of("person_number")
    if source == "deceased":
        extra["died_on"], bad = parse_dates(text_of("died_on"))
        checks.append(("date_invalid", bad))
    reason = first_reason(df.index, checks)
    reason = reason.where(reason != "id", ids["reason"])
    ok = pd.DataFrame({"id_number": ids["id_number"], "name": text_of("name"), "sex": ids["sex"],
                       "birth_date": ids["birth_date"], "unit_code": text_of("unit_code"),
                       "category": text_of("category"), "agency": text_of("agency"),
                       "source_file": df["source_file"], "source_row": df["source_row"], **extra},
                      index=df.index)[reason.isna()]
    return Validated(ok, rejected_frame(df, reason, source, text.column))


def store(conn: Connection, source: str, ok: pd.DataFrame, imports: dict[str, int], ctx: IntakeContext) -> int:
    """Write a reference batch to the ledger and refresh the context that later batches validate against."""
    cid = ctx.campaign.id
    if source == "targets":
        units = ok.drop(columns="source_file").drop_duplicates("code", keep="last").assign(campaign_id=cid)
        ctx.units |= set(units["code"].tolist())
        return upsert(conn, Unit, units, keys=["campaign_id", "code"])
    if source == "cash_deposit":
        rows = ok.assign(campaign_id=cid, import_id=ok["source_file"].map(imports)).drop(columns="source_file")
        return upsert(conn, CashDeposit, rows, keys=["campaign_id", "external_ref"])
    people = ok[["id_number", "name", "sex", "birth_date"]].drop_duplicates("id_number")
    if source == "last_year_roster":
        ctx.prior |= set(ok["id_number"].tolist())
        upsert(conn, Resident, people, keys=["id_number"], update=[])
        record_person_numbers(conn, ok)
        rows = ok.drop_duplicates("id_number")[["id_number", "unit_code", "category"]].assign(campaign_id=cid)
        # The campaign's first list is all new rows (no conflict handling, COPY straight in on PostgreSQL).
        first = not conn.execute(select(exists().where(PriorInsured.campaign_id == cid))).scalar()
        return upsert(conn, PriorInsured, rows, keys=["campaign_id", "id_number"],
                      absent=[True] * len(rows) if first else None)
    if source == "deceased":
        ctx.deceased |= set(ok["id_number"].tolist())
        dead = ok.drop_duplicates("id_number")[["id_number", "name", "sex", "birth_date", "died_on"]]
        return upsert(conn, Resident, dead.rename(columns={"died_on": "deceased_on"}), keys=["id_number"],
                      update=["deceased_on"])
    raise ValueError(f"no reference intake for source '{source}' (exemption lists: flows/exemption_handoff.py)")

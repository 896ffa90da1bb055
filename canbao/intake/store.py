"""Writing validated intake batches to the ledger: imports, residents, enrollments, payments."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Table, delete, exists, select, update

from canbao.intake.plausible import ENROLLED_COLUMNS
from canbao.intake.rejections import ledger_detail
from canbao.intake.storable import storable_text
from canbao.ledger.bulk import insert_rows, upsert
from canbao.ledger.lookup import absent_keys, select_frame
from canbao.ledger.person_numbers import record_person_numbers
from canbao.ledger.schema import PAYMENT_KEY, Audit, Enrollment, Import, Payment, Rejection, Resident

__all__ = ["FileImport", "any_enrolled", "delete_superseded", "enrolled_units", "record_rejections", "retake_import",
           "start_import", "store_payments", "store_registrations"]


@dataclass(frozen=True)
class FileImport:
    """An import row created for one received file, and the earlier imports it supersedes."""

    import_id: int
    supersedes: tuple[int, ...]


def start_import(conn: Connection, campaign_id: str, source: str, file_name: str, sha256: str, rows_total: int,
                 now: datetime, flow_run_id: str | None) -> FileImport:
    """Record a new file; an earlier import of the same source and file name is superseded by it."""
    earlier = conn.execute(select(Import.id).where(
        Import.campaign_id == campaign_id, Import.source == source, Import.file_name == file_name,
        Import.sha256 != sha256)).scalars().all()
    new_id = conn.execute(Import.__table__.insert().values(
        campaign_id=campaign_id, source=source, file_name=file_name, sha256=sha256, rows_total=rows_total,
        rows_accepted=0, rows_rejected=0, imported_at=now, flow_run_id=flow_run_id,
        supersedes_id=max(earlier) if earlier else None)).inserted_primary_key[0]
    return FileImport(int(new_id), tuple(int(x) for x in earlier))


def retake_import(conn: Connection, campaign_id: str, source: str, file_name: str, sha256: str, rows_total: int,
                  now: datetime, flow_run_id: str | None) -> FileImport:
    """Take a file in again on request: its earlier import (same content) is reused, its rejections cleared."""
    import_id = conn.execute(select(Import.id).where(
        Import.campaign_id == campaign_id, Import.source == source, Import.sha256 == sha256)).scalar_one()
    conn.execute(delete(Rejection).where(Rejection.import_id == import_id))
    conn.execute(update(Import).where(Import.id == import_id).values(
        file_name=file_name, rows_total=rows_total, imported_at=now, flow_run_id=flow_run_id))
    return FileImport(int(import_id), ())


def any_enrolled(conn: Connection, campaign_id: str) -> bool:
    """Whether the campaign has any enrollment yet."""
    return bool(conn.execute(select(exists().where(Enrollment.campaign_id == campaign_id))).scalar())


def enrolled_units(conn: Connection, campaign_id: str, ids: Collection[str] | None = None) -> pd.DataFrame:
    """Each enrollment of the campaign (`ids`: at least those of these people): id_number, unit_code, and the
    source and file name it came from."""
    e, i = Enrollment.__table__, Import.__table__
    stmt = select(e.c.id_number, e.c.unit_code, i.c.source, i.c.file_name).join(i, i.c.id == e.c.import_id).where(
        e.c.campaign_id == campaign_id)
    return select_frame(conn, stmt, ENROLLED_COLUMNS, e.c.id_number, ids)


def _audit(conn: Connection, campaign_id: str, action: str, table: str, rows: list[dict], now: datetime,
           flow_run_id: str | None) -> None:
    if rows:
        insert_rows(conn, Audit, [{"at": now, "flow_run_id": flow_run_id, "campaign_id": campaign_id,
                                   "action": action, "table_name": table, **r} for r in rows])


def _text(value: object) -> str:
    """A value as audit text: a day (a stored Date, as `_day` makes them) as 2019-09-02, anything else as str."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date().isoformat()
    return str(value)


def _jsonable(record: Mapping) -> dict:
    return json.loads(json.dumps({k: v for k, v in record.items()}, default=_text))


def _day(stamps: pd.Series) -> pd.Series:
    """Dates as the ledger's Date columns keep them: a time of day given in the file is dropped here, so that a
    row repeated with its time is no change against the stored day (and is audited as none)."""
    return stamps.dt.normalize() if pd.api.types.is_datetime64_any_dtype(stamps) else stamps


def _current(conn: Connection, table: Table, keys: list[str], fresh: pd.DataFrame, compare: list[str],
             where: ColumnElement[bool]) -> pd.DataFrame:
    """The ledger's records (keys, `compare`, import_id) for the last key's values in `fresh`, the other keys
    being fixed by `where`: at least those `fresh` would change."""
    names = [*keys, *compare, "import_id"]
    return select_frame(conn, select(*[table.c[c] for c in names]).where(where), names, table.c[keys[-1]],
                        fresh[keys[-1]])


def _changes(fresh: pd.DataFrame, old: pd.DataFrame, keys: list[str], compare: list[str]) -> list[dict]:
    """Audit entries (before/after) for rows of `fresh` that change a record of `old` (from `_current`)."""
    if fresh.empty or old.empty:
        return []
    both = fresh.merge(old, on=keys, suffixes=("", "_old"))
    differs = pd.Series(False, index=both.index)
    for col in compare:
        a, b = both[col].astype("string"), both[f"{col}_old"].astype("string")
        differs |= (a != b).fillna(a.isna() != b.isna())
    out = []
    for r in both[differs].to_dict("records"):
        out.append({"record_key": "/".join(str(r[k]) for k in keys), "import_id": int(r["import_id"]),
                    "source_file": r.get("source_file"), "source_row": int(r["source_row"]),
                    "before": _jsonable({c: r[f"{c}_old"] for c in compare}),
                    "after": _jsonable({c: r[c] for c in compare})})
    return out


def store_registrations(conn: Connection, campaign_id: str, accepted: pd.DataFrame, imports: Mapping[str, int],
                        channel: str, now: datetime, flow_run_id: str | None) -> int:
    """Upsert residents and enrollments of accepted registration rows; changed records are audited."""
    if accepted.empty:
        return 0
    residents = accepted[["id_number", "name", "sex", "birth_date", "phone"]].drop_duplicates("id_number")
    upsert(conn, Resident, residents, keys=["id_number"])
    record_person_numbers(conn, accepted)  # 人员编号 where the roster or school list carries it
    rows = pd.DataFrame({
        "campaign_id": campaign_id, "id_number": accepted["id_number"], "unit_code": accepted["unit_code"],
        "category": accepted["category"], "tier": accepted["tier"], "channel": channel,
        "kind": accepted["kind"], "registered_at": _day(accepted["registered_on"]),
        "import_id": accepted["source_file"].map(imports), "source_row": accepted["source_row"],
        "source_file": accepted["source_file"],
    })
    compare, keys = ["unit_code", "category", "tier", "channel", "kind", "registered_at"], ["campaign_id", "id_number"]
    t = Enrollment.__table__
    old = _current(conn, t, keys, rows, compare, t.c.campaign_id == campaign_id)
    _audit(conn, campaign_id, "update", "enrollments", _changes(rows, old, keys, compare), now, flow_run_id)
    # One writer per campaign: who is not enrolled now is not enrolled when the rows are written.
    return upsert(conn, Enrollment, rows.drop(columns="source_file"), keys=keys,
                  update=[*compare, "import_id", "source_row"], absent=absent_keys(rows, old, keys))


def store_payments(conn: Connection, campaign_id: str, accepted: pd.DataFrame, imports: Mapping[str, int],
                   channel: str, now: datetime, flow_run_id: str | None) -> int:
    """Upsert accepted payment rows on (campaign, channel, external reference); changed records are audited."""
    if accepted.empty:
        return 0
    rows = pd.DataFrame({
        "campaign_id": campaign_id, "channel": channel, "external_ref": accepted["external_ref"],
        "id_number": accepted["id_number"], "unit_code": accepted["unit_code"],
        "amount_fen": accepted["amount_fen"], "paid_on": _day(accepted["paid_on"]),
        "import_id": accepted["source_file"].map(imports), "source_row": accepted["source_row"],
        "source_file": accepted["source_file"],
    })
    compare, keys = ["id_number", "unit_code", "amount_fen", "paid_on"], list(PAYMENT_KEY)
    t = Payment.__table__
    old = _current(conn, t, keys, rows, compare, (t.c.campaign_id == campaign_id) & (t.c.channel == channel))
    _audit(conn, campaign_id, "update", "payments", _changes(rows, old, keys, compare), now, flow_run_id)
    return upsert(conn, Payment, rows.drop(columns="source_file"), keys=keys,
                  update=[*compare, "import_id", "source_row"], absent=absent_keys(rows, old, keys))


def delete_superseded(conn: Connection, campaign_id: str, superseded: list[int], now: datetime,
                      flow_run_id: str | None) -> int:
    """Remove records that only a superseded file carried (a corrected file left them out); audited."""
    if not superseded:
        return 0
    removed = 0
    for model, key in ((Enrollment, ["campaign_id", "id_number"]), (Payment, list(PAYMENT_KEY))):
        t = model.__table__
        gone = conn.execute(select(t).where(t.c.import_id.in_(superseded))).mappings().all()
        _audit(conn, campaign_id, "supersede", t.name, [
            {"record_key": "/".join(str(r[k]) for k in key), "import_id": int(r["import_id"]),
             "source_row": int(r["source_row"]), "before": _jsonable({k: v for k, v in r.items() if k != "id"})}
            for r in gone], now, flow_run_id)
        removed += conn.execute(delete(t).where(t.c.import_id.in_(superseded))).rowcount
    return removed


def record_rejections(conn: Connection, rejected: pd.DataFrame, imports: Mapping[str, int]) -> int:
    """Store rejected rows (masked) against their imports."""
    if rejected.empty:
        return 0
    t = Rejection.__table__
    # Whatever a refused file or row held, its rejection record must store on either database.
    rows = pd.DataFrame({
        "import_id": rejected["source_file"].map(imports), "source_row": rejected["source_row"],
        "column": rejected["column"], "reason": rejected["reason"],
        "unit_code": [storable_text(u, t.c.unit_code) for u in rejected["unit_code"]],
        "detail": [storable_text(ledger_detail(str(r), str(v), str(n)), t.c.detail) for r, v, n in
                   zip(rejected["reason_label"], rejected["value"].fillna(""), rejected["name"].fillna(""))],
    })
    return insert_rows(conn, Rejection, rows)



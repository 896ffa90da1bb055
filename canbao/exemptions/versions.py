"""List versions in the ledger: a new delivery recorded once (by content), with its entries and diff."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, func, select, update

from canbao.exemptions.delivery import SOURCE, Delivery, ListRows
from canbao.exemptions.diff import diff_counts, diff_lists
from canbao.exemptions.residents import deceased_among
from canbao.intake.store import record_rejections, start_import
from canbao.ledger.bulk import insert_rows, upsert
from canbao.ledger.person_numbers import record_person_numbers
from canbao.ledger.queries import find_import
from canbao.ledger.schema import Import, Resident
from canbao.ledger.schema_exemptions import ExemptionEntry, ExemptionList

__all__ = ["EFFECTIVE", "Received", "effective_entries", "load_entries", "record_delivery", "same_delivery",
           "version_diff"]

EFFECTIVE = ("approved", "approved_with_exclusions")


@dataclass(frozen=True)
class Received:
    """A delivery newly recorded as a list version: its number, what it is diffed against, the counts."""

    agency: str
    version: int
    base_version: int | None
    counts: dict[str, int]


def load_entries(conn: Connection, campaign_id: str, agency: str, version: int,
                 effective_only: bool = False) -> pd.DataFrame:
    """The persons of one list version (without excluded ones when `effective_only`)."""
    e = ExemptionEntry.__table__
    q = select(e).where(e.c.campaign_id == campaign_id, e.c.agency == agency, e.c.version == version)
    if effective_only:
        q = q.where(e.c.excluded.is_(False))
    result = conn.execute(q.order_by(e.c.import_id, e.c.source_row))
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def effective_entries(conn: Connection, campaign_id: str) -> pd.DataFrame:
    """Every agency's latest approved version, excluded persons left out (what is in force)."""
    t = ExemptionList.__table__
    latest = (select(t.c.agency, func.max(t.c.version).label("version"))
              .where(t.c.campaign_id == campaign_id, t.c.status.in_(EFFECTIVE)).group_by(t.c.agency))
    frames = [load_entries(conn, campaign_id, a, v, effective_only=True) for a, v in conn.execute(latest).all()]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else load_entries(conn, campaign_id, "", 0)


def version_diff(conn: Connection, campaign_id: str, agency: str, version: int,
                 base_version: int | None) -> pd.DataFrame:
    """The diff of a version against the approved version it was received after (persons, not counts)."""
    current = load_entries(conn, campaign_id, agency, version)
    previous = (load_entries(conn, campaign_id, agency, base_version, effective_only=True)
                if base_version else current.iloc[:0])
    files = dict(conn.execute(select(Import.id, Import.file_name).where(Import.campaign_id == campaign_id)).all())
    current = current.assign(source_file=current["import_id"].map(files))
    ids = sorted(set(current["id_number"]) | set(previous["id_number"]))
    return diff_lists(previous, current, deceased_among(conn, ids))


def _imports(conn: Connection, campaign_id: str, d: Delivery, rows: ListRows, now: datetime,
             run: str | None) -> tuple[dict[str, int], dict[str, int]]:
    """Import ids of the delivery's files (a file from an earlier delivery keeps its import); the new ones."""
    counts = pd.concat([rows.accepted["source_file"], rows.rejected.get("source_file", pd.Series())]).value_counts()
    made, fresh = {}, {}
    for f in d.files:
        found = find_import(conn, campaign_id, SOURCE, f.sha256)
        if found is None:
            found = fresh[f.name] = start_import(conn, campaign_id, SOURCE, f.name, f.sha256,
                                                 int(counts.get(f.name, 0)), now, run).import_id
        made[f.name] = found
    return made, fresh


def same_delivery(conn: Connection, campaign_id: str, d: Delivery) -> int | None:
    """The version these exact files were taken in as (None if they never were)."""
    t = ExemptionList.__table__
    return conn.execute(select(t.c.version).where(t.c.campaign_id == campaign_id, t.c.agency == d.agency,
                                                  t.c.content_sha256 == d.content_sha256)).scalar()


def record_delivery(conn: Connection, campaign_id: str, d: Delivery, rows: ListRows, now: datetime,
                    run: str | None, *, again: bool = False) -> Received | None:
    """Record a delivery as the agency's next version (None if these exact files came before, unless `again`:
    then they become a new version, identified by their hash and the moment they were taken in again)."""
    t = ExemptionList.__table__
    mine = (t.c.campaign_id == campaign_id) & (t.c.agency == d.agency)
    sha = d.content_sha256
    if conn.execute(select(t.c.id).where(mine, t.c.content_sha256 == sha)).first():
        if not again:
            return None
        sha = hashlib.sha256(f"{sha}|again|{now.isoformat()}".encode()).hexdigest()
    imports, fresh = _imports(conn, campaign_id, d, rows, now, run)
    people = rows.accepted
    if len(people):
        upsert(conn, Resident, people[["id_number", "name", "sex", "birth_date"]], keys=["id_number"], update=[])
        record_person_numbers(conn, people)
    version = (conn.execute(select(func.max(t.c.version)).where(mine)).scalar() or 0) + 1
    base = conn.execute(select(func.max(t.c.version)).where(mine, t.c.status.in_(EFFECTIVE))).scalar()
    conn.execute(update(ExemptionList).where(mine, t.c.status == "received").values(status="superseded"))
    previous = load_entries(conn, campaign_id, d.agency, base, effective_only=True) if base else people.iloc[:0]
    ids = sorted(set(people["id_number"]) | set(previous["id_number"]))
    counts = diff_counts(diff_lists(previous, people, deceased_among(conn, ids)))
    counts |= {"duplicates": rows.duplicates, "rejected": len(rows.rejected), "rows": rows.rows}
    conn.execute(t.insert().values(
        campaign_id=campaign_id, agency=d.agency, version=version, content_sha256=sha,
        import_id=imports[d.files[0].name], files=[f.name for f in d.files], rows_total=rows.rows,
        rows_rejected=len(rows.rejected), persons=len(people), base_version=base, diff=counts,
        status="received", excluded=0, received_at=now, flow_run_id=run))
    if len(people):
        insert_rows(conn, ExemptionEntry, pd.DataFrame({
            "campaign_id": campaign_id, "agency": d.agency, "version": version, "id_number": people["id_number"],
            "exemption": people["exemption"], "also_listed": people["also_listed"], "town": people["town"],
            "village": people["village"], "included_on": people["included_on"],
            "import_id": people["source_file"].map(imports),
            "source_row": people["source_row"], "excluded": False}))
    rejected = rows.rejected[rows.rejected["source_file"].isin(list(fresh))] if len(rows.rejected) else rows.rejected
    record_rejections(conn, rejected, fresh)
    ok, bad = people["source_file"].value_counts(), rejected.get("source_file", pd.Series()).value_counts()
    for name, import_id in fresh.items():
        conn.execute(update(Import).where(Import.id == import_id).values(
            rows_accepted=int(ok.get(name, 0)), rows_rejected=int(bad.get(name, 0))))
    return Received(d.agency, version, base, counts)

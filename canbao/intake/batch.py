"""Taking in one source's new files: read, validate, write to the ledger in one transaction."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, update

from canbao.exemptions.delivery import FileProblem
from canbao.formats.headers import normalize_header
from canbao.formats.layout import NOT_DATA
from canbao.formats.read import FormatError
from canbao.heap import bulk_allocation
from canbao.identity import check_ids, mask_ids_in
from canbao.intake import reference
from canbao.intake.inbox import InboxFile
from canbao.intake.plausible import ENROLLED_COLUMNS, intake_bounds
from canbao.intake.proofs import decided_at, record_proofs, validate_proofs
from canbao.intake.reading import FilesRead, read_files, read_jobs
from canbao.intake.store import (
    any_enrolled,
    delete_superseded,
    enrolled_units,
    record_rejections,
    retake_import,
    start_import,
    store_payments,
    store_registrations,
)
from canbao.intake.validate import Validated, validate_payments, validate_registrations
from canbao.ledger.schema import Import
from canbao.policy.model import Campaign
from canbao.reasons import label

__all__ = ["PAYMENT_SOURCES", "BatchResult", "IntakeContext", "file_rejection", "intake_batch"]

PAYMENT_SOURCES = ("bank_deduction", "self_service_terminal", "tax_app", "bank_counter", "service_window",
                   "village_cash")


@dataclass
class IntakeContext:
    """What validation needs to know beyond the file: units, the deceased, last year's insured, the clock."""

    campaign: Campaign
    today: date
    now: datetime
    flow_run_id: str | None = None
    units: set[str] = field(default_factory=set)
    deceased: set[str] = field(default_factory=set)
    prior: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class BatchResult:
    """What one source's batch did: rows per outcome, the rejected rows, files taken in, files refused whole
    (with the headers found, expected and the config line that maps them) and each read file's unused columns."""

    source: str
    files: int
    rows: int
    accepted: int
    rejected: pd.DataFrame
    skipped: int
    problems: tuple[FileProblem, ...] = ()
    ignored_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Read:
    """The files' rows as one text frame, one rejection row per refused file, the refusals, unused columns."""

    rows: pd.DataFrame
    unreadable: pd.DataFrame
    problems: tuple[FileProblem, ...]
    ignored_columns: dict[str, tuple[str, ...]]


def file_rejection(source: str, f: InboxFile, reason: str, detail: str = "") -> dict[str, object]:
    """The one rejection row of a file refused whole: row 0, the file-level reason, a detail without its name."""
    return {"source": source, "source_file": f.name, "source_row": 0, "unit_code": pd.NA, "column": "",
            "reason": reason, "reason_label": label(reason), "value": mask_ids_in(detail)[:200], "name": ""}


def _read(files: Sequence[InboxFile], source: str, ctx: IntakeContext, mappings: dict | None,
          ahead: FilesRead | None = None) -> _Read:
    """All rows of the files, and for each file that could not be read a rejection row and a FileProblem."""
    frames, unreadable, problems, ignored = [], [], [], {}
    results = iter(read_files(read_jobs(files, source, ctx.campaign, mappings), ahead=ahead))  # files' order
    for f in files:
        if f.refusal is not None:
            unreadable.append(file_rejection(source, f, f.refusal))
            problems.append(FileProblem(mask_ids_in(f.name), f.refusal, ""))
            continue
        got = next(results)
        if isinstance(got, FormatError):
            unreadable.append(file_rejection(source, f, got.reason, got.detail))
            problems.append(FileProblem(mask_ids_in(f.name), got.reason, mask_ids_in(got.detail), got.found,
                                        got.expected, got.hint))
            continue
        df = got.frame
        df["source_file"] = f.name
        frames.append(df)
        unused = tuple(mask_ids_in(h)[:30] for h in got.ignored if normalize_header(h) not in NOT_DATA)
        if unused:
            ignored[mask_ids_in(f.name)] = unused
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return _Read(rows, pd.DataFrame(unreadable), tuple(problems), ignored)


def _validate(df: pd.DataFrame, source: str, ctx: IntakeContext, enrolled: pd.DataFrame | None = None) -> Validated:
    """Validated rows of one source; `enrolled` (plausible.ENROLLED_COLUMNS) is who the ledger has where (None: a
    dry run without the ledger, where no transfer can be seen)."""
    c, units, bounds = ctx.campaign, ctx.units, intake_bounds(ctx.campaign)
    if source in ("roster", "school"):
        known = enrolled if enrolled is not None else pd.DataFrame(columns=ENROLLED_COLUMNS)
        v = validate_registrations(df, c, units=units, deceased=ctx.deceased, today=ctx.today, source=source,
                                   enrolled=known)
        v.accepted["kind"] = v.accepted["id_number"].isin(list(ctx.prior)).map({True: "renewal", False: "new"})
        if source == "roster":
            return v
        # A school row is a registration and a payment: the payment part is checked on accepted rows only.
        p = validate_payments(df.loc[v.accepted.index], today=ctx.today, source=source, bounds=bounds)
        return Validated(v.accepted, pd.concat([v.rejected, p.rejected], ignore_index=True), 0, p.accepted)
    if source in PAYMENT_SOURCES:
        return validate_payments(df, today=ctx.today, source=source, bounds=bounds,
                                 units=units if source == "village_cash" else None)
    if source == "proof":
        registered = set(enrolled["id_number"]) if enrolled is not None else set()
        return validate_proofs(df, c, registered=registered, today=ctx.today)
    return reference.validate(df, source, ctx)


def _store(conn: Connection, source: str, v: Validated, imports: dict[str, int], ctx: IntakeContext) -> int:
    cid, now, run = ctx.campaign.id, ctx.now, ctx.flow_run_id
    if source == "school":
        count = store_registrations(conn, cid, v.accepted, imports, "school", now, run)
        return count + store_payments(conn, cid, v.payments, imports, "school", now, run)
    if source == "roster":
        return store_registrations(conn, cid, v.accepted, imports, "service_window", now, run)
    if source in PAYMENT_SOURCES:
        return store_payments(conn, cid, v.accepted, imports, source, now, run)
    if source == "proof":
        rows = v.accepted.assign(decided_at=[decided_at(d.date()) for d in v.accepted["decided_on"]],
                                 import_id=v.accepted["source_file"].map(imports))
        return record_proofs(conn, cid, rows, now, run)
    return reference.store(conn, source, v.accepted, imports, ctx)


def _enrolled(conn: Connection, source: str, df: pd.DataFrame, ctx: IntakeContext) -> pd.DataFrame | None:
    """The ledger's enrollments a batch is checked against: for registrations those of the people it names
    (IDs as validation normalises them), for proofs every one; None for other sources."""
    if source not in ("roster", "school", "proof") or not len(df):
        return None
    if source == "proof" or "id_number" not in df or not any_enrolled(conn, ctx.campaign.id):
        return enrolled_units(conn, ctx.campaign.id)
    return enrolled_units(conn, ctx.campaign.id, check_ids(df["id_number"], today=ctx.today)["id_number"])


def intake_batch(conn: Connection, source: str, files: Sequence[InboxFile], ctx: IntakeContext,
                 mappings: dict | None = None, seen: Collection[str] = (), again: Collection[str] = (),
                 ahead: FilesRead | None = None) -> BatchResult:
    """Take in a source's files not seen before (by hash); rejected rows are kept with reasons.

    `again`: hashes of files taken in before and taken in once more on request (read with the current config,
    stored again under their earlier import, whose rejections are replaced). `ahead`: files already read
    (canbao.intake.reading.read_ahead), taken from it rather than read again."""
    with bulk_allocation():
        return _intake_batch(conn, source, files, ctx, mappings, seen, again, ahead)


def _intake_batch(conn: Connection, source: str, files: Sequence[InboxFile], ctx: IntakeContext,
                  mappings: dict | None, seen: Collection[str], again: Collection[str],
                  ahead: FilesRead | None) -> BatchResult:
    fresh = [f for f in files if f.sha256 not in seen]
    read = _read(fresh, source, ctx, mappings, ahead)
    df, unreadable = read.rows, read.unreadable
    enrolled = _enrolled(conn, source, df, ctx)
    v = _validate(df, source, ctx, enrolled) if len(df) else Validated(pd.DataFrame(), pd.DataFrame())
    if len(unreadable):
        v = Validated(v.accepted, pd.concat([v.rejected, unreadable], ignore_index=True), v.skipped, v.payments)
    imports, superseded = {}, []
    counts = df.groupby("source_file").size() if len(df) else pd.Series(dtype="int64")
    for f in fresh:
        made = (retake_import if f.sha256 in again else start_import)(
            conn, ctx.campaign.id, source, f.name, f.sha256, int(counts.get(f.name, 0)), ctx.now, ctx.flow_run_id)
        imports[f.name] = made.import_id
        superseded.extend(made.supersedes)
    if len(v.accepted):
        _store(conn, source, v, imports, ctx)
    delete_superseded(conn, ctx.campaign.id, superseded, ctx.now, ctx.flow_run_id)
    record_rejections(conn, v.rejected, imports)
    ok = v.accepted.groupby("source_file").size() if len(v.accepted) else pd.Series(dtype="int64")
    bad = v.rejected.groupby("source_file").size() if len(v.rejected) else pd.Series(dtype="int64")
    for name, import_id in imports.items():
        conn.execute(update(Import).where(Import.id == import_id).values(
            rows_accepted=int(ok.get(name, 0)), rows_rejected=int(bad.get(name, 0))))
    return BatchResult(source, len(fresh), len(df), len(v.accepted), v.rejected, v.skipped, read.problems,
                       read.ignored_columns)

"""An agency's delivery: the files in `inbox/exemption/<agency>/`, read in its own layout and validated."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from canbao.exemptions.rank import resolve_people
from canbao.formats.dates import parse_dates
from canbao.formats.read import FormatError, read_table
from canbao.identity import check_ids, mask_ids_in
from canbao.intake.inbox import SUFFIXES, InboxFile, sha256_of
from canbao.intake.rejections import first_reason, rejected_frame
from canbao.intake.storable import STORED_TEXT, text_faults
from canbao.policy.model import Campaign
from canbao.reasons import label

__all__ = ["SOURCE", "Delivery", "FileNote", "FileProblem", "ListRows", "read_delivery", "scan_deliveries"]

SOURCE = "exemption"
COLUMNS = ["id_number", "name", "exemption", "town", "village", "included_on", "person_number"]


@dataclass(frozen=True)
class Delivery:
    """The files one agency has put in its inbox folder: together they are its complete current list."""

    agency: str
    files: tuple[InboxFile, ...]

    @property
    def content_sha256(self) -> str:
        """The delivery's identity: SHA-256 over its files' hashes (order-free)."""
        return hashlib.sha256("\n".join(sorted(f.sha256 for f in self.files)).encode()).hexdigest()


@dataclass(frozen=True)
class FileProblem:
    """A file of the delivery that could not be taken: why, the headers it has, those expected, the config fix."""

    file: str
    reason: str
    detail: str
    found: tuple[str, ...] = ()
    expected: dict[str, tuple[str, ...]] = field(default_factory=dict)
    hint: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileNote:
    """How a file that was read was laid out: sheet, header row, columns not used, footer rows skipped."""

    file: str
    sheet: str | None
    header_row: int
    ignored: tuple[str, ...]
    footers: int


@dataclass(frozen=True)
class ListRows:
    """A delivery's rows: one accepted row per person (best category), the rejected rows, counts, file notes;
    `undated`: file → accepted rows whose 纳入资助时间 could not be read (the person kept, the date not)."""

    accepted: pd.DataFrame
    rejected: pd.DataFrame
    rows: int
    duplicates: int
    problems: tuple[FileProblem, ...] = ()
    notes: tuple[FileNote, ...] = ()
    undated: dict[str, int] = field(default_factory=dict)


def scan_deliveries(inbox: Path, c: Campaign) -> tuple[list[Delivery], list[str]]:
    """Deliveries waiting in `inbox/exemption/<agency>/`, by agency code; and files that were left alone."""
    folder, confirming = Path(inbox) / SOURCE, {e.agency for e in c.exemptions}
    stray = sorted(set(c.exemption_handoff.columns if c.exemption_handoff else {}) - confirming)
    if stray:
        raise ValueError(f"{c.id}: exemption_handoff.columns names agencies that confirm no list: {', '.join(stray)}")
    if not folder.is_dir():
        return [], []
    found: dict[str, list[InboxFile]] = {}
    skipped: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                       and not p.name.startswith(("~$", "."))):
        parts = path.relative_to(folder).parts
        if len(parts) != 2 or parts[0] not in confirming:
            skipped.append("/".join(parts))
            continue
        found.setdefault(parts[0], []).append(InboxFile(SOURCE, path, sha256_of(path), parts[0]))
    return [Delivery(agency, tuple(files)) for agency, files in sorted(found.items())], skipped


def _unreadable(f: InboxFile, exc: FormatError) -> dict:
    return {"source": SOURCE, "source_file": f.name, "source_row": 0, "unit_code": pd.NA, "column": "",
            "reason": exc.reason, "reason_label": label(exc.reason), "value": mask_ids_in(exc.detail)[:200],
            "name": ""}


def read_delivery(d: Delivery, c: Campaign, today: date) -> ListRows:
    """Read every file of the delivery; check IDs, names and categories; keep one row per person."""
    columns = (c.exemption_handoff.columns if c.exemption_handoff else {}).get(d.agency)
    frames, unreadable, problems, notes = [], [], [], []
    for f in d.files:
        try:
            got = read_table(f.path, SOURCE, columns, campaign=c, agency=d.agency)
        except FormatError as exc:  # the reader turns every way a file fails to read into one
            unreadable.append(_unreadable(f, exc))
            problems.append(FileProblem(f.name, exc.reason, exc.detail, exc.found, exc.expected, exc.hint))
            continue
        frames.append(got.frame.assign(source_file=f.name))
        notes.append(FileNote(f.name, got.sheet, got.header_row, got.ignored, len(got.footer_rows)))
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*COLUMNS, "source_file",
                                                                                   "source_row"])
    ids = check_ids(df["id_number"], today=today)
    own = [e.code for e in c.exemptions if e.agency == d.agency]
    name = df["name"].astype("string").str.strip()
    known = df["exemption"].isin([e.code for e in c.exemptions])
    text = text_faults(df, STORED_TEXT[SOURCE])
    reason = first_reason(df.index, [("id", ids["reason"].notna()), *text.checks(),
                                     ("name_missing", name.isna() | (name == "")),
                                     ("identity_unknown", ~known),
                                     ("identity_other_agency", ~df["exemption"].isin(own))])
    reason = reason.where(reason != "id", ids["reason"])
    written = df["included_on"].fillna("").astype(str)
    included, bad_date = parse_dates(written)
    undated = bad_date.to_numpy(dtype=bool) & (written.str.strip() != "").to_numpy() & reason.isna().to_numpy()
    ok = pd.DataFrame({"id_number": ids["id_number"], "name": name, "sex": ids["sex"],
                       "birth_date": ids["birth_date"], "exemption": df["exemption"],
                       "town": df["town"].astype("string").str.strip(),
                       "village": df["village"].astype("string").str.strip(),
                       "included_on": included.dt.date.astype("object").where(included.notna(), None),
                       "person_number": df["person_number"].astype("string").str.strip(),
                       "source_file": df["source_file"], "source_row": df["source_row"].astype("int64")},
                      index=df.index)[reason.isna()]
    people = resolve_people(c, ok, ["source_file", "source_row"])
    rejected = rejected_frame(df, reason, SOURCE, text.column)
    rejected = _show_words(rejected, df, reason, {e.code: e.name for e in c.exemptions})
    if unreadable:
        rejected = pd.concat([rejected, pd.DataFrame(unreadable)], ignore_index=True)
    return ListRows(people, rejected, len(df), len(ok) - len(people), tuple(problems), tuple(notes),
                    {str(k): int(n) for k, n in df.loc[undated, "source_file"].value_counts().items()})


def _show_words(rejected: pd.DataFrame, df: pd.DataFrame, reason: pd.Series, names: dict[str, str]) -> pd.DataFrame:
    """For identity rejections the agency sees its identity word (not personal data) instead of the ID."""
    bad = reason[reason.notna()].astype(str)
    written = df.loc[bad.index, "exemption"].astype("string")
    word = written.map(lambda w: names.get(w, w), na_action="ignore").fillna("（空）").str.slice(0, 30).to_numpy()
    values = rejected["value"].to_numpy(dtype=object, copy=True)
    identity = bad.isin(["identity_unknown", "identity_other_agency"]).to_numpy()
    values[identity] = word[identity]
    return rejected.assign(value=values)

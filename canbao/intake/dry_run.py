"""A dry run of one received file: how it would be read and which rows would be refused — the ledger untouched."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from canbao.clock import SHANGHAI
from canbao.clock import today as clock_today
from canbao.exemptions.delivery import SOURCE as EXEMPTION
from canbao.exemptions.delivery import Delivery, read_delivery
from canbao.formats.dates import parse_dates
from canbao.formats.read import FormatError, read_table
from canbao.formats.sources import SOURCES, source_spec
from canbao.identity import mask_id, mask_name
from canbao.intake.batch import IntakeContext, _validate  # the one dispatch of row checks per source
from canbao.intake.inbox import InboxFile, sha256_of
from canbao.policy.model import Campaign
from canbao.reasons import label

__all__ = ["PREVIEW_ROWS", "check_file", "guess_source"]

PREVIEW_ROWS = 5


def _mask_number(number: str) -> str:
    return number[:2] + "*" * max(len(number) - 4, 0) + number[-2:] if len(number) > 4 else "*" * len(number)


_PERSONAL = {"id_number": mask_id, "name": mask_name, "person_number": _mask_number, "phone": _mask_number}


def guess_source(path: Path) -> tuple[str, str | None]:
    """(source, agency) from where the file lies: `<source>/<file>` or `exemption/<agency>/<file>`."""
    parent, grand = path.resolve().parent, path.resolve().parent.parent
    if grand.name == EXEMPTION:
        return EXEMPTION, parent.name
    if parent.name in SOURCES:
        return parent.name, None
    raise ValueError(f"cannot tell the source of {path.name} from its folder: give --source "
                     f"(one of {', '.join(SOURCES)})")


def _masked(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    out = []
    for row in frame[columns].head(PREVIEW_ROWS).to_dict("records"):
        out.append({k: (_PERSONAL[k](v) if k in _PERSONAL and isinstance(v, str) else
                        None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()})
    return out


def _dates_as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """纳入资助时间 as the intake stores it (YYYY-MM-DD), a cell it cannot read shown as such (it is not kept)."""
    if "included_on" not in frame.columns:
        return frame
    text = frame["included_on"].fillna("").astype(str)
    parsed, bad = parse_dates(text)
    shown = parsed.dt.strftime("%Y-%m-%d").astype("object").where(parsed.notna(), None)
    unreadable = bad.to_numpy(dtype=bool) & (text.str.strip() != "").to_numpy()
    return frame.assign(included_on=shown.where(~unreadable, "无法识别：" + text))


def _refused(exc: FormatError) -> dict[str, Any]:
    return {"ok": False, "reason": exc.reason, "reason_label": label(exc.reason), "detail": exc.detail,
            "headers_found": list(exc.found), "headers_expected": {k: list(v) for k, v in exc.expected.items()},
            "config_hint": list(exc.hint)}


def _rejected(rejected: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"row": int(r.source_row), "reason": r.reason, "reason_label": r.reason_label, "column": r.column,
             "value": r.value} for r in rejected.sort_values("source_row").itertuples()]


def check_file(path: Path, c: Campaign, source: str | None = None, agency: str | None = None,
               today: date | None = None) -> dict[str, Any]:
    """How `path` would be read as `source` (guessed from its folder when None): the JSON-ready report."""
    path = Path(path)
    if source is None:
        source, guessed = guess_source(path)
        agency = agency or guessed
    spec = source_spec(source)
    if spec.kind == EXEMPTION:
        agency = agency or path.resolve().parent.name
    head: dict[str, Any] = {"file": path.name, "campaign": c.id, "source": source, "source_title": spec.title,
                            **({"agency": agency} if agency else {})}
    day = today or clock_today()
    try:
        got = read_table(path, source, campaign=c, agency=agency)
    except FormatError as exc:
        return head | _refused(exc)
    shown = [col for col in spec.columns if col in got.frame.columns and got.frame[col].notna().any()]
    report = head | {
        "ok": True, "sheet": got.sheet, "header_row": got.header_row, "columns_mapped": got.mapped,
        "columns_ignored": list(got.ignored), "filled_without_column": got.defaults,
        "footer_rows_skipped": list(got.footer_rows), "rows": len(got.frame),
        "first_rows": _masked(_dates_as_read(got.frame).assign(row=got.frame["source_row"]), ["row", *shown]),
    }
    if spec.kind == EXEMPTION:
        f = InboxFile(EXEMPTION, path, sha256_of(path), agency)
        rows = read_delivery(Delivery(agency or "", (f,)), c, day)
        rejected, accepted = rows.rejected, len(rows.accepted) + rows.duplicates
    else:
        units = {u.code for u in c.units.items}
        now = datetime.combine(day, time(), SHANGHAI)
        checked = _validate(got.frame.assign(source_file=path.name), source, IntakeContext(c, day, now, units=units))
        rejected, accepted = checked.rejected, len(checked.accepted)
    out = report | {"rows_accepted": accepted, "rows_rejected": _rejected(rejected)}
    words = sorted(set(rejected.loc[rejected["reason"] == "identity_unknown", "value"])) if len(rejected) else []
    if words:  # how to name them in config: as aliases of the category they belong to
        out["identity_words_unknown"] = words
        out["config_hint"] = [f"exemptions: - code: <该身份对应的类别代码>  aliases: [{'、'.join(words)}]"]
    return out

"""The rejected-rows frame: one row per rejected source row, reason coded, personal data masked."""

from __future__ import annotations

import pandas as pd

from canbao.identity import mask_id, mask_name
from canbao.intake.storable import CONTROL_CHARS, TEXT_REASONS, storable_text
from canbao.ledger.schema import Rejection
from canbao.reasons import label

__all__ = ["REASON_COLUMN", "REJECTED_COLUMNS", "SHOWN_CHARS", "detail_parts", "first_reason", "ledger_detail",
           "rejected_frame"]

REJECTED_COLUMNS = ["source", "source_file", "source_row", "unit_code", "column", "reason", "reason_label",
                    "value", "name"]

# The file column each reason points at, so an error report can name file, row and column.
REASON_COLUMN = {
    "name_missing": "name", "unit_unknown": "unit_code", "date_invalid": "date", "amount_invalid": "amount",
    "category_unknown": "category", "tier_unknown": "tier", "duplicate_enrollment": "id_number",
    "deceased": "id_number", "payment_duplicate_row": "external_ref", "reference_missing": "external_ref",
    "date_implausible": "date", "paid_after_last_day": "date", "registration_after_window": "date",
    "amount_implausible": "amount", "transfer_unconfirmed": "unit_code", "number_invalid": "target",
    "identity_unknown": "exemption", "identity_other_agency": "exemption",
    "proof_decision_unknown": "decision", "proof_kind_unknown": "proof", "reviewer_missing": "reviewer",
    "proof_not_registered": "id_number", "proof_duplicate_row": "id_number",
}
# A rejected row shows this much of its masked ID and name: enough to find the row, never the whole cell.
SHOWN_CHARS = 40
_UNIT = Rejection.__table__.c.unit_code


_NAME_MARK = "；姓名："


def ledger_detail(reason_label: str, value: str, name: str) -> str:
    """The `rejections.detail` text: label, masked value and masked name, readable and parsed back as is."""
    return f"{reason_label}：{value}" + (f"{_NAME_MARK}{name}" if name else "")


def detail_parts(detail: str) -> tuple[str, str]:
    """The masked value and masked name kept in a `rejections.detail` text."""
    rest = detail.split("：", 1)[1] if "：" in detail else ""
    value, _, name = rest.partition(_NAME_MARK)
    return value, name


def first_reason(index: pd.Index, checks: list[tuple[str, pd.Series]]) -> pd.Series:
    """The first failing check's reason per row (NA where all pass); checks run in the given order."""
    reason = pd.Series(pd.NA, index=index, dtype="object")
    for code, failed in checks:
        take = reason.isna() & failed.fillna(False).astype(bool)
        reason[take] = code
    return reason


def _shown(masked: str) -> str:
    """A masked value as the error report shows it: no control characters, at most SHOWN_CHARS long."""
    return CONTROL_CHARS.sub("", masked)[:SHOWN_CHARS]


def rejected_frame(df: pd.DataFrame, reason: pd.Series, source: str,
                   text_columns: pd.Series | None = None) -> pd.DataFrame:
    """Rejected rows in the error-report shape; IDs and names masked.

    `text_columns` (see `storable.TextFaults.column`) names the column of rows rejected for their text."""
    bad = df.loc[reason.notna()]
    r = reason.loc[bad.index].astype(str)
    column = r.map(lambda c: "id_number" if c.startswith("id_") else REASON_COLUMN.get(c, ""))
    if text_columns is not None:
        column = column.where(~r.isin(TEXT_REASONS), text_columns.loc[bad.index])
    raw_id = bad["id_number"] if "id_number" in bad else pd.Series("", index=bad.index)
    value = [_shown(mask_id(str(v))) if isinstance(v, str) else "" for v in raw_id]
    names = bad["name"] if "name" in bad else pd.Series("", index=bad.index)
    return pd.DataFrame({
        "source": source,
        "source_file": bad["source_file"].astype(str),
        "source_row": bad["source_row"].astype("int64"),
        "unit_code": [storable_text(u, _UNIT) for u in bad["unit_code"]] if "unit_code" in bad else pd.NA,
        "column": column.values,
        "reason": r.values,
        "reason_label": r.map(label).values,
        "value": value,
        "name": [_shown(mask_name(n)) if isinstance(n, str) else "" for n in names],
    }, index=bad.index).reset_index(drop=True)

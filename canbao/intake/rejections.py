"""The rejected-rows frame: one row per rejected source row, reason coded, personal data masked."""

from __future__ import annotations

import pandas as pd

from canbao.identity import mask_id, mask_name
from canbao.reasons import label

__all__ = ["REASON_COLUMN", "REJECTED_COLUMNS", "detail_parts", "first_reason", "ledger_detail", "rejected_frame"]

REJECTED_COLUMNS = ["source", "source_file", "source_row", "unit_code", "column", "reason", "reason_label",
                    "value", "name"]

# The file column each reason points at, so an error report can name file, row and column.
REASON_COLUMN = {
    "name_missing": "name", "unit_unknown": "unit_code", "date_invalid": "date", "amount_invalid": "amount",
    "category_unknown": "category", "tier_unknown": "tier", "duplicate_enrollment": "id_number",
    "deceased": "id_number", "payment_duplicate_row": "external_ref", "reference_missing": "external_ref",
    "date_implausible": "date", "paid_after_last_day": "date", "registration_after_window": "date",
    "amount_implausible": "amount", "transfer_unconfirmed": "unit_code",
    "identity_unknown": "exemption", "identity_other_agency": "exemption",
    "proof_decision_unknown": "decision", "proof_kind_unknown": "proof", "reviewer_missing": "reviewer",
    "proof_not_registered": "id_number", "proof_duplicate_row": "id_number",
}


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


def rejected_frame(df: pd.DataFrame, reason: pd.Series, source: str) -> pd.DataFrame:
    """Rejected rows in the error-report shape; IDs and names masked."""
    bad = df.loc[reason.notna()]
    r = reason.loc[bad.index].astype(str)
    column = r.map(lambda c: "id_number" if c.startswith("id_") else REASON_COLUMN.get(c, ""))
    raw_id = bad["id_number"] if "id_number" in bad else pd.Series("", index=bad.index)
    value = [mask_id(str(v)) if isinstance(v, str) else "" for v in raw_id]
    names = bad["name"] if "name" in bad else pd.Series("", index=bad.index)
    return pd.DataFrame({
        "source": source,
        "source_file": bad["source_file"].astype(str),
        "source_row": bad["source_row"].astype("int64"),
        "unit_code": bad["unit_code"] if "unit_code" in bad else pd.Series(pd.NA, index=bad.index),
        "column": column.values,
        "reason": r.values,
        "reason_label": r.map(label).values,
        "value": value,
        "name": [mask_name(n) if isinstance(n, str) else "" for n in names],
    }, index=bad.index).reset_index(drop=True)

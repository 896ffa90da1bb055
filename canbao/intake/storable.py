"""Values checked against the ledger column they are written to, so SQLite and PostgreSQL take the same rows.

PostgreSQL refuses a NUL character and text longer than a `String(n)` column; SQLite stores both. Each
limit is read from the column's SQLAlchemy type, so the models stay the one place that states it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import BigInteger, ColumnElement, Integer, SmallInteger

from canbao.ledger.schema import CashDeposit, Enrollment, Payment, PriorInsured, Resident, Unit
from canbao.ledger.schema_exemptions import ExemptionEntry

__all__ = ["CONTROL_CHARS", "STORED_TEXT", "TEXT_REASONS", "TextFaults", "column_length", "integer_faults",
           "storable_text", "text_faults"]

# C0 and C1 control characters and DEL (NUL among them), and lone surrogates (no UTF-8 form). The
# readers already trim whitespace controls (tab, CR, LF) at a value's edges; inside a value they are refused.
CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
TEXT_REASONS = ("text_control_chars", "text_too_long")
Column = ColumnElement[Any]  # a ledger table's column, as `Model.__table__.c.name` gives it

# Per kind of validated frame: frame column → the ledger column its text is stored in, in checking order.
# IDs are left out (`check_ids` normalises them), and so are categories, tiers and levels (known sets).
STORED_TEXT: dict[str, dict[str, Column]] = {
    "registration": dict(unit_code=Enrollment.__table__.c.unit_code, name=Resident.__table__.c.name,
                             phone=Resident.__table__.c.phone),
    "payment": dict(external_ref=Payment.__table__.c.external_ref, unit_code=Payment.__table__.c.unit_code),
    "targets": dict(unit_code=Unit.__table__.c.code, unit_name=Unit.__table__.c.name,
                        parent_code=Unit.__table__.c.parent_code),
    "cash_deposit": dict(external_ref=CashDeposit.__table__.c.external_ref,
                             unit_code=CashDeposit.__table__.c.unit_code),
    "last_year_roster": dict(name=Resident.__table__.c.name, unit_code=PriorInsured.__table__.c.unit_code,
                                 category=PriorInsured.__table__.c.category),
    "deceased": dict(name=Resident.__table__.c.name),
    "exemption": dict(name=Resident.__table__.c.name, town=ExemptionEntry.__table__.c.town,
                          village=ExemptionEntry.__table__.c.village),
}
# Integer column types and the largest value each holds on PostgreSQL (the stricter of the two).
_INTEGER_MAX = ((BigInteger, 2**63 - 1), (SmallInteger, 2**15 - 1), (Integer, 2**31 - 1))


def column_length(column: Column) -> int | None:
    """The column's length limit in characters (None when unbounded)."""
    length = getattr(column.type, "length", None)
    return int(length) if length else None


@dataclass(frozen=True)
class TextFaults:
    """Per row: the first text fault found (a reason of TEXT_REASONS, or NA) and the frame column it is in."""

    reason: pd.Series
    column: pd.Series

    def checks(self) -> list[tuple[str, pd.Series]]:
        """The faults as `first_reason` checks, control characters before lengths."""
        return [(code, (self.reason == code).fillna(False).astype(bool)) for code in TEXT_REASONS]


def _control_chars(text: pd.Series) -> pd.Series:
    """Per value: whether it holds a control character (NA stays NA). One search over all the text first:
    the pattern is one character, so it matches the joined values exactly when it matches one of them."""
    if not CONTROL_CHARS.search("".join(text.dropna().tolist())):
        return pd.Series(False, index=text.index, dtype="boolean").mask(text.isna())
    return text.str.contains(CONTROL_CHARS, regex=True)


def text_faults(df: pd.DataFrame, columns: Mapping[str, Column]) -> TextFaults:
    """Check each frame column (trimmed, as it will be stored) against the ledger column it goes to.

    `columns` maps frame column → ledger column, in the order faults are looked for; frame columns
    that are absent or empty are skipped (whether a value is required is another check's business).
    """
    reason = pd.Series(pd.NA, index=df.index, dtype="object")
    at = pd.Series(pd.NA, index=df.index, dtype="object")
    for name, column in columns.items():
        if name not in df:
            continue
        text = df[name].astype("string").str.strip()
        limit = column_length(column)
        for code, failed in (("text_control_chars", _control_chars(text)),
                             ("text_too_long", text.str.len() > limit if limit else None)):
            if failed is None:
                continue
            take = reason.isna() & failed.fillna(False).astype(bool)
            reason[take], at[take] = code, name
    return TextFaults(reason, at)


def integer_faults(values: pd.Series, column: Column) -> pd.Series:
    """Rows whose text is not empty and not a whole number the integer column holds (sign included)."""
    text = values.astype("string").str.strip()
    digits = text.str.extract(r"^([+-]?[0-9]{1,19})(?:\.0*)?$")[0]  # "10.0" from a CSV is ten
    limit = next(top for kind, top in _INTEGER_MAX if isinstance(column.type, kind))
    fits = pd.Series(False, index=values.index)
    whole = digits.notna().to_numpy(dtype=bool)
    fits[whole] = [abs(int(v)) <= limit for v in digits[whole]]
    return (text.notna() & (text != "") & ~fits).fillna(False).astype(bool)


def storable_text(value: object, column: Column) -> str | None:
    """The text with control characters removed and cut to the column's length (for the ledger's own
    records of refused input, which must be stored whatever the input held); None stays None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = CONTROL_CHARS.sub("", str(value))
    limit = column_length(column)
    return text[:limit] if limit else text

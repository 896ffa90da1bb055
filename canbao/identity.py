"""Chinese resident ID numbers (GB 11643-1999): cleaning, validation and masking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

__all__ = [
    "IdCheck",
    "age_on",
    "check_char",
    "check_id",
    "check_ids",
    "make_id",
    "mask_id",
    "mask_ids_in",
    "mask_name",
    "mask_phone",
    "normalize_id",
]

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK_CHARS = "10X98765432"
_PROVINCES = frozenset(
    {*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66)}
    | {71, 81, 82, 91}
)
_MIN_BIRTH = date(1900, 1, 1)
# Invisible characters spreadsheets carry around IDs: ASCII and Unicode spaces, NBSP, the ideographic
# space U+3000, zero-width space, BOM and NUL. All are deleted wherever they appear.
_JUNK = np.array([0, *range(0x09, 0x0E), 0x20, 0xA0, *range(0x2000, 0x200C), 0x202F, 0x205F, 0x3000, 0xFEFF])
# Full-width forms U+FF01..U+FF5E are ASCII shifted by 0xFEE0 (the same mapping NFKC applies).
_TRANSLATION: dict[int, str | None] = {
    **{c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
    **dict.fromkeys(_JUNK.tolist()),
    ord("x"): "X",
    0xFF58: "X",
}
# Excel shows at most 15 significant digits and Python floats at most 17, so the pattern is bounded.
_EXCEL_SCI_RE = re.compile(r"\d(?:\.\d{1,16})?[Ee][+-]?\d{1,3}")
_FORMAT_RE = re.compile(r"\d{17}[\dX]")
# check_ids builds a code-point matrix as wide as the widest cell; longer cells go through check_id.
_MAX_WIDTH = 40


def normalize_id(raw: object) -> str | None:
    """The ID as a clean ASCII string, or None when the cell is empty."""
    if raw is None or (not isinstance(raw, str) and pd.api.types.is_scalar(raw) and pd.isna(raw)):
        return None
    text = str(raw).translate(_TRANSLATION).removeprefix("'").removesuffix(".0")
    return text or None


def check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits of an ID."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    return _CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _WEIGHTS.tolist(), strict=True)) % 11]


@dataclass(frozen=True)
class IdCheck:
    """The outcome of validating one ID number.

    `birth_date` and `sex` are only set for valid IDs and for `id_checksum` failures, where the
    rest of the number is well formed and the fields are still useful for reports.
    """

    valid: bool
    reason: str | None
    birth_date: date | None
    sex: str | None

    def to_json(self) -> dict[str, object]:
        """The check as a JSON-ready dict."""
        return {
            "valid": self.valid,
            "reason": self.reason,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
        }


def _today_shanghai() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _invalid(reason: str) -> IdCheck:
    return IdCheck(valid=False, reason=reason, birth_date=None, sex=None)


def check_id(raw: object, *, today: date | None = None) -> IdCheck:
    """Validate one raw ID cell; `today` defaults to the current date in Asia/Shanghai."""
    text = normalize_id(raw)
    if text is None:
        return _invalid("id_missing")
    if _EXCEL_SCI_RE.fullmatch(text):
        return _invalid("id_excel_mangled")
    if len(text) != 18:
        return _invalid("id_length")
    if not _FORMAT_RE.fullmatch(text):
        return _invalid("id_format")
    # A province check also rejects the all-zero area code 000000.
    if int(text[:2]) not in _PROVINCES:
        return _invalid("id_area")
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return _invalid("id_birth_date")
    if not _MIN_BIRTH <= birth <= (today or _today_shanghai()):
        return _invalid("id_birth_date")
    if text[14:17] == "000":
        return _invalid("id_sequence")
    sex = "M" if int(text[16]) % 2 else "F"
    if check_char(text[:17]) != text[17]:
        return IdCheck(valid=False, reason="id_checksum", birth_date=birth, sex=sex)
    return IdCheck(valid=True, reason=None, birth_date=birth, sex=sex)


def _clean_matrix(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`normalize_id` on a code-point matrix (one row per cell): the cleaned matrix and row lengths."""
    cp = np.where((cp >= 0xFF01) & (cp <= 0xFF5E), cp - 0xFEE0, cp)
    cp[cp == ord("x")] = ord("X")
    cp[np.isin(cp, _JUNK)] = 0
    # Rows where a deleted character sits before a kept one: slide kept characters left, in order.
    gaps = np.flatnonzero(((cp[:, :-1] == 0) & (cp[:, 1:] != 0)).any(axis=1))
    if gaps.size:
        order = np.argsort(cp[gaps] == 0, axis=1, kind="stable")
        cp[gaps] = np.take_along_axis(cp[gaps], order, axis=1)
    quoted = cp[:, 0] == ord("'")
    cp[quoted, :-1] = cp[quoted, 1:]
    cp[quoted, -1] = 0
    length = (cp != 0).sum(axis=1)
    rows = np.arange(len(cp))
    last, before = cp[rows, np.maximum(length - 1, 0)], cp[rows, np.maximum(length - 2, 0)]
    point_zero = np.flatnonzero((length >= 2) & (before == ord(".")) & (last == ord("0")))
    cp[point_zero, length[point_zero] - 1] = 0
    cp[point_zero, length[point_zero] - 2] = 0
    length[point_zero] -= 2
    return cp, length


def check_ids(series: pd.Series, *, today: date) -> pd.DataFrame:
    """Vectorised `check_id` over a column: `id_number`, `reason`, `birth_date` and `sex` per row."""
    values = series.to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = ""
    texts = list(map(str, values))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    wide = np.flatnonzero(lengths > _MAX_WIDTH)
    for i in wide:
        texts[i] = ""
    width = max(18, int(lengths.max(initial=0, where=lengths <= _MAX_WIDTH)))
    cp, length = _clean_matrix(np.array(texts, dtype=f"<U{width}").view(np.uint32).reshape(-1, width))
    ids = cp.view(f"<U{width}").ravel()

    n = len(ids)
    missing = length == 0
    bad_length = length != 18
    # Cheap prefilter so the regex only runs on the rare cells holding an E.
    sci_rows = np.flatnonzero(((cp == ord("E")) | (cp == ord("e"))).any(axis=1))
    mangled = np.zeros(n, dtype=bool)
    mangled[sci_rows] = [_EXCEL_SCI_RE.fullmatch(ids[i]) is not None for i in sci_rows]
    is_digit = (cp[:, :18] >= ord("0")) & (cp[:, :18] <= ord("9"))
    bad_format = ~(is_digit[:, :17].all(axis=1) & (is_digit[:, 17] | (cp[:, 17] == ord("X"))) & ~bad_length)

    bad_area, bad_birth, bad_sequence, bad_checksum, male = (np.zeros(n, dtype=bool) for _ in range(5))
    births = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    rows = np.flatnonzero(~bad_format)
    if rows.size:
        digits = cp[rows, :17].astype(np.int64) - ord("0")
        bad_area[rows] = ~np.isin(digits[:, 0] * 10 + digits[:, 1], sorted(_PROVINCES))
        yyyymmdd = np.ascontiguousarray(cp[rows, 6:14]).view("<U8").ravel()
        parsed = pd.to_datetime(yyyymmdd, format="%Y%m%d", errors="coerce")
        in_range = (parsed >= pd.Timestamp(_MIN_BIRTH)) & (parsed <= pd.Timestamp(today))
        bad_birth[rows] = ~np.asarray(in_range, dtype=bool)
        births[rows] = parsed.to_numpy(dtype="datetime64[us]")
        bad_sequence[rows] = (digits[:, 14:17] == 0).all(axis=1)
        expected = np.array([ord(c) for c in _CHECK_CHARS])[(digits @ _WEIGHTS) % 11]
        bad_checksum[rows] = expected != cp[rows, 17]
        male[rows] = digits[:, 16] % 2 == 1

    conditions = [missing, mangled, bad_length, bad_format, bad_area, bad_birth, bad_sequence, bad_checksum]
    names = ["id_missing", "id_excel_mangled", "id_length", "id_format"]
    names += ["id_area", "id_birth_date", "id_sequence", "id_checksum"]
    codes = np.select(conditions, names, default="")
    derived = (codes == "") | (codes == "id_checksum")
    reason = np.where(codes == "", None, codes)
    sex = np.where(derived, np.where(male, "M", "F"), None)
    births[~derived] = np.datetime64("NaT")
    ids = ids.astype(object)
    ids[missing] = None
    for i in wide:
        result = check_id(values[i], today=today)
        ids[i], reason[i], sex[i] = normalize_id(values[i]), result.reason, result.sex
        births[i] = np.datetime64(result.birth_date or "NaT", "us")
    return pd.DataFrame(
        {
            "id_number": pd.array(ids, dtype="string"),
            "reason": pd.array(reason, dtype="string"),
            "birth_date": births,
            "sex": pd.array(sex, dtype="string"),
        },
        index=series.index,
    )


def make_id(area: str, birth: date, sequence: int) -> str:
    """A well-formed 18-character ID with the correct check character."""
    if len(area) != 6 or not area.isascii() or not area.isdigit():
        raise ValueError(f"area must be 6 digits, got {area!r}")
    if not 1 <= sequence <= 999:
        raise ValueError(f"sequence must be in 1..999, got {sequence}")
    first17 = f"{area}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    return first17 + check_char(first17)


def _mask_middle(text: str, head: int, tail: int) -> str:
    # Too short to keep both ends without revealing everything: hide it all.
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


def mask_id(id_number: str | None) -> str:
    """The ID with its birth date and sequence hidden, e.g. `510723********1234`."""
    if not id_number:
        return ""
    return _mask_middle(id_number, 6, 4) if len(id_number) == 18 else _mask_middle(id_number, 3, 2)


# Any run that could be an ID (15 or 17 digits and a check character), even glued to letters or digits.
_ID_RUN_RE = re.compile(r"\d{17}[\dXx]|\d{15}")


def mask_ids_in(text: str) -> str:
    """Free text (a file name, a message) with every ID-like run of digits masked."""
    return _ID_RUN_RE.sub(lambda m: mask_id(m.group().upper()), text)


def mask_name(name: str | None) -> str:
    """The name as posted publicly: `张*`, `李*明`, `欧**娜`."""
    name = (name or "").strip()
    if len(name) < 2:
        return name
    return name[0] + "*" if len(name) == 2 else _mask_middle(name, 1, 1)


def mask_phone(phone: str | None) -> str:
    """The phone number with its middle hidden, e.g. `138****5678`."""
    phone = (phone or "").strip()
    if len(phone) == 11 and phone.isascii() and phone.isdigit():
        return _mask_middle(phone, 3, 4)
    return _mask_middle(phone, 3, 2)


def age_on(birth: date, on: date) -> int:
    """Full years of age on a given day (a 29 February birthday falls on 1 March in common years)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))

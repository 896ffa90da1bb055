"""ID numbers in bulk: well-formed ones, and the broken forms real files carry."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "bad_birth_date", "bad_checksum", "check_chars", "excel_mangled", "make_ids", "other_areas",
    "wide_or_spaced",
]

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = np.array(list("10X98765432"))
# Neighbouring county codes migrants come from, by province (first two digits of the area code).
_NEIGHBOURS = {
    "51": ["511702", "511703", "511722", "511724", "511725", "511781", "510722", "511322"],
    "32": ["320682", "320684", "320412", "320411", "320612", "320623", "320481", "321282"],
    "50": ["500101", "500104", "500105", "500106", "500107", "500108", "500112", "500235"],
}
_IMPOSSIBLE = ["0230", "0231", "0431", "0631", "0931", "1131", "1301", "0015"]


def other_areas(area: str) -> list[str]:
    """Area codes of the same province other than `area` (for migrants)."""
    pool = _NEIGHBOURS.get(area[:2]) or [f"{area[:4]}{k:02d}" for k in (2, 3, 21, 22, 23, 81)]
    return [a for a in pool if a != area]


def check_chars(first17: np.ndarray) -> np.ndarray:
    """The MOD 11-2 check character of each 17-digit string."""
    digits = np.frombuffer("".join(first17).encode("ascii"), dtype=np.uint8).reshape(-1, 17) - ord("0")
    return _CHECK[(digits.astype(np.int64) @ _WEIGHTS) % 11]


def make_ids(area: np.ndarray, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Distinct valid IDs: sequence numbers unique per (area, birth date, sex), odd for men."""
    days = birth.astype("datetime64[D]")
    frame = pd.DataFrame({"area": area, "day": days.astype(np.int64), "male": male})
    k = frame.groupby(["area", "day", "male"], sort=False).cumcount().to_numpy()
    if k.max(initial=0) >= 499:
        raise ValueError("more than 499 people share an area, birth date and sex")
    offset = (frame["day"].to_numpy() * 131 + frame["area"].astype("int64").to_numpy() * 7) % 499
    index = (k * 37 + offset) % 499 + 1
    sequence = np.where(male, 2 * index - 1, 2 * index)
    ymd = pd.Series(days).dt.strftime("%Y%m%d").to_numpy(dtype=str)
    first17 = np.char.add(np.char.add(area.astype(str), ymd), np.char.zfill(sequence.astype(str), 3))
    return np.char.add(first17, check_chars(first17))


def bad_checksum(ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The IDs with a wrong check character."""
    chars = "0123456789X"
    shifted = [chars[(chars.index(x[17]) + rng.integers(1, 11)) % 11] for x in ids]
    return np.array([x[:17] + ch for x, ch in zip(ids, shifted, strict=True)], dtype=object)


def bad_birth_date(ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The IDs with an impossible birth date (e.g. 30 February) but a check character right for it."""
    first17 = np.array([x[:10] + _IMPOSSIBLE[rng.integers(len(_IMPOSSIBLE))] + x[14:17] for x in ids])
    return np.char.add(first17, check_chars(first17)).astype(object) if len(ids) else ids


def excel_mangled(ids: np.ndarray) -> np.ndarray:
    """The text Excel shows for an all-digit 18-digit ID stored as a number, e.g. '5.11723E+17'."""
    return np.array([f"{int(x):.5E}" for x in ids], dtype=object)


def wide_or_spaced(ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The IDs typed with full-width digits or with a space inside (repairable)."""
    out = []
    for x in ids:
        kind = rng.integers(3)
        if kind == 0:
            out.append("".join(chr(ord(ch) + 0xFEE0) for ch in x))
        else:
            cut = 6 if kind == 1 else 14
            out.append(x[:cut] + ("\u3000" if rng.random() < 0.3 else " ") + x[cut:])
    return np.array(out, dtype=object)

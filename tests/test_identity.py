from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from canbao.identity import (
    IdCheck,
    age_on,
    check_char,
    check_id,
    check_ids,
    make_id,
    mask_id,
    mask_name,
    mask_phone,
    normalize_id,
)

TODAY = date(2025, 6, 1)
# Public sample: Beijing Chaoyang, born 1949-12-31, sequence 002 (female); checksum worked by hand:
# sum(digit * weight) = 167, 167 % 11 = 2 -> "X".
SAMPLE = "11010519491231002X"
VALID_M = make_id("510723", date(1990, 1, 1), 123)
VALID_F = make_id("500101", date(2010, 2, 28), 24)


def with_check(first17: str) -> str:
    return first17 + check_char(first17)


def test_check_char_matches_hand_computation() -> None:
    assert check_char("11010519491231002") == "X"
    # 440524188001010014: sum = 195, 195 % 11 = 8 -> "4".
    assert check_char("44052418800101001") == "4"
    with pytest.raises(ValueError):
        check_char("1234")


def test_public_sample_is_valid_female() -> None:
    assert check_id(SAMPLE, today=TODAY) == IdCheck(True, None, date(1949, 12, 31), "F")


def test_checksum_valid_but_born_before_1900() -> None:
    assert check_id("440524188001010014", today=TODAY).reason == "id_birth_date"


def test_make_id_round_trips() -> None:
    assert len(VALID_M) == 18
    assert check_id(VALID_M, today=TODAY) == IdCheck(True, None, date(1990, 1, 1), "M")
    assert check_id(VALID_F, today=TODAY) == IdCheck(True, None, date(2010, 2, 28), "F")
    with pytest.raises(ValueError):
        make_id("51072", date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id("510723", date(1990, 1, 1), 0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 1101 0519491231002X\t", SAMPLE),
        ("\u300011010519491231002X\u00a0", SAMPLE),
        ("１１０１０５１９４９１２３１００２Ｘ", SAMPLE),
        ("１１０１０５１９４９１２３１００２ｘ", SAMPLE),
        ("11010519491231002x", SAMPLE),
        ("'11010519491231002X", SAMPLE),
        ("110105194912310021.0", "110105194912310021"),
        (110105194912310021, "110105194912310021"),
        ("5.10723E+17", "5.10723E+17"),
        (None, None),
        (float("nan"), None),
        (pd.NA, None),
        ("  ", None),
    ],
)
def test_normalize_id(raw: object, expected: str | None) -> None:
    assert normalize_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "id_missing"),
        ("", "id_missing"),
        ("5.10723E+17", "id_excel_mangled"),
        ("5.10723e17", "id_excel_mangled"),
        (5.10723e17, "id_excel_mangled"),
        ("110105491231002", "id_length"),  # 15-digit pre-1999 ID
        ("11010519491231002XX", "id_length"),
        ("11010519491231002Y", "id_format"),
        ("1101051949123100X2", "id_format"),
        (with_check("99010519491231002"), "id_area"),
        (with_check("00000019491231002"), "id_area"),
        (with_check("51072319900230123"), "id_birth_date"),  # 30 February
        (with_check("51072320250602123"), "id_birth_date"),  # the day after TODAY
        (with_check("51072319900101000"), "id_sequence"),
        ("110105194912310021", "id_checksum"),
    ],
)
def test_check_id_reasons(raw: object, reason: str) -> None:
    result = check_id(raw, today=TODAY)
    assert (result.valid, result.reason) == (False, reason)
    if reason != "id_checksum":
        assert (result.birth_date, result.sex) == (None, None)


def test_checksum_failure_keeps_birth_date_and_sex() -> None:
    result = check_id("110105194912310021", today=TODAY)
    assert (result.birth_date, result.sex) == (date(1949, 12, 31), "F")
    assert result.to_json() == {
        "valid": False,
        "reason": "id_checksum",
        "birth_date": "1949-12-31",
        "sex": "F",
    }


def test_birth_today_is_valid_and_today_defaults() -> None:
    assert check_id(with_check("51072320250601123"), today=TODAY).valid
    assert check_id(SAMPLE).valid


CASES: list[object] = [
    SAMPLE,
    VALID_M,
    VALID_F,
    "440524188001010014",
    " 1101 0519491231002X ",
    "\u300011010519491231002X\u00a0",
    "１１０１０５１９４９１２３１００２Ｘ",
    "11010519491231002x",
    "'11010519491231002X",
    "11010519491231002X.0",
    "\u200b11010519491231002X\ufeff",
    "''11010519491231002X",
    "11010519491231002X.0.0",
    SAMPLE + " " * 60,
    "x" * 80,
    "5.10723E+17",
    "5.10723e17",
    5.10723e17,
    np.float64(5.10723e17),
    110105194912310021,
    None,
    float("nan"),
    pd.NA,
    "",
    " ",
    "'",
    ".0",
    "110105491231002",
    "11010519491231002Y",
    "ab0105194912310021",
    with_check("99010519491231002"),
    with_check("00000019491231002"),
    with_check("51072319900230123"),
    with_check("51072320250602123"),
    with_check("51072320250601123"),
    with_check("51072300000101123"),
    with_check("51072319900101000"),
    "110105194912310021",
    "1101\u300005194912310\u00a0021",
]


def test_check_ids_agrees_with_check_id() -> None:
    index = pd.RangeIndex(100, 100 + len(CASES))
    frame = check_ids(pd.Series(CASES, dtype=object, index=index), today=TODAY)
    assert list(frame.columns) == ["id_number", "reason", "birth_date", "sex"]
    assert frame.index.equals(index)
    assert frame["birth_date"].dtype.kind == "M"
    for raw, row in zip(CASES, frame.itertuples(), strict=True):
        result = check_id(raw, today=TODAY)
        got = (
            None if pd.isna(row.id_number) else row.id_number,
            None if pd.isna(row.reason) else row.reason,
            None if pd.isna(row.birth_date) else row.birth_date.date(),
            None if pd.isna(row.sex) else row.sex,
        )
        assert got == (normalize_id(raw), result.reason, result.birth_date, result.sex), raw


def test_check_ids_string_column_and_empty() -> None:
    frame = check_ids(pd.Series([SAMPLE, None], dtype="string"), today=TODAY)
    assert frame["reason"].isna().tolist() == [True, False]
    assert frame["sex"].iloc[0] == "F"
    assert check_ids(pd.Series([], dtype=object), today=TODAY).empty


def test_masks() -> None:
    assert mask_id("510723199001011234") == "510723********1234"
    assert mask_id("110105491231002") == "110**********02"
    assert mask_id("1234") == "****"
    assert mask_id("") == mask_id(None) == ""
    assert mask_name("张三") == "张*"
    assert mask_name("李小明") == "李*明"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("王") == "王"
    assert mask_name("") == ""
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0838-5551234") == "083*******34"
    assert mask_phone("") == ""


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1990, 6, 15), date(2020, 6, 14), 29),
        (date(1990, 6, 15), date(2020, 6, 15), 30),
        (date(2000, 2, 29), date(2021, 2, 28), 20),
        (date(2000, 2, 29), date(2021, 3, 1), 21),
        (date(2020, 1, 1), date(2020, 1, 1), 0),
    ],
)
def test_age_on(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age

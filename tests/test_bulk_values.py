"""The intake's fast paths give what their per-value paths give: frame columns as plain values, SQLite dates as
the dialect's text, control characters and repeated keys found as a per-value look finds them, amounts parsed
once per distinct text as each would be alone."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from canbao.formats.amounts import parse_amount_fen
from canbao.intake.storable import CONTROL_CHARS, text_faults
from canbao.ledger.bulk import _bound, _refuse_duplicate_keys
from canbao.ledger.rows import to_columns
from canbao.ledger.schema import Enrollment, Resident

texts = st.one_of(st.none(), st.text(alphabet=st.sampled_from(["a", "人", " ", "\x00", "\x1f", "\x85", "\ud800"]),
                                     max_size=4))


@given(st.lists(texts, max_size=8))
def test_control_characters_found_per_value(values: list[str | None]):
    df = pd.DataFrame({"name": pd.Series(values, dtype="string")})
    got = text_faults(df, {"name": Resident.__table__.c.name}).reason
    # Oracle: each value on its own, as stored (trimmed).
    expected = ["text_control_chars" if v is not None and CONTROL_CHARS.search(v.strip()) else None for v in values]
    assert [None if pd.isna(r) else r for r in got] == expected


@given(st.lists(st.one_of(st.none(), st.text(max_size=3)), max_size=6),
       st.lists(st.one_of(st.none(), st.integers(-5, 5)), min_size=6, max_size=6))
def test_frame_columns_become_the_values_the_per_value_path_gives(names: list[str | None], tiers: list[int | None]):
    t = Enrollment.__table__
    n = len(names)
    frame = pd.DataFrame({"unit_code": pd.Series(names, dtype="string"),
                          "tier": pd.Series(tiers[:n], dtype="Int64"),
                          "channel": pd.Series([x if x is not None else "school" for x in names], dtype=object)})
    columns, values = to_columns(frame, t)
    # Oracle: SQL NULL for a missing value, the plain str or int otherwise.
    expected = {"unit_code": names, "tier": tiers[:n], "channel": [x if x is not None else "school" for x in names]}
    for name, got in zip(columns, values):
        assert got == expected[name]
        assert [type(v) for v in got] == [type(v) for v in expected[name]]


@given(st.lists(st.one_of(st.none(), st.dates(min_value=date(1, 1, 1))), max_size=6))
def test_sqlite_dates_bound_as_the_dialect_writes_them(days: list[date | None]):
    dialect = sqlite.dialect()
    t = Resident.__table__
    process = t.c.birth_date.type.dialect_impl(dialect).bind_processor(dialect)
    assert _bound(dialect, t, ["birth_date"], [list(days)]) == [[None if d is None else process(d) for d in days]]


@given(st.lists(st.tuples(st.sampled_from(["c", "d"]), st.sampled_from(["1", "2", "3"])), max_size=5))
def test_repeated_keys_refused_exactly_when_two_rows_share_one(rows: list[tuple[str, str]]):
    t = Enrollment.__table__
    values = [[c for c, _ in rows], [i for _, i in rows]]
    repeated = len(set(rows)) != len(rows)  # oracle: the key pairs themselves
    try:
        _refuse_duplicate_keys(t, ["campaign_id", "id_number"], values, ["campaign_id", "id_number"])
        refused = False
    except ValueError:
        refused = True
    assert refused == repeated


AMOUNT_TEXTS = ["250", "250.00", "250.5", "２５０", "¥250", "250元", "1,250.00", "", "abc", "-5", "250.001", "1,2,3"]


@given(st.lists(st.one_of(st.none(), st.sampled_from(AMOUNT_TEXTS)), max_size=10))
def test_amounts_parsed_once_per_distinct_text_as_each_alone(texts: list[str | None]):
    series = pd.Series(texts, dtype=object, index=[i * 2 for i in range(len(texts))])
    fen, bad = parse_amount_fen(series)
    # Oracle: each text parsed in a column of its own (nothing to share with other cells).
    alone = [parse_amount_fen(pd.Series([t], dtype=object)) for t in texts]
    assert [None if pd.isna(v) else int(v) for v in fen] == [None if pd.isna(f.iloc[0]) else int(f.iloc[0])
                                                             for f, _ in alone]
    assert bad.tolist() == [bool(b.iloc[0]) for _, b in alone]
    assert list(fen.index) == list(series.index) and str(fen.dtype) == "Int64"

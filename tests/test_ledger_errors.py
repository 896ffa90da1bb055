"""Database errors never carry personal data: the engine and the COPY path raise `LedgerError` without values."""

from __future__ import annotations

import traceback
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, insert

from canbao.errors import CanbaoError, LedgerError, scrub_personal_data
from canbao.identity import make_id
from canbao.ledger.bulk import upsert
from canbao.ledger.schema import Resident

PERSON = make_id("511723", date(1961, 4, 5), 123)
NAME = "欧阳娜娜"


def _everything_printed(exc: BaseException) -> str:
    """What a log or a Prefect state would show: the whole formatted traceback, chained causes included."""
    return "".join(traceback.format_exception(exc)) + repr(exc.args)


def _resident(**extra: object) -> dict[str, object]:
    return {"id_number": PERSON, "name": NAME, "sex": "M", "birth_date": date(1961, 4, 5), "phone": "13812345678",
            **extra}


def test_a_duplicate_row_is_reported_without_its_key(ledger_engine: Engine) -> None:
    with ledger_engine.begin() as conn:
        conn.execute(insert(Resident), [_resident()])
    with pytest.raises(LedgerError) as caught, ledger_engine.begin() as conn:
        conn.execute(insert(Resident), [_resident()])
    printed = _everything_printed(caught.value)
    assert PERSON not in printed and NAME not in printed and "13812345678" not in printed
    assert caught.value.kind == "IntegrityError" and "违反台账约束" in caught.value.message
    assert isinstance(caught.value, CanbaoError)


@pytest.mark.postgres
def test_postgres_refusals_name_the_column_not_the_value(postgres_url: str) -> None:
    from canbao.ledger.engine import make_engine
    from canbao.ledger.migrate import upgrade

    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    try:
        for bad in (_resident(name="张" * 65), _resident(name=f"{NAME}\x00")):
            with pytest.raises(LedgerError) as caught, engine.begin() as conn:
                conn.execute(insert(Resident), [bad])
            printed = _everything_printed(caught.value)
            assert PERSON not in printed and NAME not in printed and "张" * 65 not in printed, printed
            assert caught.value.kind in {"DataError", "StringDataRightTruncation"}, caught.value.kind
        # COPY (big loads) bypasses the engine's error hook: its CONTEXT line quotes the whole row
        rows = pd.DataFrame([_resident(), _resident(id_number=make_id("511723", date(1970, 1, 1), 5), name="李\x00")])
        with pytest.raises(LedgerError) as caught, engine.begin() as conn:
            upsert(conn, Resident, rows, ["id_number"], copy_threshold=1)
        printed = _everything_printed(caught.value)
        assert PERSON not in printed and "李" not in printed, printed
    finally:
        engine.dispose()


@given(st.dates(date(1900, 1, 1), date(2025, 12, 31)), st.integers(1, 999), st.text(max_size=20))
def test_scrubbing_masks_every_id_number_and_phone(born: date, sequence: int, around: str) -> None:
    person = make_id("110105", born, sequence)
    text = scrub_personal_data(f"{around}Key (id_number)=({person}) 电话13912345678{around}")
    assert person not in text and "13912345678" not in text  # also when `around` runs digits into them
    assert scrub_personal_data(f"({person})") == f"({person[:6]}********{person[-4:]})"
    assert scrub_personal_data("电话13912345678。") == "电话139****5678。"

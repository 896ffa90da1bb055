"""Rows SQLite would store and PostgreSQL refuses (NUL, control characters, over-long text, huge numbers) are
refused in the frame with a named reason, on both databases alike; the good rows beside them are taken in."""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from exemption_data import PEOPLE, write_list
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from canbao.exemptions.delivery import read_delivery, scan_deliveries
from canbao.exemptions.versions import record_delivery
from canbao.formats.write import write_workbook
from canbao.identity import make_id
from canbao.intake.campaign import open_campaign
from canbao.intake.inbox import INTAKE_ORDER
from canbao.intake.returned import current_rejections
from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.ledger.queries import snapshot
from canbao.ledger.schema import Enrollment, Payment, Rejection, Resident, Unit
from canbao.ledger.schema_exemptions import ExemptionEntry
from canbao.policy.load import load_campaign
from canbao.reasons import REJECTIONS
from tests.bad_inputs import CATEGORY, TOWN, person
from tests.conftest import POSTGRES_ENV, fresh_postgres_database
from tests.test_bad_inputs import CAMPAIGN, NOW, take_in

# The models' limits, written out here as the oracle: residents.name String(64), payments.external_ref
# String(128), units.name String(128), residents.phone String(32), units.target Integer (32 bits).
NAME_MAX, REF_MAX, UNIT_NAME_MAX, PHONE_MAX, INT4_MAX = 64, 128, 128, 32, 2**31 - 1
CJK = re.compile(r"[\u4e00-\u9fff]")
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
ROSTER = ["村（社区）代码", "姓名", "身份证号码", "联系电话", "参保类别", "登记日期"]
BANK = ["扣款流水号", "身份证号码", "姓名", "扣款金额", "扣款日期", "扣款状态"]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A UTF-8 CSV written cell for cell (NUL and control characters kept as they are)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


@dataclass
class Expected:
    """Per (source file, file row): None when the row must be taken in, else (reason, column)."""

    rows: dict[tuple[str, int], tuple[str, str] | None] = field(default_factory=dict)

    def add(self, file: str, rows: list[tuple[list[str], tuple[str, str] | None]]) -> list[list[str]]:
        for i, (_, outcome) in enumerate(rows, start=2):  # row 1 is the header
            self.rows[(file, i)] = outcome
        return [cells for cells, _ in rows]


def fixed_inbox(root: Path) -> tuple[Path, Expected]:
    """One roster, bank return, targets and deceased file, each with storable and unstorable rows."""
    inbox, want = root / "inbox", Expected()

    def reg(n: int, name: str | None = None, *, id_number: str | None = None, phone: str = "",
            unit: str = TOWN) -> list[str]:
        return [unit, person(n)[1] if name is None else name, id_number or person(n)[0], phone, CATEGORY,
                "2019-10-08"]

    write_rows(inbox / "roster" / "花名册.csv", ROSTER, want.add("花名册.csv", [
        (reg(1), None),
        (reg(2, "测\x00试"), ("text_control_chars", "name")),
        (reg(3, "长" * (NAME_MAX + 1)), ("text_too_long", "name")),
        (reg(4, "长" * NAME_MAX), None),
        (reg(5, "𠀀😀林"), None),  # a CJK Extension B character and an emoji: one character each
        (reg(6, "\t测试六\r\n"), None),  # trimmed at the edges by the reader
        (reg(7, "测\t试"), ("text_control_chars", "name")),
        (reg(8, "测\x85试"), ("text_control_chars", "name")),
        (reg(9, "测\x7f试"), ("text_control_chars", "name")),
        (reg(10, id_number=person(10)[0].translate(FULL_WIDTH)), None),
        (reg(11, phone="1" * (PHONE_MAX + 1)), ("text_too_long", "phone")),
        (reg(12, phone="1" * PHONE_MAX), None),
        (reg(13, unit=f"{TOWN}\x00"), ("text_control_chars", "unit_code")),
        (reg(14, unit="9" * 65), ("text_too_long", "unit_code")),
        (reg(15, id_number=f"{person(15)[0][:9]}\x01{person(15)[0][9:]}"), ("id_length", "id_number")),
        (reg(16, id_number=f"{person(16)[0][:9]}\x00{person(16)[0][9:]}"), None),  # NUL: junk the ID check drops
    ]))
    pay = [person(1)[0], person(1)[1], "250.00", "2019-10-09", "成功"]
    write_rows(inbox / "bank_deduction" / "回盘.csv", BANK, want.add("回盘.csv", [
        (["B0001", *pay], None),
        (["R" * REF_MAX, *pay], None),
        (["S" * (REF_MAX + 1), *pay], ("text_too_long", "external_ref")),
        (["B\x000003", *pay], ("text_control_chars", "external_ref")),
        (["B0004", person(2)[0], "测\x00试", "250.00", "2019-10-09", "成功"], None),  # the name is not stored
        (["B0005", person(3)[0], person(3)[1], "２５０．００", "2019-10-09", "成功"], None),
    ]))
    write_rows(inbox / "targets" / "任务.csv", ["单位代码", "单位名称", "级别", "上级单位代码", "目标任务数"],
               want.add("任务.csv", [
                   (["5117230199", "测试村", "村", TOWN, "10"], None),
                   (["5117230198", "村" * (UNIT_NAME_MAX + 1), "村", TOWN, "10"], ("text_too_long", "unit_name")),
                   (["5117230197", "测试\x0b村", "村", TOWN, "10"], ("text_control_chars", "unit_name")),
                   (["5117230196", "大村", "村", TOWN, str(INT4_MAX + 1)], ("number_invalid", "target")),
                   (["5117230195", "", "村", TOWN, "10"], ("name_missing", "name")),
               ]))
    write_rows(inbox / "deceased" / "死亡.csv", ["身份证号码", "姓名", "死亡日期"], want.add("死亡.csv", [
        ([person(90)[0], person(90)[1], "2019-09-01"], None),
        ([person(91)[0], "已\x00故", "2019-09-01"], ("text_control_chars", "name")),
    ]))
    return inbox, want


def outcomes(engine: Engine) -> dict[tuple[str, int], tuple[str, str]]:
    """(file, row) → (reason, column) of every row the ledger holds as rejected."""
    with engine.connect() as conn:
        returned = current_rejections(conn, CAMPAIGN, INTAKE_ORDER)
    assert all(CJK.search(x) for x in returned["reason_label"])
    assert set(returned["reason"]) <= set(REJECTIONS)
    return {(f, int(r)): (reason, col) for f, r, reason, col in
            zip(returned["source_file"], returned["source_row"], returned["reason"], returned["column"])}


@contextmanager
def sqlite_engine(folder: Path) -> Iterator[Engine]:
    url = f"sqlite:///{folder / 'ledger.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_fixed_rows_refused_by_column_limit_on_both_databases(ledger_engine: Engine, tmp_path: Path) -> None:
    inbox, want = fixed_inbox(tmp_path)
    take_in(ledger_engine, inbox)
    refused = outcomes(ledger_engine)
    assert refused == {k: v for k, v in want.rows.items() if v is not None}
    with ledger_engine.connect() as conn:
        names = dict(conn.execute(select(Resident.id_number, Resident.name)).all())
        refs = set(conn.execute(select(Payment.external_ref)).scalars())
        units = dict(conn.execute(select(Unit.code, Unit.target).where(Unit.code.like("51172301__"))).all())
        enrolled = set(conn.execute(select(Enrollment.id_number)).scalars())
        stored = list(conn.execute(select(Rejection.detail, Rejection.unit_code)).all())
    assert enrolled == {person(n)[0] for n in (1, 4, 5, 6, 10, 12, 16)}
    assert names[person(4)[0]] == "长" * NAME_MAX and names[person(5)[0]] == "𠀀😀林"
    assert names[person(6)[0]] == "测试六" and person(90)[0] in names and person(91)[0] not in names
    assert refs == {"B0001", "R" * REF_MAX, "B0004", "B0005"} and units == {"5117230199": 10}
    # The rejection records themselves hold no control character and fit their columns.
    assert not any(re.search("[\x00-\x1f\x7f-\x9f]", f"{d}{u or ''}") for d, u in stored)
    # The same inbox on a SQLite ledger of its own stores exactly the same rows.
    with sqlite_engine(tmp_path) as other:
        take_in(other, inbox)
        with other.connect() as a, ledger_engine.connect() as b:
            assert snapshot(a, CAMPAIGN) == snapshot(b, CAMPAIGN)


def test_exemption_list_rows_checked_against_their_columns(ledger_engine: Engine, tmp_path: Path) -> None:
    c = load_campaign(CAMPAIGN)
    rows = []
    for i, (id_number, name, town, village) in enumerate(list(PEOPLE.values())[:4]):
        if i == 1:
            name = f"{name}\x00"
        elif i == 2:
            village = "村" * 65  # exemption_entries.village is String(64)
        rows.append({"姓名": name, "公民身份号码": id_number, "救助类别": "低保", "所属镇（街道）": town,
                     "村（社区）": village})
    write_list(tmp_path / "inbox", "civil_affairs", pd.DataFrame(rows))
    with ledger_engine.begin() as conn:
        open_campaign(conn, c, NOW)
        (d,), _ = scan_deliveries(tmp_path / "inbox", c)
        got = read_delivery(d, c, date(2019, 10, 20))
        record_delivery(conn, c.id, d, got, NOW, None)
    with ledger_engine.connect() as conn:
        listed = set(conn.execute(select(ExemptionEntry.id_number)).scalars())
    ids = [p[0] for p in PEOPLE.values()]
    assert listed == {ids[0], ids[3]}
    assert sorted(zip(got.rejected["reason"], got.rejected["column"])) == [
        ("text_control_chars", "name"), ("text_too_long", "village")]


# ---- property: any rows, both databases, the same outcome ------------------------------------------------
# A cell's verdict: True (fine), False (the row must be refused), a reason code (refused for exactly that),
# or None (random text: either way, as long as the row is taken in or refused by name).

GOOD_NAME = st.text(st.sampled_from("张王李赵刘陈杨黄周吴明华国强秀英丽敏𠀀𠮷𪚥😀"), min_size=2, max_size=6)
NASTY = st.characters(codec="utf-8", categories=("Cc", "Zs", "Lo", "So", "Nd"), include_characters="\x00")
Cell = st.SearchStrategy[tuple[str, bool | str | None]]


def _name() -> Cell:
    return st.one_of(
        GOOD_NAME.map(lambda s: (s, True)),
        st.integers(NAME_MAX - 2, NAME_MAX + 40).map(lambda n: ("长" * n, n <= NAME_MAX or "text_too_long")),
        st.tuples(GOOD_NAME, st.sampled_from("\x00\x01\x08\x0b\x1f\x7f\x80\x9f\t\n\r"), GOOD_NAME).map(
            lambda t: (t[0] + t[1] + t[2], "text_control_chars")),
        st.sampled_from(" \t\n\r").map(lambda c: (f"{c}张三{c}", True)),  # trimmed at the edges
        st.text(NASTY, min_size=1, max_size=80).map(lambda s: (s, None)),
    )


def _id(n: int) -> Cell:
    good = make_id("511723", date(1960 + n % 40, 1 + n % 12, 1 + n % 28), 100 + n)
    return st.one_of(
        st.just((good, True)),
        st.just((good.translate(FULL_WIDTH), True)),
        st.just((f" {good[:6]}\u3000{good[6:]} ", True)),  # spaces and an ideographic space inside
        st.just((good[:17] + ("0" if good[17] != "0" else "1"), "id_checksum")),
        st.text(NASTY, max_size=30).map(lambda s: (s, None)),
    )


def _date(day: str) -> Cell:
    y, m, d = day.split("-")
    return st.one_of(st.sampled_from([(day, True), (day.translate(FULL_WIDTH), True),
                                      (f"{y}年{int(m)}月{int(d)}日", True), ("2019-02-30", "date_invalid"),
                                      ("", "date_invalid")]),
                     st.text(NASTY, max_size=12).map(lambda s: (s, None)))


def _amount() -> Cell:
    return st.one_of(st.sampled_from([("250.00", True), ("２５０", True), ("¥250", True), ("250元", True),
                                      ("-250", "amount_invalid"), ("9" * 15, "amount_invalid"),
                                      ("abc", "amount_invalid")]),
                     st.text(NASTY, max_size=16).map(lambda s: (s, None)))


def _ref(n: int) -> Cell:
    return st.one_of(st.just((f"P{n:05d}", True)),
                     st.integers(REF_MAX - 1, REF_MAX + 30).map(
                         lambda k: (f"{n:05d}".ljust(k, "R"), k <= REF_MAX or "text_too_long")),
                     st.sampled_from("\x00\x1b\x9c").map(lambda c: (f"P{c}{n:05d}", "text_control_chars")),
                     st.text(NASTY, min_size=1, max_size=40).map(lambda s: (s, None)))


def _outcome(*verdicts: bool | str | None) -> bool | str | None:
    """The row's expected outcome from its cells' verdicts, in the order the checks run."""
    for verdict in verdicts:
        if verdict is not True:
            return verdict
    return True


@st.composite
def inboxes(draw: st.DrawFn) -> tuple[list[list[str]], list, list[list[str]], list]:
    """Roster and bank rows, each with its expected outcome."""
    roster, reg_want, bank, pay_want = [], [], [], []
    for n in range(draw(st.integers(1, 12))):
        (id_cell, id_ok), (name, name_ok), (day, day_ok) = draw(_id(n)), draw(_name()), draw(_date("2019-10-08"))
        roster.append([TOWN, name, id_cell, "", CATEGORY, day])
        reg_want.append(_outcome(id_ok, name_ok, day_ok))
    for n in range(draw(st.integers(0, 8))):
        (ref, ref_ok), (id_cell, id_ok), (amount, amount_ok) = draw(_ref(n)), draw(_id(50 + n)), draw(_amount())
        (day, day_ok), (name, _) = draw(_date("2019-10-09")), draw(_name())  # payment names are not stored
        bank.append([ref, id_cell, name, amount, day, "成功"])
        # the validator checks a blank reference before the ID, the reference's text after it (validate_payments)
        blank_first = ref_ok if ref_ok in (None, "reference_missing") else True
        pay_want.append(_outcome(blank_first, id_ok, ref_ok, amount_ok, day_ok))
    return roster, reg_want, bank, pay_want


def _write(root: Path, roster: list[list[str]], bank: list[list[str]]) -> Path:
    """The rows as workbooks (a cell holds any character; a CSV full of them would be refused as binary)."""
    write_workbook(root / "inbox" / "roster" / "花名册.xlsx", {"s": pd.DataFrame(roster, columns=ROSTER)})
    if bank:
        write_workbook(root / "inbox" / "bank_deduction" / "回盘.xlsx", {"s": pd.DataFrame(bank, columns=BANK)})
    return root / "inbox"


def _check(engine: Engine, roster: list, reg_want: list, bank: list, pay_want: list) -> None:
    refused = outcomes(engine)
    with engine.connect() as conn:
        enrolled = conn.execute(select(Enrollment.source_row)).scalars().all()
        paid = conn.execute(select(Payment.source_row)).scalars().all()
    for file, taken, wants in (("花名册.xlsx", set(enrolled), reg_want), ("回盘.xlsx", set(paid), pay_want)):
        for row, want in enumerate(wants, start=2):
            got = refused.get((file, row))
            assert (row in taken) != (got is not None), (file, row)  # every row taken in or refused, never both
            if want is True:
                assert row in taken, (file, row)
            elif isinstance(want, str):
                assert got is not None and got[0] == want, (file, row, want, got)


@pytest.mark.parametrize("backends", ["sqlite", pytest.param("both", marks=pytest.mark.postgres)])
@settings(max_examples=int(os.environ.get("CANBAO_HYPOTHESIS_EXAMPLES", "15")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=inboxes())
def test_any_rows_are_taken_in_or_refused_by_name_and_both_databases_agree(backends: str, case: tuple) -> None:
    roster, reg_want, bank, pay_want = case
    with tempfile.TemporaryDirectory() as tmp:
        inbox = _write(Path(tmp), roster, bank)
        with sqlite_engine(Path(tmp)) as engine:
            take_in(engine, inbox)
            _check(engine, roster, reg_want, bank, pay_want)
            with engine.connect() as conn:
                expected = snapshot(conn, CAMPAIGN)
        if backends == "both":
            server = os.environ.get(POSTGRES_ENV, "").strip()
            if not server:
                pytest.skip(f"{POSTGRES_ENV} is not set")
            with fresh_postgres_database(server) as url:
                upgrade(url)
                engine = make_engine(url)
                try:
                    take_in(engine, inbox)
                    with engine.connect() as conn:
                        assert snapshot(conn, CAMPAIGN) == expected
                finally:
                    engine.dispose()

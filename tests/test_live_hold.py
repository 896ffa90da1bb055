"""The live demo's inbox holds only what has happened: rows dated later wait outside it and arrive day by day.

Oracles are the tests' own: each written row's intended day (registration or payment date, or the birth day in
its ID number when later) kept beside the file, read back with the readers of canbao.formats. The generated
county's inbox is checked in tests/test_live_demo.py."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canbao.formats.read import read_source
from canbao.formats.write import write_csv, write_workbook
from canbao.identity import make_id
from canbao.live import day_file, release_due, row_days, split_inbox

DAY = date(2026, 11, 30)
ROSTER = "roster/甲镇_乙村_花名册.xlsx"
BANK = "bank_deduction/农村商业银行_批量扣款回盘.csv"
TARGETS = "targets/任务分解表.xlsx"


def _roster(days: list[date], births: list[date]) -> pd.DataFrame:
    return pd.DataFrame({
        "村（社区）代码": "511723100001", "村（社区）名称": "乙村", "姓名": [f"张{i}" for i in range(len(days))],
        "身份证号码": [make_id("511723", b, i + 1) for i, b in enumerate(births)],
        "参保类别": "普通居民", "登记日期": [d.strftime("%Y年%m月%d日") for d in days]})


def _bank(days: list[date], fen: list[int]) -> pd.DataFrame:
    return pd.DataFrame({
        "扣款流水号": [f"KK{i:05d}" for i in range(len(days))], "户名": [f"李{i}" for i in range(len(days))],
        "身份证号码": [make_id("511723", date(1980, 1, 1) + timedelta(days=i), i + 1) for i in range(len(days))],
        "扣款金额": fen, "扣款日期": [d.strftime("%Y%m%d") for d in days], "扣款状态": "成功"})


def _inbox(root: Path, roster_days: list[date], births: list[date], bank_days: list[date], fen: list[int]) -> Path:
    inbox = root / "inbox"
    write_workbook(inbox / ROSTER, {"花名册": _roster(roster_days, births)}, "乙村参保花名册", ["填报单位：乙村"])
    write_csv(inbox / BANK, _bank(bank_days, fen), "gb18030", fen_columns=["扣款金额"], preamble=["批量扣款回盘"])
    write_workbook(inbox / TARGETS, {"Sheet1": pd.DataFrame({"单位代码": ["511723"], "单位名称": ["开江县"],
                                                            "目标任务数": ["100"]})})
    return inbox


def _rows(folder: Path, source: str) -> list[tuple[str, str, str]]:
    """(file name, ID number, amount or date) of every row of `source` under `folder`, as the readers see them."""
    out = []
    for path in sorted((folder / source).glob("*")):
        frame = read_source(path, source)
        value = frame["amount"] if "amount" in frame else frame["registered_on"]
        out += [(path.name, i, v) for i, v in zip(frame["id_number"], value, strict=True)]
    return out


def test_row_days_take_the_birth_day_when_it_comes_after_the_row_date() -> None:
    births = [date(1990, 5, 1), date(2000, 1, 1), date(2026, 12, 9), date(2026, 12, 2)]
    frame = pd.DataFrame({"registered_on": ["2026-11-20", "2026/12/05", None, "2026-11-20"],
                          "id_number": [make_id("511723", b, i + 1) for i, b in enumerate(births)]})
    got = row_days(frame, "registered_on").dt.date.tolist()
    assert got[:2] == [date(2026, 11, 20), date(2026, 12, 5)]
    assert pd.isna(got[2])  # no date: it is the intake's to refuse, today
    assert got[3] == date(2026, 12, 2)  # a newborn registered before the birth day its ID carries waits for it


def test_split_keeps_what_happened_and_releases_each_day_as_new_files(tmp_path: Path) -> None:
    roster_days = [DAY + timedelta(days=n) for n in (-3, 0, 1, 1, -1)]
    births = [date(1970, 1, 1), date(1985, 6, 1), date(1990, 1, 1), date(1991, 1, 1), DAY + timedelta(days=2)]
    bank_days = [DAY - timedelta(days=10), DAY + timedelta(days=4)]
    inbox = _inbox(tmp_path, roster_days, births, bank_days, [38000, 25050])
    later = tmp_path / "later"
    targets = (inbox / TARGETS).read_bytes()

    held = split_inbox(inbox, later, DAY)
    assert (held.rows_now, held.rows_later) == (3, 4)
    assert held.days == {DAY + timedelta(days=1): 2, DAY + timedelta(days=2): 1, DAY + timedelta(days=4): 1}
    assert (inbox / TARGETS).read_bytes() == targets  # no dates: untouched
    ids = [make_id("511723", b, i + 1) for i, b in enumerate(births)]
    assert [i for _, i, _ in _rows(inbox, "roster")] == [ids[0], ids[1]]
    assert [v for *_, v in _rows(inbox, "bank_deduction")] == ["380.00"]
    assert (inbox / BANK).read_bytes().decode("gb18030").startswith("批量扣款回盘")  # the preamble kept

    assert release_due(later, inbox, DAY).files == []  # nothing new the same day
    released = release_due(later, inbox, DAY + timedelta(days=2))  # a day missed: both days, each its own file
    names = {p.relative_to(inbox).as_posix() for p in released.files}
    assert names == {day_file(Path(ROSTER), DAY + timedelta(days=1)).as_posix(),
                     day_file(Path(ROSTER), DAY + timedelta(days=2)).as_posix()}
    assert {(n, i) for n, i, _ in _rows(inbox, "roster") if n != Path(ROSTER).name} == {
        ("甲镇_乙村_花名册_20261201.xlsx", ids[2]), ("甲镇_乙村_花名册_20261201.xlsx", ids[3]),
        ("甲镇_乙村_花名册_20261202.xlsx", ids[4])}
    assert not (later / "roster").exists()  # nothing of the roster left to wait for

    last = release_due(later, inbox, DAY + timedelta(days=30))
    assert [p.name for p in last.files] == ["农村商业银行_批量扣款回盘_20261204.csv"]
    assert [v for *_, v in _rows(inbox, "bank_deduction")] == ["380.00", "250.50"]
    assert not any(later.iterdir())


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offsets=st.lists(st.integers(-20, 20), min_size=1, max_size=12), cut=st.integers(-5, 5),
       steps=st.lists(st.integers(0, 9), min_size=1, max_size=4))
def test_every_row_is_in_the_inbox_once_on_or_after_its_day_never_before(
        tmp_path_factory, offsets: list[int], cut: int, steps: list[int]) -> None:
    root = tmp_path_factory.mktemp("prop")
    days = [DAY + timedelta(days=n) for n in offsets]
    fen = [10000 + 7 * i for i in range(len(days))]
    inbox, later, today = _inbox(root, days, [date(1980, 1, 1)] * len(days), days, fen), root / "later", \
        DAY + timedelta(days=cut)
    split_inbox(inbox, later, today)
    for step in [0, *steps]:
        today += timedelta(days=step)
        release_due(later, inbox, today)
        here = {(i, v) for _, i, v in _rows(inbox, "bank_deduction")}
        waiting = {(i, v) for _, i, v in _rows(later, "bank_deduction")}
        expected = {(i, f"{Decimal(f) / 100:.2f}", d) for i, f, d in
                    zip(_bank(days, fen)["身份证号码"], fen, days, strict=True)}
        assert here == {(i, v) for i, v, d in expected if d <= today}
        assert waiting == {(i, v) for i, v, d in expected if d > today}
        assert len(_rows(inbox, "roster")) == sum(d <= today for d in days)

"""The intake's output stamp: written owner-only and read back as written; each way it goes stale says why."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from canbao.intake.stamp import (
    OUTPUTS_VERSION,
    STAMP_NAME,
    IntakeStamp,
    ReconciliationSummary,
    discard_stamp,
    read_stamp,
    stale_reason,
    write_stamp,
)

DAY = date(2019, 12, 2)


def _stamp(out: Path) -> IntakeStamp:
    books = out / "退回清单"
    books.mkdir(parents=True)
    paths = [books / "51172301_红星村_退回清单（内部）.xlsx", out / "kaijiang-2020_缴费对账表（内部）.xlsx"]
    for p in paths:
        p.write_bytes(b"xlsx")
    recon = ReconciliationSummary(
        anomalies={"underpaid": 3}, breach_kinds={"cash_limit_days": 1}, breaches=1, cash_differences=2,
        workbook=str(paths[1]), units=[{"单位代码": "51172301", "缴费金额（元）": "250.00", "登记人数": 4}])
    return IntakeStamp("f" * 64, "c" * 64, DAY.isoformat(), OUTPUTS_VERSION, recon, [str(paths[0])])


def test_a_stamp_is_read_back_as_written_and_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stamp = _stamp(out)
    path = write_stamp(out, stamp)
    assert path == out / STAMP_NAME and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_stamp(out) == stamp
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [STAMP_NAME]  # no temporary left
    assert stale_reason(read_stamp(out), "f" * 64, "c" * 64, DAY) is None
    # Moved as a whole, the folder's stamp still finds its outputs.
    moved = tmp_path / "elsewhere"
    out.rename(moved)
    assert stale_reason(read_stamp(moved), "f" * 64, "c" * 64, DAY) is None


@pytest.mark.parametrize("change, reason", [
    ({"fingerprint": "0" * 64}, "账本有变动"),
    ({"config": "0" * 64}, "地区配置已更改"),
    ({"as_of": date(2019, 12, 3)}, "对账日期不同（上次为 2019-12-02）"),
])
def test_a_changed_ledger_config_or_day_makes_the_stamp_stale(tmp_path: Path, change: dict, reason: str) -> None:
    stamp = _stamp(tmp_path)
    now = {"fingerprint": "f" * 64, "config": "c" * 64, "as_of": DAY} | change
    assert stale_reason(stamp, **now) == reason


def test_a_missing_output_an_older_format_or_no_stamp_is_stale(tmp_path: Path) -> None:
    stamp = _stamp(tmp_path)
    assert stale_reason(replace(stamp, version=OUTPUTS_VERSION - 1), "f" * 64, "c" * 64, DAY) == "输出格式已更新"
    Path(stamp.error_workbooks[0]).unlink()
    assert stale_reason(stamp, "f" * 64, "c" * 64, DAY) == \
        "上次的输出文件缺失 1 个（如 51172301_红星村_退回清单（内部）.xlsx）"
    assert stale_reason(None, "f" * 64, "c" * 64, DAY) == "输出目录中没有上次导入的记录"


def test_an_unreadable_stamp_is_none_and_a_discarded_one_is_gone(tmp_path: Path) -> None:
    assert read_stamp(tmp_path) is None
    (tmp_path / STAMP_NAME).write_text("{not json", encoding="utf-8")
    assert read_stamp(tmp_path) is None
    (tmp_path / STAMP_NAME).write_text('{"fingerprint": "f"}', encoding="utf-8")  # an older shape
    assert read_stamp(tmp_path) is None
    discard_stamp(tmp_path)
    discard_stamp(tmp_path)  # none left: nothing to do
    assert not (tmp_path / STAMP_NAME).exists()

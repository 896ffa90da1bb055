"""Issue 13: wrong input fails the run loudly in Chinese (a missing inbox, nothing selected, a day outside the
campaign), instead of a Completed run that did nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from canbao.errors import CanbaoError, InputError
from canbao.intake.selection import require_inbox, require_sources
from canbao.policy.load import load_campaign
from canbao.reports.report_day import require_report_day

CAMPAIGN = "kaijiang-2020"  # window 2019-09-01 … 2020-01-31, weekly reports until 2019-12-25 (configs/)


def test_a_missing_inbox_or_one_without_source_folders_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="收件箱目录不存在") as missing:
        require_inbox(tmp_path / "nowhere", ["roster", "tax_app"])
    assert str(tmp_path / "nowhere") in missing.value.message and isinstance(missing.value, CanbaoError)
    with pytest.raises(InputError, match=r"没有所选来源的子目录（roster/、tax_app/）"):
        require_inbox(tmp_path, ["roster", "tax_app"])
    (tmp_path / "processed").mkdir()  # everything was taken in before: an inbox all the same
    require_inbox(tmp_path, ["roster", "tax_app"])
    require_inbox(tmp_path / "processed")  # no folders asked for: only that it exists
    with pytest.raises(InputError, match="未选择任何导入来源"):
        require_sources([])


@pytest.mark.parametrize(("day", "refused"), [
    (date(2019, 8, 31), True), (date(2019, 9, 1), False), (date(2020, 1, 31), False), (date(2020, 2, 1), True)])
def test_a_report_day_outside_the_campaign_names_the_window(day: date, refused: bool) -> None:
    c = load_campaign(CAMPAIGN)
    if not refused:
        require_report_day(c, day)
        return
    with pytest.raises(InputError) as error:
        require_report_day(c, day)
    assert "2019-09-01 至 2020-01-31" in error.value.message and f"{day:%Y-%m-%d}" in error.value.message


@pytest.fixture
def ledger(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    from canbao.ledger.migrate import upgrade

    upgrade(sqlite_url)
    monkeypatch.setenv("CANBAO_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("CANBAO_CLOCK", "2019-10-20T09:00:00")
    return sqlite_url


@pytest.mark.usefixtures("prefect_harness", "ledger")
def test_runs_on_wrong_input_fail_with_the_chinese_message(tmp_path: Path) -> None:
    from flows.deadline_watch import deadline_watch
    from flows.exemption_handoff import exemption_handoff
    from flows.registration_payment import registration_payment
    from flows.weekly_report import weekly_report

    nowhere = str(tmp_path / "收件箱（拼错）")
    runs = {
        "registration": lambda: registration_payment(campaign=CAMPAIGN, inbox=nowhere, return_state=True),
        "no source": lambda: registration_payment(campaign=CAMPAIGN, inbox=str(tmp_path), sources=[],
                                                  return_state=True),
        "exemptions": lambda: exemption_handoff(campaign=CAMPAIGN, inbox=nowhere, output_dir=str(tmp_path / "o"),
                                                return_state=True),
        "weekly": lambda: weekly_report(campaign=CAMPAIGN, as_of=date(2021, 3, 1), output_dir=str(tmp_path / "o"),
                                        return_state=True),
    }
    expected = {"registration": "收件箱目录不存在", "no source": "未选择任何导入来源",
                "exemptions": "收件箱目录不存在", "weekly": "2019-09-01 至 2020-01-31"}
    for name, start in runs.items():
        state = start()
        assert state.is_failed(), (name, state)
        assert expected[name] in state.message and "Error" not in state.message, (name, state.message)
        with pytest.raises(InputError) as error:  # callers (the CLI, tests) still get the exception
            state.result()
        assert expected[name] in error.value.message, (name, error.value.message)
    # The daily watch out of season has nothing to check: it completes (a failure would alert every day).
    quiet = deadline_watch(as_of=date(2018, 1, 1), return_state=True)
    assert quiet.is_completed() and quiet.result()["campaigns"] == {}


def test_a_failure_message_is_chinese_and_never_the_raw_exception() -> None:
    from canbao.errors import failure_message

    link = "http://127.0.0.1:4200/v2/runs/flow-run/0b7c"
    own = failure_message("参保情况周报", InputError("报表日期须在活动期内：身份证 511723194801110010"), link)
    assert own == "参保情况周报失败：报表日期须在活动期内：身份证 511723********0010（运行页面：" + link + "）"
    other = failure_message("参保登记与缴费导入", KeyError("column 'amount' missing in /srv/inbox/x.csv"), link)
    assert other.startswith("运行失败：参保登记与缴费导入出现程序错误，请查看运行日志") and link in other
    assert "amount" not in other and "KeyError" not in other and "x.csv" not in other

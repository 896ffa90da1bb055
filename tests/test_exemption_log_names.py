"""The exemption handoff's log lines name agencies by their Chinese name from the config, never by code."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pandas as pd
import pytest
import yaml
from test_coordinator_text import _is_logger

import tasks.exemptions as exemption_tasks
from canbao.exemptions.delivery import Delivery, FileNote, ListRows
from canbao.policy.load import load_campaign

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = "kaijiang-2020"
# Read from the config file itself (the oracle), not through canbao's lookup.
NAMES = {a["code"]: a["name"] for a in yaml.safe_load((ROOT / "configs" / f"{CAMPAIGN}.yaml").read_text(
    encoding="utf-8"))["agencies"]}


@pytest.fixture
def logged(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The tasks' log lines, with a plain logger standing in for Prefect's run logger."""
    logger = logging.getLogger("test-exemption-log-names")
    monkeypatch.setattr(exemption_tasks, "get_run_logger", lambda: logger)
    caplog.set_level(logging.INFO, logger=logger.name)
    return caplog


def test_the_scan_names_the_agencies_that_delivered(tmp_path: Path, logged: pytest.LogCaptureFixture) -> None:
    for code in ("civil_affairs", "disabled_federation"):
        folder = tmp_path / "exemption" / code
        folder.mkdir(parents=True)
        (folder / "名单.xlsx").write_bytes(b"not read by the scan")
    deliveries = exemption_tasks.scan_lists.fn(CAMPAIGN, str(tmp_path))
    assert [d.agency for d in deliveries] == ["civil_affairs", "disabled_federation"]
    assert logged.messages == [f"收到 2 个部门报送的名单：{NAMES['civil_affairs']}、{NAMES['disabled_federation']}"]


def test_unused_columns_and_undated_rows_name_the_agency(tmp_path: Path, logged: pytest.LogCaptureFixture) -> None:
    rows = ListRows(pd.DataFrame(), pd.DataFrame(), rows=3, duplicates=0,
                    notes=(FileNote("低保.xlsx", None, 1, ("备注栏",), 0),), undated={"低保.xlsx": 2})
    got = exemption_tasks._report_files(load_campaign(CAMPAIGN), Delivery("civil_affairs", ()), rows, str(tmp_path))
    assert got["ignored_columns"] == {"低保.xlsx": ["备注栏"]}
    name = NAMES["civil_affairs"]
    assert logged.messages == [f"{name}“低保.xlsx”中未使用的列：备注栏",
                      f"{name}“低保.xlsx”中有 2 行纳入资助时间无法识别，人员照常导入、该时间留空"]
    assert not any("civil_affairs" in line for line in logged.messages)


def _agency_codes_logged(path: Path) -> list[int]:
    """Lines where a logger call is handed an agency code as such (`agency`, `x.agency`, `x["agency"]`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_logger(node.func.value)):
            continue
        for arg in node.args[1:]:
            if ((isinstance(arg, ast.Name) and arg.id == "agency")
                    or (isinstance(arg, ast.Attribute) and arg.attr == "agency")
                    or (isinstance(arg, ast.Subscript) and isinstance(arg.slice, ast.Constant)
                        and arg.slice.value == "agency")):
                found.append(node.lineno)
    return found


def test_no_exemption_log_line_is_handed_a_bare_agency_code() -> None:
    files = [*ROOT.glob("flows/exemption*.py"), *ROOT.glob("tasks/exemption*.py")]
    assert len(files) >= 4
    assert {str(p.relative_to(ROOT)): lines for p in files if (lines := _agency_codes_logged(p))} == {}

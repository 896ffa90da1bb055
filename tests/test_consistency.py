"""One truth: after a simulated campaign, every output agrees with `canbao figures` on every unit and date.

For each of the five configs, on SQLite and PostgreSQL: the weekly workbook (read back), the bulletin, the
deadline alert texts, the cleanup summary and the settlement statement, each as of the day it was made,
against the figures computed afterwards (when the ledger holds later facts) as of that day.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from contextlib import redirect_stdout
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine

from canbao.cli import main as cli_main
from canbao.deadlines import alert_message, deadline_states
from canbao.ledger.engine import make_engine
from canbao.policy.load import available_campaigns, load_campaign
from canbao.state import DENOMINATORS, Facts, Figures, campaign_figures, known_by, load_facts, pct
from tests.simulated import SCALE, SEED, STEP_WEEKS

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
# Every config on SQLite (the session's shared simulations); on PostgreSQL Yuzhong (two tiers, partial
# subsidies, students' academic year). That the two databases store the same facts is checked row for row in
# test_storage_limits and test_ledger, and Kaijiang's whole intake runs on PostgreSQL in test_registration_flow.
ON_POSTGRES = ("yuzhong-2021",)
CASES = [pytest.param("sqlite", c, id=f"sqlite-{c}") for c in available_campaigns()] + [
    pytest.param("postgresql", c, id=f"postgresql-{c}", marks=pytest.mark.postgres) for c in ON_POSTGRES]
COUNTED = {"目标任务（人）": "target", "已登记（人）": "registered", "已缴费（人）": "paid",
           "资助参保（人）": "covered",
           "参保人数（人）": "enrolled"}


def _rows(path: Path, sheet: str, first: str) -> list[dict[str, object]]:
    """A sheet's table as dicts: the header is the first row whose first cell is `first` (line breaks dropped)."""
    rows = list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and str(r[0] or "").replace("\n", "") == first)
    header = [str(h or "").replace("\n", "") for h in rows[at]]
    return [dict(zip(header, r)) for r in rows[at + 1:] if any(v is not None for v in r)]


def _ancestors(units: Facts, code: str) -> list[str]:
    """The unit and its ancestors, schools straight under the county (read from the raw unit rows)."""
    parent = dict(zip(units.units["code"], units.units["parent_code"]))
    level = dict(zip(units.units["code"], units.units["level"]))
    county = next(c for c, lv in level.items() if lv == "county")
    out, node = [], code
    while isinstance(node, str) and node in parent and node not in out:
        out.append(node)
        node = county if level[node] == "school" and node != county else parent[node]
    return out


def _check_workbook(path: Path, fig: Figures) -> int:
    by_code = fig.units.set_index("code")
    book = openpyxl.load_workbook(path, read_only=True)
    checked = 0
    for sheet in book.sheetnames:
        if sheet in ("特殊群体", "说明"):
            continue
        rows = _rows(path, sheet, "序号")
        rate_header = next(h for h in rows[0] if h.startswith("参保率（分母："))
        assert rate_header == f"参保率（分母：{DENOMINATORS['own']}）"
        for row in rows:
            code = row["单位代码"]
            if code is None:  # the 合计 row of the town sheet is the towns' total
                if sheet not in ("村（社区）", "学校"):
                    total = fig.totals["towns"]
                    assert (row["目标任务（人）"], row["参保人数（人）"]) == (total["target"], total["enrolled"])
                continue
            unit = by_code.loc[code]
            for header, key in COUNTED.items():
                assert row[header] == (None if pd.isna(unit[key]) else int(unit[key])), (path.name, code, header)
            shown = row[rate_header]
            assert (None if shown is None else round(shown, 6)) == (
                None if unit["rate"] is None else round(float(pct(unit["rate"], 4) / 100), 6)), (path.name, code)
            checked += 1
    return checked


def _check_bulletin(path: Path, fig: Figures) -> None:
    text = path.read_text(encoding="utf-8")
    county = fig.units[fig.units["level"] == "county"].iloc[0]
    found = re.search(r"已参保([\d,]+)人（缴费参保([\d,]+)人、资助参保([\d,]+)人），参保率（分母：(.+?)）([\d.]+|—)%?",
                      text)
    assert found, text[:300]
    enrolled, paid, covered = (int(found.group(i).replace(",", "")) for i in (1, 2, 3))
    assert (enrolled, paid, covered) == (county["enrolled"], county["paid"], county["covered"]), path.name
    assert found.group(4) == DENOMINATORS[county["basis"]]
    assert found.group(5) == ("—" if county["rate"] is None else str(pct(county["rate"])))
    if not pd.isna(county["target"]):
        assert f"目标任务{int(county['target']):,}人" in text
    units = text.split("二、", 1)[1].split("三、", 1)[0]
    for u in fig.units[fig.units["level"].isin(["town", "village"])].itertuples():
        for shown in re.findall(re.escape(f"{u.name}（") + r"([\d.]+)%）", units):
            assert shown == str(pct(u.rate)), (path.name, u.name)


def _check_alerts(engine: Engine, campaign: str, day: date, fig: Figures) -> int:
    c = load_campaign(campaign)
    with engine.connect() as conn:
        states = deadline_states(conn, c, day)
    checked = 0
    for s in states:
        if s.kind not in ("registration", "payment") or s.detail.startswith("已于"):
            continue
        total = fig.totals["schools" if s.owner == "schools" else "towns"]
        if total["target"] is None:
            continue
        label = f"参保率（分母：{DENOMINATORS[total['basis']]}）"
        assert s.detail == f"已参保{total['enrolled']}人，目标{total['target']}人，{label}{pct(total['rate'])}%", (
            day, s.code, s.detail)
        assert s.detail in alert_message(s).body
        checked += 1
    return checked


def _check_cleanup(path: Path, facts: Facts, fig: Figures) -> None:
    """Registered but not enrolled per unit subtree = the summary's unpaid + underpaid + waiting for proof +
    refused on it, rolled up by hand."""
    waiting: Counter[str] = Counter()
    for row in _rows(path, "扫尾汇总", "单位代码"):
        for code in _ancestors(facts, str(row["单位代码"])):
            waiting[code] += sum(int(row[k]) for k in ("已登记未缴费", "缴费金额不足", "待审核证明材料",
                                                        "证明材料未通过待退费"))
    for u in fig.units.itertuples():
        assert waiting[u.code] == u.registered - u.enrolled, (path.name, u.code)


def _check_settlement(path: Path, fig: Figures) -> None:
    categories = _rows(path, "分类别核对", "参保类别")
    county = fig.units[fig.units["level"] == "county"].iloc[0]
    assert sum(int(r["参保人数"]) for r in categories) == county["enrolled"]
    towns = {r["区镇（街道）"]: int(r["参保人数"]) for r in _rows(path, "财政补助分级", "区镇（街道）")}
    for u in fig.units[fig.units["level"] == "town"].itertuples():
        assert towns.get(u.name, 0) == u.enrolled, (path.name, u.name)
    assert sum(towns.values()) == county["enrolled"]


def _figures_cli(campaign: str, day: date, url: str) -> dict:
    """`canbao figures` as printed (stdout redirected: capsys would close a stream Prefect's logger keeps)."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert cli_main(["figures", "--campaign", campaign, "--as-of", day.isoformat(), "--database", url]) == 0
    return json.loads(printed.getvalue())


@pytest.mark.parametrize(("backend", "campaign"), CASES)
def test_every_output_agrees_with_the_figures(backend: str, campaign: str, request: pytest.FixtureRequest,
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if backend == "sqlite":
        shared = request.getfixturevalue("simulated_campaigns")(campaign)
        out, result, ledger_url = shared.out, shared.result, shared.ledger_url
    else:
        from flows.simulate import simulate

        monkeypatch.delenv("CANBAO_CLOCK", raising=False)
        ledger_url = request.getfixturevalue("postgres_url")
        out = tmp_path / campaign
        result = simulate(campaign=campaign, scale=SCALE, seed=SEED, out=str(out), step_weeks=STEP_WEEKS,
                          ledger=ledger_url)
    c = load_campaign(campaign)
    engine = make_engine(ledger_url)
    with engine.connect() as conn:
        facts = load_facts(conn, campaign)
    reports = out / "reports"
    workbooks = sorted((reports / "weekly").glob(f"{campaign}_*_参保情况周报表（内部）.xlsx"))
    assert workbooks
    checked = alerts = 0
    for path in workbooks:
        day = date.fromisoformat(path.name.split("_")[1])
        # The cut-off the workbook states, to the minute ("截至2020年11月9日8时30分"; "…24时" is the day's end).
        hour, minute = re.search(r"日(\d+)时(?:(\d+)分)?", openpyxl.load_workbook(path).worksheets[0]["A2"].value
                                 ).groups()
        fig = campaign_figures(c, facts, day, known_by(day, int(hour)) + timedelta(minutes=int(minute or 0)))
        bulletin = path.with_name(path.name.replace("参保情况周报表（内部）.xlsx", "进度通报（内部）.md"))
        checked += _check_workbook(path, fig)
        _check_bulletin(bulletin, fig)
        alerts += _check_alerts(engine, campaign, day, campaign_figures(c, facts, day))
        printed = _figures_cli(campaign, day, ledger_url)
        whole = campaign_figures(c, facts, day).to_json()
        assert printed == json.loads(json.dumps(whole))
    assert checked > 0
    cleanups = sorted(p for p in (reports / "扫尾").iterdir() if p.is_dir())
    assert cleanups
    for folder in cleanups:
        day = date.fromisoformat(folder.name)
        _check_cleanup(folder / f"{campaign}_扫尾汇总表（内部）_{day.isoformat()}.xlsx", facts,
                       campaign_figures(c, facts, day))
    settled = [s for s in result["log"] if s["action"] in ("settlement", "confirmations")]
    for step in settled:
        fig = campaign_figures(c, facts, date.fromisoformat(step["day"]))
        assert step["enrolled"] == int(fig.units.loc[fig.units["level"] == "county", "enrolled"].iat[0])
    _check_settlement(reports / "结算" / f"{campaign}_财政补助结算表（内部）.xlsx",
                      campaign_figures(c, facts, date.fromisoformat(settled[-1]["day"])))
    engine.dispose()

"""The CLI contract: one JSON document on stdout, exit 0; bad input a one-line error, non-zero."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from canbao.cli import main
from canbao.identity import make_id


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys, *argv):
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return json.loads(out)


def test_quote_kaijiang(capsys):
    q = ok(capsys, "quote", "--campaign", "kaijiang-2020", "--category", "resident")
    assert q["individual_part_yuan"] == "250.00" and q["resident_pays_yuan"] == "250.00"
    assert q["funding_mode"] == "none" and q["settle_with"] is None and q["paid_on_behalf_by"] is None
    assert {c["code"] for c in q["components"]} >= {"medical"}


def test_quote_rucheng_advance(capsys):
    q = ok(capsys, "quote", "--campaign", "rucheng-2020", "--category", "resident", "--exemption", "key_entitled")
    assert q["funding_mode"] == "advance_then_settle" and q["settle_with"] == "veterans_affairs"
    assert q["paid_on_behalf_yuan"] == "360.00" and q["resident_pays_yuan"] == "0.00"
    assert q["government_subsidy_yuan"] == "580.00"


def test_quote_yuzhong_late_by_path(capsys):
    path = str(Path(__file__).parents[1] / "configs" / "yuzhong-2021.yaml")
    q = ok(capsys, "quote", "--campaign", path, "--category", "resident", "--tier", "2",
           "--paid-on", "2021-07-01")
    assert q["government_subsidy_yuan"] == "0.00"
    assert float(q["individual_part_yuan"]) > 655  # amounts are strings; only compared here


def test_benefit_start_cli(capsys):
    got = ok(capsys, "benefit-start", "--campaign", "haimen-2020", "--enrollment", "renewal",
             "--paid-on", "2020-03-31", "--insured-years", "2018,2019")
    assert got["benefit_start"] == "2020-01-01" and got["rule"]


def test_deadlines_cli(capsys):
    got = ok(capsys, "deadlines", "--campaign", "haimen-2020")
    dates = {d.get("date") for d in got}
    assert {"2019-10-30", "2019-12-15", "2019-12-20", "2020-06-30"} <= dates
    assert all(d["owner"] and d["kind"] and d["name"] for d in got)
    weekly = ok(capsys, "deadlines", "--campaign", "yuzhong-2021")
    assert any(d.get("start") == "2020-11-01" and d.get("end") == "2020-12-20" for d in weekly)


def test_targets_cli(capsys):
    got = ok(capsys, "targets", "--campaign", "kaijiang-2020")
    towns = {t["unit"]: t for t in got if t["level"] == "town"}
    assert len(towns) == 20 and sum(t["target"] for t in towns.values()) == 513080
    assert any(t["level"] == "county" and t["target"] == 513080 for t in got)
    rucheng = ok(capsys, "targets", "--campaign", "rucheng-2020")
    assert any(t["level"] == "county" and t["target"] == 62390 for t in rucheng)


def test_id_check_cli(capsys):
    got = ok(capsys, "id-check", make_id("511723", __import__("datetime").date(1985, 6, 1), 123))
    assert got == {"valid": True, "reason": None, "birth_date": "1985-06-01", "sex": "M"}
    bad = ok(capsys, "id-check", "5.10723E+17")
    assert bad["valid"] is False and bad["reason"] == "id_excel_mangled"


def test_config_check_passes_all(capsys):
    configs = sorted(str(p) for p in (Path(__file__).parents[1] / "configs").glob("*.yaml"))
    assert len(configs) == 5
    assert ok(capsys, "config", "check", *configs)["ok"] is True


def test_config_check_names_file_and_field(capsys, tmp_path):
    src = (Path(__file__).parents[1] / "configs" / "haimen-2020.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "haimen-2020.yaml"
    bad.write_text(src.replace("insurance_year: 2020", "insurance_year: twenty"), encoding="utf-8")
    code, out, err = run(capsys, "config", "check", str(bad))
    assert code != 0 and out == ""
    assert f"{bad}:campaign.insurance_year:" in err


@pytest.mark.parametrize("argv", [
    ["quote", "--campaign", "nowhere-2020", "--category", "resident"],
    ["quote", "--campaign", "kaijiang-2020", "--category", "elderly"],
    ["quote", "--campaign", "kaijiang-2020", "--category", "resident", "--exemption", "bogus"],
    ["quote", "--campaign", "kaijiang-2020", "--category", "resident", "--paid-on", "2020-13-01"],
    ["benefit-start", "--campaign", "kaijiang-2020", "--enrollment", "renewal"],
    ["benefit-start", "--campaign", "kaijiang-2020", "--enrollment", "new", "--paid-on", "2020-01-01",
     "--insured-years", "x"],
    ["frobnicate"],
    [],
])
def test_bad_input_is_one_line_without_traceback(argv):
    proc = subprocess.run([sys.executable, "-m", "canbao", *argv], capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr

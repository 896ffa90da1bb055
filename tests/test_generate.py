"""The county generator: deterministic, realistic, and its manifest re-derived from the files alone."""

from __future__ import annotations

import json
from collections import Counter, deque
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from canbao.formats import parse_amount_fen, parse_dates, read_source
from canbao.generate import DefectRates, Manifest, generate
from canbao.identity import check_ids
from canbao.money import fen
from canbao.policy.load import load_campaign
from canbao.policy.quote import quote
from canbao.reasons import ANOMALIES, REJECTIONS

CAMPAIGNS = ["kaijiang-2020", "rucheng-2020", "haimen-2020", "wujin-2020", "yuzhong-2021"]
TODAY = date(2021, 12, 31)


@pytest.fixture(scope="module")
def kaijiang(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    out = tmp_path_factory.mktemp("kaijiang")
    return out, generate(load_campaign("kaijiang-2020"), 0.03, 7, out)


def _read_all(out: Path, campaign) -> dict[str, pd.DataFrame]:
    frames: dict[str, list[pd.DataFrame]] = {}
    for source_dir in sorted((out / "inbox").iterdir()):
        for path in sorted(p for p in source_dir.rglob("*") if p.is_file()):
            frame = read_source(path, source_dir.name, campaign=campaign)
            frames.setdefault(source_dir.name, []).append(frame.assign(file=str(path.relative_to(out))))
    return {k: pd.concat(v, ignore_index=True) for k, v in frames.items()}


def _walk_cash(receipts: dict[date, int], deposits: dict[date, int], limit: int, days: int) -> Counter:
    """Double-limit breaches of one village, counted the way docs/data.md defines them."""
    found: Counter = Counter()
    lots: deque = deque()
    late, over, day = set(), False, min(receipts)
    while day <= max([*receipts, *deposits]) + timedelta(days=days + 1):
        for lot_day, _ in lots:
            if (day - lot_day).days > days and lot_day not in late:
                late.add(lot_day)
                found["cash_limit_days"] += 1
        if day in receipts:
            lots.append([day, receipts[day]])
        pay = deposits.get(day, 0)
        while pay and lots:
            take = min(pay, lots[0][1])
            lots[0][1] -= take
            pay -= take
            if not lots[0][1]:
                lots.popleft()
        held = sum(x[1] for x in lots)
        found["cash_limit_amount"] += held >= limit and not over
        over = held >= limit
        day += timedelta(days=1)
    return found


def derive(out: Path, campaign) -> dict:
    """The manifest's expected counts, recomputed from the files with the readers and check_ids."""
    c, data = campaign, _read_all(out, campaign)
    units = {u.code for u in c.units.items} | set(data["targets"]["unit_code"])
    dead = set(check_ids(data["deceased"]["id_number"], today=TODAY)["id_number"])
    got: dict = {"rejections": Counter(), "anomalies": Counter(), "repaired": 0}
    roster = data["roster"]
    ids = check_ids(roster["id_number"], today=TODAY)
    reason = ids["reason"].astype(object)
    reason = reason.where(reason.notna(), roster["unit_code"].where(~roster["unit_code"].isin(units)).map(
        lambda x: "unit_unknown" if isinstance(x, str) else None))
    reason = reason.where(reason.notna(), ids["id_number"].where(ids["id_number"].isin(dead)).map(
        lambda x: "deceased" if isinstance(x, str) else None))
    ok = roster.assign(id=ids["id_number"], on=parse_dates(roster["registered_on"])[0])[reason.isna()]
    ok = ok.sort_values(["on", "source_file", "source_row"], kind="stable")
    dup = ok["id"].duplicated()
    got["rejections"].update(reason.dropna().tolist() + ["duplicate_enrollment"] * int(dup.sum()))
    registered = ok[~dup][["id", "category", "tier"]]
    got["repaired"] += int(((roster["id_number"] != ids["id_number"]) & ids["reason"].isna()).sum())
    payments = []
    for source in ("school", "bank_deduction", "self_service_terminal", "tax_app", "bank_counter",
                   "service_window", "village_cash"):
        if source not in data:
            continue
        df = data[source]
        if "status" in df:
            got["bank_failed_rows"] = int((df["status"] == "failed").sum())
            df = df[df["status"] == "success"]
        pid = check_ids(df["id_number"], today=TODAY)
        assert pid["reason"].isna().all(), (source, pid["reason"].value_counts())
        got["repaired"] += int((df["id_number"] != pid["id_number"]).sum())
        amount, bad = parse_amount_fen(df["amount"])
        on, bad_on = parse_dates(df["paid_on"])
        assert not bad.any() and not bad_on.any() and not df["external_ref"].duplicated().any()
        payments.append(pd.DataFrame({"source": source, "ref": df["external_ref"], "id": pid["id_number"],
                                      "fen": amount.astype("int64"), "on": on,
                                      "unit_code": df.get("unit_code")}))
        if source == "school":
            registered = pd.concat([registered, df.assign(id=pid["id_number"])[["id", "category", "tier"]]])
    pay = pd.concat(payments, ignore_index=True).sort_values(["on", "source", "ref"], kind="stable")
    got["payments"], got["payments_fen"] = len(pay), int(pay["fen"].sum())
    got["enrollments"] = len(registered)
    lists = data["exemption"].assign(id=check_ids(data["exemption"]["id_number"], today=TODAY)["id_number"])
    rank = {e.code: e.precedence for e in c.exemptions}
    lists = lists.assign(rank=lists["exemption"].map(rank)).sort_values(["id", "rank"])
    effective = lists.drop_duplicates("id").set_index("id")["exemption"]
    got["exemption_persons"], got["on_two_lists"] = len(effective), int(lists["id"].duplicated().sum())
    who = registered.drop_duplicates("id").set_index("id")
    seen: set[str] = set()
    for row in pay.itertuples():
        if row.id not in who.index:
            got["anomalies"]["orphan_payment"] += 1
        elif row.id in seen:
            got["anomalies"]["duplicate_payment"] += 1
        else:
            person = who.loc[row.id]
            ex = effective.get(row.id)
            due = fen(quote(c, person["category"], int(person["tier"]), ex, row.on.date()).resident_pays)
            if row.fen != due:
                got["anomalies"]["underpaid" if row.fen < due else "overpaid"] += 1
        seen.add(row.id)
    if c.cash_double_limit and "cash_deposit" in data:
        cash = pay[pay["source"] == "village_cash"]
        slips = data["cash_deposit"]
        dep = slips.assign(fen=parse_amount_fen(slips["amount"])[0].astype("int64"),
                           on=parse_dates(slips["deposited_on"])[0])
        for unit, group in cash.groupby("unit_code"):
            receipts = group.groupby(group["on"].dt.date)["fen"].sum().to_dict()
            mine = dep[dep["unit_code"] == unit]
            deposits = mine.groupby(mine["on"].dt.date)["fen"].sum().to_dict()
            got["anomalies"].update(_walk_cash(receipts, deposits, fen(c.cash_double_limit.amount),
                                               c.cash_double_limit.days))
    return got


def test_manifest_counts_rederived_from_files(kaijiang):
    out, m = kaijiang
    got = derive(out, load_campaign("kaijiang-2020"))
    e = m.expected
    assert dict(got["rejections"]) == e["rejections"] == e["rejections_by_source"]["roster"]
    assert {k: v for k, v in got["anomalies"].items() if v} == e["anomalies"]
    for key in ("repaired", "payments", "payments_fen", "enrollments", "bank_failed_rows",
                "exemption_persons", "on_two_lists"):
        assert got[key] == e[key], key
    assert set(e["rejections"]) <= set(REJECTIONS) and set(e["anomalies"]) <= set(ANOMALIES)
    # Every injected defect shows up as exactly as many outcomes.
    inj = m.injected
    for code in ("id_checksum", "id_birth_date", "id_excel_mangled", "unit_unknown", "deceased",
                 "duplicate_enrollment"):
        assert inj[code] >= 1 and e["rejections"][code] == inj[code]
    assert e["anomalies"]["underpaid"] + e["anomalies"]["overpaid"] == inj["wrong_amount"]
    assert e["anomalies"]["duplicate_payment"] == inj["duplicate_payment"] >= 1
    assert e["anomalies"]["orphan_payment"] == inj["orphan_payment"] >= 1
    assert e["repaired"] == inj["fullwidth_or_spaces"] >= 1
    assert e["anomalies"].get("cash_limit_days", 0) == inj["cash_limit_days"] >= 1
    assert e["anomalies"].get("cash_limit_amount", 0) == inj["cash_limit_amount"] >= 1


def test_manifest_files_and_samples(kaijiang):
    out, m = kaijiang
    on_disk = sorted(str(p.relative_to(out)) for p in (out / "inbox").rglob("*") if p.is_file())
    assert on_disk == sorted(f["path"] for f in m.files)
    assert Manifest.read(out / "manifest.json").to_json() == json.loads(json.dumps(m.to_json()))
    for sample in m.people:
        assert "*" in sample["id"] and len(sample["id"]) in (0, 18)
        frame = read_source(out / sample["file"], sample["file"].split("/")[1])
        assert sample["row"] in set(frame["source_row"])
    rejected = {s["outcome"] for s in m.people if s["outcome"] in REJECTIONS}
    assert rejected == set(m.expected["rejections"])


def test_clean_rows_pass_id_checks(kaijiang):
    out, m = kaijiang
    c = load_campaign("kaijiang-2020")
    data = _read_all(out, c)
    for source in ("last_year_roster", "exemption", "deceased", "school"):
        assert check_ids(data[source]["id_number"], today=TODAY)["reason"].isna().all(), source
    roster = check_ids(data["roster"]["id_number"], today=TODAY)
    bad = roster["reason"].value_counts().to_dict()
    expected = {k: v for k, v in m.expected["rejections"].items() if k.startswith("id_")}
    assert bad == expected
    assert set(data["roster"]["category"]) == {"resident"} and set(data["roster"]["tier"]) == {"1"}


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    c = load_campaign("rucheng-2020")
    a = generate(c, 0.004, 11, tmp_path / "a")
    b = generate(c, 0.004, 11, tmp_path / "b")
    d = generate(c, 0.004, 12, tmp_path / "d")
    assert a.to_json() == b.to_json()
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()
    assert {f["sha256"] for f in a.files} != {f["sha256"] for f in d.files}
    assert a.expected != d.expected or a.people != d.people


@pytest.mark.parametrize("name", CAMPAIGNS)
def test_every_campaign_generates(tmp_path, name):
    c = load_campaign(name)
    m = generate(c, 0.003, 5, tmp_path)
    assert m.population == round(c.units.population_assumed * 0.003)
    assert m.expected["enrollments"] > 0.9 * m.population
    sources = {f["source"] for f in m.files}
    assert {"targets", "last_year_roster", "roster", "school", "exemption", "deceased"} <= sources
    registers = {"targets", "last_year_roster", "roster", "school", "exemption", "deceased", "cash_deposit"}
    assert sources - registers  # some payment channel
    got = derive(tmp_path, c)
    assert dict(got["rejections"]) == m.expected["rejections"]
    assert {k: v for k, v in got["anomalies"].items() if v} == m.expected["anomalies"]
    assert got["payments_fen"] == m.expected["payments_fen"]


def test_rucheng_split_targets_sum_exactly(tmp_path):
    c = load_campaign("rucheng-2020")
    for scale in (0.002, 0.01):
        generate(c, scale, 3, tmp_path / str(scale))
        t = read_source(tmp_path / str(scale) / "inbox/targets/任务分解表.xlsx", "targets")
        villages = t[t["level"] == "village"]
        assert villages["target"].astype(int).sum() == round(62390 * scale)
        towns = t[t["level"] == "town"]
        assert towns["target"].astype(int).sum() == round(62390 * scale)


def test_kaijiang_towns_proportional_to_annex(kaijiang):
    out, m = kaijiang
    c = load_campaign("kaijiang-2020")
    annex = {u.code: u.target for u in c.units.items if u.level == "town"}
    t = read_source(out / "inbox/targets/任务分解表.xlsx", "targets")
    towns = t[t["level"] == "town"].set_index("unit_code")["target"].astype(int)
    assert towns.sum() == m.population == round(513080 * 0.03)
    for code, target in annex.items():
        assert abs(towns[code] - target * 0.03) < 1


def test_default_rates_are_small():
    rates = DefectRates()
    assert all(0 <= v <= 0.05 for v in rates.to_json().values())


def test_worker_processes_do_not_change_bytes(tmp_path, monkeypatch):
    c = load_campaign("yuzhong-2021")
    serial = generate(c, 0.005, 3, tmp_path / "serial", workers=1)
    monkeypatch.setattr("canbao.generate.files.PARALLEL_CELLS", 0)
    forked = generate(c, 0.005, 3, tmp_path / "forked", workers=2)
    assert forked.files == serial.files and forked.expected == serial.expected


def test_refuses_to_replace_a_foreign_inbox(tmp_path):
    (tmp_path / "inbox" / "roster").mkdir(parents=True)
    (tmp_path / "inbox" / "roster" / "real.xlsx").write_bytes(b"x")
    with pytest.raises(FileExistsError):
        generate(load_campaign("rucheng-2020"), 0.002, 1, tmp_path)
    assert (tmp_path / "inbox" / "roster" / "real.xlsx").exists()

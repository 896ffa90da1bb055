"""The province benchmark: counties derived from one locality are distinct campaigns, and taken in one after
another into one PostgreSQL ledger they keep their people apart (a tiny smoke of bench/province.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.province import take_in_province
from bench.province_counties import county_configs
from canbao.generate.ids import other_areas
from canbao.ledger.schema import Enrollment, PriorInsured, Resident
from canbao.policy.load import load_campaign

SMOKE_SCALE = 0.0005  # ≈ 257 residents a county; every kind of file is still generated


def test_derived_counties_are_distinct_campaigns(tmp_path: Path):
    counties = [load_campaign(str(c.config)) for c in county_configs("kaijiang-2020", 12, tmp_path)]
    assert len({c.id for c in counties}) == len({c.campaign.locality for c in counties}) == 12
    areas = [c.campaign.area_code for c in counties]
    for k, c in enumerate(counties):
        assert c.units.population_assumed == 513080 and c.campaign.insurance_year == 2020  # Kaijiang's figures
        assert all(u.code.startswith(c.campaign.area_code) for u in c.units.items)
        others = {a for j, a in enumerate(areas) if j != k} | {o for j, a in enumerate(areas) if j != k
                                                                for o in other_areas(a)}
        assert not ({c.campaign.area_code, *other_areas(c.campaign.area_code)} & others)


@pytest.mark.postgres
def test_province_takes_counties_into_one_ledger(postgres_url: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch):
    counties = county_configs("kaijiang-2020", 2, tmp_path)
    monkeypatch.setenv("CANBAO_DATABASE_URL", postgres_url)  # the intake sets it: restored afterwards
    monkeypatch.setenv("CANBAO_WORKERS", "1")
    got = take_in_province(postgres_url, counties, SMOKE_SCALE, tmp_path, in_process=True)
    assert not [p for p in tmp_path.iterdir() if p.is_dir()]  # each county's files deleted after its intake
    engine = sa.create_engine(postgres_url)
    e, pr, r = Enrollment.__table__, PriorInsured.__table__, Resident.__table__
    with engine.connect() as conn:
        residents = list(conn.execute(sa.select(r.c.id_number)).scalars())
        for county, row in zip(counties, got["counties"], strict=True):
            manifest = row["generate"]
            enrolled = set(conn.execute(sa.select(e.c.id_number).where(e.c.campaign_id == county.campaign)).scalars())
            prior = set(conn.execute(sa.select(pr.c.id_number).where(pr.c.campaign_id == county.campaign)).scalars())
            assert len(enrolled) == manifest["enrollments"] > 0  # every county taken in, as its manifest says
            assert len(prior) == manifest["prior_insured"] > 0
            # A county's people carry its prefecture (its own area code or a neighbour's): none is another's.
            assert {i[:4] for i in enrolled | prior} == {county.area_code[:4]}
    engine.dispose()
    # Every resident in the ledger is one county's: the counties' residents sum to the ledger's.
    by_county = [sum(i.startswith(c.area_code[:4]) for i in residents) for c in counties]
    assert sum(by_county) == len(residents) == got["ledger"]["residents"] and min(by_county) > 0
    assert got["ledger"]["shared_ids"] == 0 and got["ledger"]["db_bytes"] > 0

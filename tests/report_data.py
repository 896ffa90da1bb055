"""A small random campaign written straight into a ledger, for the report tests (yuzhong-2021's rules)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from canbao.clock import SHANGHAI
from canbao.identity import make_id
from canbao.ledger.bulk import upsert
from canbao.ledger.schema import (
    PAYMENT_KEY,
    Campaign,
    Enrollment,
    Exemption,
    Import,
    Payment,
    PriorInsured,
    Resident,
    Unit,
)
from canbao.policy.load import load_campaign
from canbao.reports.ledger_frames import special_groups

__all__ = ["CAMPAIGN", "UNITS", "independent_counts", "owed_fen", "write_campaign"]

CAMPAIGN = "yuzhong-2021"
# code, name, level, parent, target: town 2 has no target of its own (its villages' sum), the school none.
UNITS = [
    ("500103", "渝中区", "county", None, None),
    ("50010301", "七星岗街道", "town", "500103", 60),
    ("50010302", "解放碑街道", "town", "500103", None),
    ("5001030101", "金汤街社区", "village", "50010301", 35),
    ("5001030102", "和平路社区", "village", "50010301", 30),
    ("5001030201", "民生路社区", "village", "50010302", 45),
    ("5001030202", "新华路社区", "village", "50010302", 40),
    ("50010390", "重庆医科大学", "school", "500103", None),
]
START, END = date(2020, 9, 1), date(2020, 12, 20)


def _people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    births = [date(1950, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 25000, n)]
    ids = [make_id("500103", b, 2 * i + 1 if i < 499 else 2 * (i - 499) + 2) for i, b in enumerate(births)]
    names = [("张王李赵陈刘"[i % 6] + "小明华丽"[i % 4] + ("娜" if i % 3 else "")) for i in range(n)]
    return pd.DataFrame({"id_number": ids, "name": names, "sex": ["M" if i < 499 else "F" for i in range(n)],
                         "birth_date": births})


def write_campaign(engine: Engine, seed: int = 1, n: int = 240) -> pd.DataFrame:
    """Write units, residents, registrations, payments and exemption lists; returns the people frame."""
    rng = np.random.default_rng(seed)
    people = _people(rng, n)
    span = (END - START).days
    units = [u[0] for u in UNITS if u[2] in ("village", "school")]
    people["unit_code"] = rng.choice(units, n, p=[0.22, 0.22, 0.22, 0.22, 0.12])
    people["registered"] = rng.random(n) < 0.85
    people["registered_at"] = [START + timedelta(days=int(d)) for d in rng.beta(2, 2.5, n) * span]
    people["tier"] = np.where(rng.random(n) < 0.3, 2, 1)
    people["channel"] = np.where(people["unit_code"] == "50010390", "school", "service_window")
    roll = rng.random(n)
    people["exemption"] = np.select([roll < 0.08, roll < 0.16, roll < 0.2], ["tekun", "dibao", "severe_disability"],
                                    None)
    with engine.begin() as conn:
        now = datetime(2020, 8, 31, tzinfo=UTC)  # imported before the campaign: known on every report date
        upsert(conn, Campaign, [{"id": CAMPAIGN, "locality": "渝中区", "insurance_year": 2021,
                                 "config_sha256": "0" * 64, "opened_at": now}], keys=["id"])
        upsert(conn, Unit, [{"campaign_id": CAMPAIGN, "code": c, "name": nm, "level": lv, "parent_code": p,
                             "target": t} for c, nm, lv, p, t in UNITS], keys=["campaign_id", "code"])
        upsert(conn, Import, [{"id": 1, "campaign_id": CAMPAIGN, "source": "roster", "file_name": "t.xlsx",
                               "sha256": "1" * 64, "rows_total": n, "rows_accepted": n, "rows_rejected": 0,
                               "imported_at": now}], keys=["id"])
        upsert(conn, Resident, people[["id_number", "name", "sex", "birth_date"]], keys=["id_number"])
        reg = people[people["registered"]]
        upsert(conn, Enrollment, reg.assign(campaign_id=CAMPAIGN, category="resident", kind="renewal",
                                            import_id=1, source_row=range(len(reg)))[
            ["campaign_id", "id_number", "unit_code", "category", "tier", "channel", "kind", "registered_at",
             "import_id", "source_row"]], keys=["campaign_id", "id_number"])
        payers = people[rng.random(n) < 0.8]
        lag = rng.integers(-3, 25, len(payers))
        upsert(conn, Payment, pd.DataFrame({
            "campaign_id": CAMPAIGN, "channel": "service_window", "external_ref": [f"R{i}" for i in payers.index],
            "id_number": payers["id_number"], "unit_code": payers["unit_code"], "amount_fen": 28000,
            "paid_on": [d + timedelta(days=int(x)) for d, x in zip(payers["registered_at"], lag)],
            "import_id": 1, "source_row": range(len(payers))}),
            keys=PAYMENT_KEY)
        listed = people[people["exemption"].notna()]
        approved = [None if rng.random() < 0.3 else datetime(2020, 9, 1, 12, tzinfo=UTC)
                    + timedelta(days=int(rng.integers(0, 110)), hours=int(rng.integers(0, 24))) for _ in listed.index]
        upsert(conn, Exemption, pd.DataFrame({
            "campaign_id": CAMPAIGN, "id_number": listed["id_number"], "category": listed["exemption"],
            "agency": "medical_insurance", "source_list": "list.xlsx", "approved_at": approved, "import_id": 1}),
            keys=["campaign_id", "id_number"])
    return people


def _ancestors(parent: dict[str, str | None], code: str | None) -> list[str]:
    out = []
    while code is not None and code in parent and code not in out:
        out.append(code)
        code = parent[code]
    return out


def owed_fen(c, category: str, tier: int, exemption: str | None, paid_on: date | None = None) -> int:
    """What a resident pays himself, read straight from the config (not through `quote`): the individual
    shares of the category × tier lines, plus the subsidy standard when paid after the late date, less a
    full exemption (everything) or a partial one (its subsidy). E.g. yuzhong-2021: 280 yuan at tier 1,
    655 at tier 2; a 低保 resident (280 subsidy) owes 0 at tier 1 and 375 at tier 2."""
    k = c.contribution
    total = sum(line.individual for line in k.lines if line.category == category and line.tier == tier)
    if k.late and paid_on is not None and paid_on > k.late.after:
        total += k.late.subsidy_standard
    found = next((e for e in c.exemptions if e.code == exemption), None)
    if found is not None:
        total = total - min(found.subsidy, total) if found.funding_mode == "partial_subsidy" and found.subsidy else 0
    return int(total * 100)


def independent_counts(engine: Engine, campaign: str, day: date) -> dict[str, Counter]:
    """Per unit subtree, from the raw rows: registered, paid, exempt (subsidy-covered), enrolled, special_*.

    Enrolled: registered by the day and either a subsidy in effect (approved by the day's end) covers the
    whole individual part, or the person's first payment made by the day covers what is owed.
    """
    c = load_campaign(campaign)
    e, p, x, pr = Enrollment.__table__, Payment.__table__, Exemption.__table__, PriorInsured.__table__
    cutoff = datetime.combine(day + timedelta(days=1), time(0), SHANGHAI)
    with engine.connect() as conn:
        rows = conn.execute(select(Unit.code, Unit.parent_code, Unit.level).where(Unit.campaign_id == campaign)).all()
        regs = conn.execute(select(e.c.id_number, e.c.unit_code, e.c.category, e.c.tier, e.c.registered_at)
                            .where(e.c.campaign_id == campaign)).all()
        pays = conn.execute(select(p.c.id_number, p.c.paid_on, p.c.channel, p.c.external_ref, p.c.amount_fen)
                            .where(p.c.campaign_id == campaign)).all()
        lists = conn.execute(select(x.c.id_number, x.c.category, x.c.approved_at)
                             .where(x.c.campaign_id == campaign)).all()
        prior = dict(conn.execute(select(pr.c.id_number, pr.c.unit_code).where(pr.c.campaign_id == campaign)).all())
    county = next(r.code for r in rows if r.level == "county")
    # schools count toward the county only (never their town): their own collection units
    parent = {r.code: (county if r.level == "school" else r.parent_code) for r in rows}
    counts: dict[str, Counter] = {code: Counter() for code in parent}
    in_effect = {i: g for i, g, at in lists if at is None or at.astimezone(SHANGHAI) < cutoff}
    first: dict[str, tuple[date, int]] = {}
    for i, paid_on, _channel, _ref, amount in sorted(pays, key=lambda r: (r[1], r[2], r[3])):
        if paid_on <= day:
            first.setdefault(i, (paid_on, amount))
    enrolled, units = set(), {}
    for i, unit, category, tier, registered_at in regs:
        if registered_at > day:
            continue
        units[i] = unit
        covered = i in in_effect and owed_fen(c, category, tier, in_effect[i]) == 0
        paid = not covered and i in first and first[i][1] >= owed_fen(c, category, tier, in_effect.get(i),
                                                                       first[i][0])
        for code in _ancestors(parent, unit):
            counts[code].update(registered=1, exempt=int(covered), paid=int(paid), enrolled=int(covered or paid))
        if covered or paid:
            enrolled.add(i)
    for i, group in in_effect.items():
        if group in special_groups(c):
            for code in _ancestors(parent, units.get(i) or prior.get(i) or county):
                counts[code].update(special_target=1, special_enrolled=int(i in enrolled))
    return counts

"""Rule cutoffs (Haimen 九, Yuzhong 一(二)1): the residents a rule change affects, and the watch's warning."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, select, update

from canbao.deadlines import alert_message, deadline_states
from canbao.deadlines.cutoffs import cutoff_affected, cutoff_of, cutoff_warning
from canbao.ledger.schema import Enrollment, Exemption, Payment
from canbao.policy.load import load_campaign
from tests.report_data import CAMPAIGN, write_campaign

YUZHONG_WARNING = ("还有{n}名普通居民尚未缴费：2021年6月30日后参保缴费的，个人缴费为档次标准另加当年财政补助标准"
                   "（一档280元+、二档655元+）")


def people_frame(rows: list[tuple[str, str, bool, str | None]]) -> pd.DataFrame:
    """(kind, category, enrolled, enrolled_on) per person, all registered on 2019-11-01."""
    return pd.DataFrame({"registered_at": pd.Timestamp("2019-11-01"), "kind": [r[0] for r in rows],
                         "category": [r[1] for r in rows], "enrolled": [r[2] for r in rows],
                         "enrolled_on": pd.to_datetime([r[3] for r in rows])})


def test_haimen_continuity_cutoff_counts_unpaid_renewals_only() -> None:
    c = load_campaign("haimen-2020")
    cutoff = cutoff_of(c, "continuity_cutoff")
    people = people_frame([("renewal", "resident", False, None), ("renewal", "resident", False, None),
                           ("renewal", "resident", True, "2020-03-01"), ("renewal", "resident", True, "2020-03-25"),
                           ("new", "resident", False, None)])
    assert cutoff_affected(cutoff, people, date(2020, 3, 20)) == 3  # paid on 03-25 is still unpaid on 03-20
    assert cutoff_affected(cutoff, people, date(2020, 3, 30)) == 2
    assert cutoff_warning(cutoff, date(2020, 3, 31), 2) == (
        "还有2名续保人员尚未缴费：2020年3月31日后缴费的，须待6个月过渡期满后方可享受居民医保待遇")
    opens = cutoff_of(c, "late_payment_opens")
    assert cutoff_affected(opens, people, date(2019, 12, 25)) == 5  # nobody had paid by then
    assert "2020年1月1日起" in cutoff_warning(opens, date(2020, 1, 1), 5)


def _expected_unpaid(engine: Engine) -> int:
    """Registered ordinary residents with no matched/overpaid payment and something left to pay (oracle)."""
    with engine.connect() as conn:
        e, p, x = Enrollment.__table__, Payment.__table__, Exemption.__table__
        reg = pd.DataFrame(conn.execute(select(e.c.id_number, e.c.tier, e.c.category)).all(),
                           columns=["id_number", "tier", "category"])
        paid = {r[0] for r in conn.execute(select(p.c.id_number).where(p.c.status.in_(["matched", "overpaid"])))}
        groups = dict(conn.execute(select(x.c.id_number, x.c.category)).all())
    # Yuzhong assumptions: tekun fully subsidised; dibao and severe disability 280, the whole tier-1 part (280).
    nothing_due = [groups.get(i) == "tekun" or (groups.get(i) in ("dibao", "severe_disability") and t == 1)
                   for i, t in zip(reg["id_number"], reg["tier"])]
    unpaid = ~reg["id_number"].isin(paid) & ~pd.Series(nothing_due) & (reg["category"] == "resident")
    return int(unpaid.sum())


def _state(engine: Engine, day: date):
    with engine.connect() as conn:
        return next(s for s in deadline_states(conn, load_campaign(CAMPAIGN), day) if s.code == "late_price_change")


def test_yuzhong_price_change_warns_with_the_number_of_unpaid_residents(ledger_engine: Engine) -> None:
    write_campaign(ledger_engine)
    n = _expected_unpaid(ledger_engine)
    assert n > 0
    before = _state(ledger_engine, date(2021, 6, 21))  # 7 working days before 06-30, warned 10 ahead
    assert (before.kind, before.state, before.working_days) == ("rule_cutoff", "approaching", 7)
    assert before.detail == YUZHONG_WARNING.format(n=n)
    message = alert_message(before)
    assert message.subject == ("【规则变化提醒】渝中区：普通居民按原档次标准缴费截止（此后加收当年财政补助标准）"
                               "（2021-06-30，还剩7个工作日）")
    assert YUZHONG_WARNING.format(n=n) in message.body
    after = _state(ledger_engine, date(2021, 7, 1))
    assert (after.state, after.detail) == ("done", "规则已于2021-06-30变化生效")


def test_college_students_are_not_counted_for_the_residents_price_change(ledger_engine: Engine) -> None:
    write_campaign(ledger_engine)
    n = _expected_unpaid(ledger_engine)
    with ledger_engine.begin() as conn:
        e, p = Enrollment.__table__, Payment.__table__
        paid = select(p.c.id_number).where(p.c.status.in_(["matched", "overpaid"]))
        one = conn.execute(select(e.c.id_number).where(e.c.tier == 2, e.c.id_number.not_in(paid))
                           .order_by(e.c.id_number).limit(1)).scalar_one()
        conn.execute(update(e).where(e.c.id_number == one).values(category="college_student"))
    assert _expected_unpaid(ledger_engine) == n - 1
    assert _state(ledger_engine, date(2021, 6, 21)).detail == YUZHONG_WARNING.format(n=n - 1)

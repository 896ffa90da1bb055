"""Rule cutoffs (Haimen 九, Yuzhong 一(二)1): the residents a rule change affects, and the watch's warning."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, select, update

from canbao.deadlines import alert_message, deadline_states
from canbao.deadlines.cutoffs import cutoff_affected, cutoff_of, cutoff_warning
from canbao.ledger.schema import Enrollment, Exemption, Payment
from canbao.policy.load import load_campaign
from tests.report_data import CAMPAIGN, owed_fen, write_campaign

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


def _expected_unpaid(engine: Engine, day: date) -> int:
    """Ordinary residents registered by `day` whose contribution is not settled by then (oracle): their first
    payment by the day falls short of what they owe (read straight from the config, `owed_fen`), or there is none;
    someone whose exemption (approved by then, or never needing approval) leaves nothing to pay is settled."""
    c = load_campaign(CAMPAIGN)
    cut = pd.Timestamp(day) + pd.Timedelta(days=1)
    with engine.connect() as conn:
        e, p, x = Enrollment.__table__, Payment.__table__, Exemption.__table__
        reg = pd.DataFrame(conn.execute(select(e.c.id_number, e.c.tier, e.c.category, e.c.registered_at)).all(),
                           columns=["id_number", "tier", "category", "registered_at"])
        pays = pd.DataFrame(conn.execute(select(p.c.id_number, p.c.amount_fen, p.c.paid_on)).all(),
                            columns=["id_number", "amount_fen", "paid_on"])
        listed = conn.execute(select(x.c.id_number, x.c.category, x.c.approved_at)).all()
    groups = {i: g for i, g, at in listed if at is None or pd.Timestamp(at).tz_convert("Asia/Shanghai")
              .tz_localize(None) < cut}
    pays = pays[pd.to_datetime(pays["paid_on"]) <= pd.Timestamp(day)].sort_values("paid_on")
    first = pays.drop_duplicates("id_number").set_index("id_number")["amount_fen"]
    unpaid = 0
    for r in reg.itertuples():
        if r.category != "resident" or pd.Timestamp(r.registered_at) > pd.Timestamp(day):
            continue
        owed = owed_fen(c, r.category, int(r.tier), groups.get(r.id_number))
        settled = owed == 0 or (r.id_number in first.index and int(first[r.id_number]) >= owed)
        unpaid += not settled
    return unpaid


def _state(engine: Engine, day: date):
    with engine.connect() as conn:
        return next(s for s in deadline_states(conn, load_campaign(CAMPAIGN), day) if s.code == "late_price_change")


def test_yuzhong_price_change_warns_with_the_number_of_unpaid_residents(ledger_engine: Engine) -> None:
    write_campaign(ledger_engine)
    n = _expected_unpaid(ledger_engine, date(2021, 6, 21))
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
    day = date(2021, 6, 21)
    n = _expected_unpaid(ledger_engine, day)
    with ledger_engine.begin() as conn:
        e, x = Enrollment.__table__, Exemption.__table__
        # a tier-2 resident with no exemption owes 655 and paid at most 280: unpaid whatever the payments say
        one = conn.execute(select(e.c.id_number).where(e.c.tier == 2, e.c.id_number.not_in(select(x.c.id_number)))
                           .order_by(e.c.id_number).limit(1)).scalar_one()
        conn.execute(update(e).where(e.c.id_number == one).values(category="college_student"))
    assert _expected_unpaid(ledger_engine, day) == n - 1
    assert _state(ledger_engine, date(2021, 6, 21)).detail == YUZHONG_WARNING.format(n=n - 1)

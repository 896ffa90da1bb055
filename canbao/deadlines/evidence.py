"""What the ledger said about a deadline on a day: done, not done, or nothing to judge by (None), in Chinese."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, and_, func, or_, select

from canbao.deadlines.occurrences import Due
from canbao.ledger.schema import Exemption, Import, Unit
from canbao.ledger.schema_exemptions import ExemptionList
from canbao.ledger.schema_reports import ReportSnapshot
from canbao.ledger.schema_settlement import DeadlineRecord, FiscalTransfer
from canbao.money import format_yuan, yuan
from canbao.policy.model import Campaign
from canbao.state import campaign_figures, campaign_state, known_by, load_facts, pct, rate_label

__all__ = ["Evidence", "evidence"]

_LIST_STATUS = {"received": "待审批", "approved": "已审批", "approved_with_exclusions": "已审批（有剔除）",
                "rejected": "已退回，待重新报送", "superseded": "已被新版本替代"}


@dataclass(frozen=True)
class Evidence:
    """Whether the duty is done (None: the ledger cannot tell) and what was found, in Chinese."""

    done: bool | None
    detail: str


def _completion(conn: Connection, c: Campaign, due: Due, day: date) -> Evidence | None:
    """A completion the coordinator recorded for this very deadline (a UI form or a confirming file) by `day`."""
    d = DeadlineRecord.__table__
    on = conn.execute(select(d.c.completed_on).where(d.c.campaign_id == c.id, d.c.code == due.entry.code)).scalar()
    return Evidence(True, f"已于{on:%Y-%m-%d}登记完成") if on is not None and on <= day else None


def _list_status(row, cut: datetime, newer: bool) -> str:
    """A list version's status as it stood at the cut: decided (or superseded) later reads as received.
    A decision without a recorded time counts as made."""
    decided = row.decided_at is None or row.decided_at < cut
    if row.status == "superseded":
        return "superseded" if newer else "received"
    return row.status if decided or row.status == "received" else "received"


def _exemption_list(conn: Connection, c: Campaign, due: Due, day: date) -> Evidence:
    """Done once the agency's latest list version received by then is not sent back; approval shown in detail."""
    agency, t, cut = due.entry.owner, ExemptionList.__table__, known_by(day)
    versions = conn.execute(select(t.c.version, t.c.status, t.c.decided_at).where(
        t.c.campaign_id == c.id, t.c.agency == agency, t.c.received_at < cut).order_by(t.c.version.desc())).all()
    states = [_list_status(v, cut, i > 0) for i, v in enumerate(versions)]
    latest = next(((v, st) for v, st in zip(versions, states) if st != "superseded"), None)
    if latest is not None:
        v, status = latest
        return Evidence(status != "rejected", f"第{v.version}版名单{_LIST_STATUS[status]}")
    i = Import.__table__
    files = conn.execute(select(func.count()).select_from(i).where(
        i.c.campaign_id == c.id, i.c.source == "exemption", i.c.file_name.like(f"{agency}/%"),
        i.c.imported_at < cut)).scalar_one()
    x = Exemption.__table__
    approved = conn.execute(select(func.count()).select_from(x).where(
        x.c.campaign_id == c.id, x.c.agency == agency, x.c.approved_at < cut)).scalar_one()
    if not files:
        return Evidence(False, "尚未收到名单")
    return Evidence(True, f"已收到名单{files}份" + ("，已审批" if approved else "，待审批"))


def _exemption_entry(conn: Connection, c: Campaign, due: Due, day: date) -> Evidence:
    """Everyone on a list in effect by then is registered by then (`canbao.state`)."""
    state = campaign_state(c, load_facts(conn, c.id), day)
    total = len(state.exemptions)
    if not total:
        return Evidence(None, "台账中尚无免缴对象")
    entered = int(state.exemptions["id_number"].isin(set(state.people["id_number"])).sum())
    return Evidence(entered >= total, f"免缴对象{total}人，已登记{entered}人")


def _report(conn: Connection, c: Campaign, due: Due, day: date) -> Evidence:
    r = ReportSnapshot.__table__
    n = conn.execute(select(func.count()).select_from(r).where(
        r.c.campaign_id == c.id, r.c.kind == "weekly", r.c.as_of >= due.on - timedelta(days=3),
        r.c.as_of < due.on + timedelta(days=7), r.c.created_at < known_by(day))).scalar_one()
    return Evidence(bool(n), f"{due.on:%m月%d日}周报" + ("已生成" if n else "未生成"))


def _fiscal_transfer(conn: Connection, c: Campaign, due: Due, day: date) -> Evidence:
    """Done when every transfer tied to this deadline (or falling due on its date) and requested by then is
    confirmed by then."""
    t = FiscalTransfer.__table__
    rows = conn.execute(select(t.c.status, t.c.amount_fen, t.c.confirmed_on).where(
        t.c.campaign_id == c.id, t.c.requested_on <= day, or_(
            t.c.deadline_code == due.entry.code, and_(t.c.deadline_code.is_(None), t.c.due_on == due.on)))).all()
    if not rows:
        return Evidence(None, "台账中尚无该项财政资金解缴记录")
    confirmed = [r for r in rows if r.status == "confirmed" and r.confirmed_on is not None and r.confirmed_on <= day]
    open_fen = sum(r.amount_fen for r in rows if r not in confirmed)
    unpaid = f"，未到账{format_yuan(yuan(open_fen))}元" if open_fen else ""
    return Evidence(len(confirmed) == len(rows), f"解缴{len(rows)}笔，已确认{len(confirmed)}笔{unpaid}")


def _participation(conn: Connection, c: Campaign, due: Due, day: date) -> Evidence:
    """The towns' (or schools') enrolled against their summed targets, as `canbao figures` counts them."""
    total = campaign_figures(c, load_facts(conn, c.id), day).totals[
        "schools" if due.entry.owner == "schools" else "towns"]
    if not total["target"]:
        return Evidence(None, "台账中尚无目标任务")
    goal = math.ceil(float(c.reporting.goal_rate) * int(total["target"]))
    return Evidence(total["enrolled"] >= goal, f"已参保{total['enrolled']}人，目标{total['target']}人，"
                    f"{rate_label(total['basis'])}{pct(total['rate'])}%")


def _targets(conn: Connection, c: Campaign, due: Due, day: date) -> Evidence:
    u = Unit.__table__
    n = conn.execute(select(func.count()).select_from(u).where(
        u.c.campaign_id == c.id, u.c.level == "town", u.c.target.is_not(None))).scalar_one()
    return Evidence(bool(n), f"{n}个镇（街道）已有目标任务" if n else "目标任务尚未下达")


_BY_KIND = {"exemption_list": _exemption_list, "exemption_entry": _exemption_entry, "report": _report,
            "fiscal_transfer": _fiscal_transfer, "registration": _participation, "payment": _participation,
            "targets": _targets}


def evidence(conn: Connection, c: Campaign, due: Due, day: date) -> Evidence:
    """The ledger's answer for one occurrence as of the end of `day`: a fact recorded later does not count.
    Kinds it has no data for answer None ("无法从台账判断")."""
    recorded = _completion(conn, c, due, day)
    if recorded is not None:
        return recorded
    probe = _BY_KIND.get(due.entry.kind)
    return probe(conn, c, due, day) if probe else Evidence(None, "无法从台账判断，请人工确认")

"""What the ledger says about a deadline: done, not done, or nothing to judge by (None), with a Chinese detail."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, and_, func, or_, select

from canbao.deadlines.occurrences import Due
from canbao.ledger.schema import Enrollment, Exemption, Import, Unit
from canbao.ledger.schema_exemptions import ExemptionList
from canbao.ledger.schema_reports import ReportSnapshot
from canbao.ledger.schema_settlement import DeadlineRecord, FiscalTransfer
from canbao.money import format_yuan, yuan
from canbao.policy.model import Campaign

__all__ = ["Evidence", "evidence"]

_LIST_STATUS = {"received": "待审批", "approved": "已审批", "approved_with_exclusions": "已审批（有剔除）",
                "rejected": "已退回，待重新报送", "superseded": "已被新版本替代"}


@dataclass(frozen=True)
class Evidence:
    """Whether the duty is done (None: the ledger cannot tell) and what was found, in Chinese."""

    done: bool | None
    detail: str


def _completion(conn: Connection, c: Campaign, due: Due) -> Evidence | None:
    """A completion the coordinator recorded for this very deadline (a UI form or a confirming file)."""
    d = DeadlineRecord.__table__
    on = conn.execute(select(d.c.completed_on).where(d.c.campaign_id == c.id, d.c.code == due.entry.code)).scalar()
    return Evidence(True, f"已于{on:%Y-%m-%d}登记完成") if on is not None else None


def _exemption_list(conn: Connection, c: Campaign, due: Due) -> Evidence:
    """Done once the agency's latest list version is received and not sent back; approval shown in detail."""
    agency, t = due.entry.owner, ExemptionList.__table__
    latest = conn.execute(select(t.c.version, t.c.status).where(
        t.c.campaign_id == c.id, t.c.agency == agency, t.c.status != "superseded").order_by(
        t.c.version.desc()).limit(1)).first()
    if latest is not None:
        return Evidence(latest.status != "rejected", f"第{latest.version}版名单{_LIST_STATUS[latest.status]}")
    i = Import.__table__
    files = conn.execute(select(func.count()).select_from(i).where(
        i.c.campaign_id == c.id, i.c.source == "exemption", i.c.file_name.like(f"{agency}/%"))).scalar_one()
    x = Exemption.__table__
    approved = conn.execute(select(func.count()).select_from(x).where(
        x.c.campaign_id == c.id, x.c.agency == agency, x.c.approved_at.is_not(None))).scalar_one()
    if not files:
        return Evidence(False, "尚未收到名单")
    return Evidence(True, f"已收到名单{files}份" + ("，已审批" if approved else "，待审批"))


def _exemption_entry(conn: Connection, c: Campaign, due: Due) -> Evidence:
    x, e = Exemption.__table__, Enrollment.__table__
    total = conn.execute(select(func.count()).select_from(x).where(x.c.campaign_id == c.id)).scalar_one()
    if not total:
        return Evidence(None, "台账中尚无免缴对象")
    entered = conn.execute(select(func.count()).select_from(x.join(e, and_(
        e.c.campaign_id == x.c.campaign_id, e.c.id_number == x.c.id_number))).where(
        x.c.campaign_id == c.id)).scalar_one()
    return Evidence(entered >= total, f"免缴对象{total}人，已登记{entered}人")


def _report(conn: Connection, c: Campaign, due: Due) -> Evidence:
    r = ReportSnapshot.__table__
    n = conn.execute(select(func.count()).select_from(r).where(
        r.c.campaign_id == c.id, r.c.kind == "weekly", r.c.as_of >= due.on - timedelta(days=3),
        r.c.as_of < due.on + timedelta(days=7))).scalar_one()
    return Evidence(bool(n), f"{due.on:%m月%d日}周报" + ("已生成" if n else "未生成"))


def _fiscal_transfer(conn: Connection, c: Campaign, due: Due) -> Evidence:
    """Done when every transfer tied to this deadline (or falling due on its date) is confirmed."""
    t = FiscalTransfer.__table__
    rows = conn.execute(select(t.c.status, t.c.amount_fen).where(t.c.campaign_id == c.id, or_(
        t.c.deadline_code == due.entry.code, and_(t.c.deadline_code.is_(None), t.c.due_on == due.on)))).all()
    if not rows:
        return Evidence(None, "台账中尚无该项财政资金解缴记录")
    confirmed = [r for r in rows if r.status == "confirmed"]
    open_fen = sum(r.amount_fen for r in rows if r.status != "confirmed")
    unpaid = f"，未到账{format_yuan(yuan(open_fen))}元" if open_fen else ""
    return Evidence(len(confirmed) == len(rows), f"解缴{len(rows)}笔，已确认{len(confirmed)}笔{unpaid}")


def _participation(conn: Connection, c: Campaign, due: Due) -> Evidence:
    u, e = Unit.__table__, Enrollment.__table__
    level = "school" if due.entry.owner == "schools" else "town"
    target = conn.execute(select(func.sum(u.c.target)).where(u.c.campaign_id == c.id, u.c.level == level)).scalar()
    if not target:
        return Evidence(None, "台账中尚无目标任务")
    units = select(u.c.code).where(u.c.campaign_id == c.id, or_(u.c.level == level, u.c.parent_code.in_(
        select(u.c.code).where(u.c.campaign_id == c.id, u.c.level == level))))
    enrolled = conn.execute(select(func.count()).select_from(e).where(
        e.c.campaign_id == c.id, e.c.unit_code.in_(units))).scalar_one()
    goal = math.ceil(float(c.reporting.goal_rate) * int(target))
    return Evidence(enrolled >= goal, f"已参保{enrolled}人，目标{target}人，参保率{enrolled / int(target):.1%}")


def _targets(conn: Connection, c: Campaign, due: Due) -> Evidence:
    u = Unit.__table__
    n = conn.execute(select(func.count()).select_from(u).where(
        u.c.campaign_id == c.id, u.c.level == "town", u.c.target.is_not(None))).scalar_one()
    return Evidence(bool(n), f"{n}个镇（街道）已有目标任务" if n else "目标任务尚未下达")


_BY_KIND = {"exemption_list": _exemption_list, "exemption_entry": _exemption_entry, "report": _report,
            "fiscal_transfer": _fiscal_transfer, "registration": _participation, "payment": _participation,
            "targets": _targets}


def evidence(conn: Connection, c: Campaign, due: Due) -> Evidence:
    """The ledger's answer for one occurrence; kinds it has no data for answer None ("无法从台账判断")."""
    recorded = _completion(conn, c, due)
    if recorded is not None:
        return recorded
    probe = _BY_KIND.get(due.entry.kind)
    return probe(conn, c, due) if probe else Evidence(None, "无法从台账判断，请人工确认")

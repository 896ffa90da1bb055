"""A plain-text overview of a campaign's policy: deadline calendar and contribution table."""

from __future__ import annotations

from canbao.money import format_yuan
from canbao.policy.deadlines import deadline_calendar
from canbao.policy.model import Campaign
from canbao.policy.quote import quote

__all__ = ["policy_overview"]


def _deadlines(c: Campaign) -> list[str]:
    lines = ["截止日期 (deadline calendar):"]
    for d in deadline_calendar(c):
        when = d.date.isoformat() if d.date else f"{d.start} ~ {d.end}"
        flag = " [假定]" if d.assumed else ""
        lines.append(f"  {when:<24} {d.name}（{d.owner_name}）{flag}")
    return lines


def _contributions(c: Campaign) -> list[str]:
    k = c.contribution
    lines = ["缴费标准 (contribution table, 元/人):",
             f"  {'类别':<8}{'档次':<6}{'个人缴费':>10}{'政府补助':>10}{'基金划转':>10}{'筹资合计':>10}"]
    for cat in k.categories:
        for tier, tier_name in k.tiers.items():
            q = quote(c, cat.code, tier)
            total = q.individual_part + q.government_subsidy + q.fund_transfer
            lines.append(f"  {cat.name:<8}{tier_name:<6}{format_yuan(q.individual_part):>10}"
                         f"{format_yuan(q.government_subsidy):>10}{format_yuan(q.fund_transfer):>10}"
                         f"{format_yuan(total):>10}")
    if k.late:
        lines.append(f"  {k.late.after} 之后缴费：个人另缴财政补助标准 {format_yuan(k.late.subsidy_standard)} 元")
    for opt in k.optional:
        lines.append(f"  自愿：{opt.name} {format_yuan(opt.amount)} 元")
    if c.exemptions:
        lines.append("资助参保 (exemptions):")
        agencies = {a.code: a.name for a in c.agencies}
        for e in c.exemptions:
            q = quote(c, k.categories[0].code, 1, e.code)
            settle = f"，与{agencies.get(e.settle_with, e.settle_with)}结算" if e.settle_with else ""
            lines.append(f"  {e.name}：{e.funding_mode}，代缴 {format_yuan(q.paid_on_behalf)} 元"
                         f"（{agencies.get(e.agency, e.agency)}认定{settle}）")
    return lines


def policy_overview(c: Campaign) -> str:
    """The overview text for one campaign."""
    info = c.campaign
    head = [f"== {info.locality} {info.insurance_year} 年度城乡居民医保参保缴费 ({info.id}) ==", info.notice]
    return "\n".join([*head, *_deadlines(c), *_contributions(c), ""])

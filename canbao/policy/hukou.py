"""The local-hukou condition some groups carry (Kaijiang 二(一): 具有我县户籍的特殊困难群体), as far as data shows it.

The ledger has no hukou field: an agency's list names the town it serves, and the ID number's first six
digits name the county that issued it (it does not change when a hukou moves). So an ID issued in the
county is taken as local, and one issued elsewhere is flagged for a check, never refused.
"""

from __future__ import annotations

from typing import Literal

from canbao.policy.model import Campaign

__all__ = ["HukouCheck", "hukou_check"]

HukouCheck = Literal["not_required", "local_id", "check_hukou"]


def hukou_check(c: Campaign, exemption: str | None, id_number: str) -> HukouCheck:
    """`not_required` unless the group needs local hukou; then `local_id` (issued in the county) or `check_hukou`."""
    group = next((e for e in c.exemptions if e.code == exemption), None)
    if group is None or not group.local_hukou:
        return "not_required"
    return "local_id" if id_number[:6] == c.campaign.area_code else "check_hukou"

"""Which exemption groups the progress reports follow as special groups (the facts come from `canbao.state`)."""

from __future__ import annotations

from canbao.policy.model import Campaign

__all__ = ["special_groups"]


def special_groups(c: Campaign) -> dict[str, str]:
    """Exemption code → name of the groups the bulletin reports: the flagged ones, else every exemption."""
    flagged = [e for e in c.exemptions if e.special_group]
    return {e.code: e.name for e in (flagged or c.exemptions)}

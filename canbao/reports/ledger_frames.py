"""Which exemption groups the progress reports follow as special groups (the facts come from `canbao.state`)."""

from __future__ import annotations

from canbao.policy.model import Campaign

__all__ = ["bulletin_groups", "followed_groups", "special_groups"]


def special_groups(c: Campaign) -> dict[str, str]:
    """Exemption code → name of the groups the bulletin reports: the flagged ones, else every exemption."""
    flagged = [e for e in c.exemptions if e.special_group]
    return {e.code: e.name for e in (flagged or c.exemptions)}


def bulletin_groups(c: Campaign) -> dict[str, str]:
    """Exemption code → name of the groups that get a bulletin section, in order: a group named in
    `reporting.bulletin.groups` gets one; without that list, every special group does."""
    names = {e.code: e.name for e in c.exemptions}
    chosen = c.reporting.bulletin.groups
    return special_groups(c) if chosen is None else {g: names[g] for g in chosen}


def followed_groups(c: Campaign) -> dict[str, str]:
    """The groups the report counts: those with a bulletin section first, then the other special groups."""
    return bulletin_groups(c) | special_groups(c)

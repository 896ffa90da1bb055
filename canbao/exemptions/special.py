"""Special groups at 100% (Kaijiang, Yuzhong): every special-group person on the list not yet enrolled."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection

from canbao.policy.model import Campaign
from canbao.state import campaign_state, load_facts

__all__ = ["special_codes", "special_missing"]


def special_codes(c: Campaign) -> set[str]:
    """Exemption codes counted in the campaign's 100% special-group goal (empty when it has none)."""
    return {e.code for e in c.exemptions if e.special_group}


def special_missing(conn: Connection, c: Campaign, persons: pd.DataFrame, as_of: date) -> tuple[pd.DataFrame, int]:
    """Special-group persons not enrolled by the day (enrolled as `canbao.state` defines it), and the group's size."""
    group = persons[persons["exemption"].isin(special_codes(c))]
    people = campaign_state(c, load_facts(conn, c.id), as_of).people
    enrolled = set(people.loc[people["enrolled"], "id_number"])
    return group[~group["id_number"].isin(enrolled)], len(group)

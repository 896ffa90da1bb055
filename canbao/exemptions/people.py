"""The consolidated persons as the handoff needs them: name, town, registration, category and tier."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, select

from canbao.ledger.schema import Enrollment, PriorInsured, Resident, Unit
from canbao.policy.categories import categories_by_age
from canbao.policy.model import Campaign

__all__ = ["UNKNOWN_TOWN", "handoff_people", "town_of_units"]

UNKNOWN_TOWN = "未确定镇（街）"


def _frame(conn: Connection, stmt, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(conn.execute(stmt).all(), columns=columns)


def town_of_units(units: pd.DataFrame) -> dict[str, str]:
    """Unit code → the code of the town (or street, township) it lies in; towns map to themselves."""
    level, parent = dict(zip(units["code"], units["level"])), dict(zip(units["code"], units["parent_code"]))
    out = {}
    for code in units["code"]:
        at, hops = code, 0
        while at is not None and level.get(at) != "town" and hops < 5:
            at, hops = parent.get(at), hops + 1
        if at is not None and level.get(at) == "town":
            out[code] = at
    return out


def _town_by_name(text: pd.Series, towns: pd.DataFrame) -> pd.Series:
    """A town code for the town name an agency wrote (exact, or one name containing the other)."""
    names = list(zip(towns["code"], towns["name"]))

    def find(value: object) -> str | None:
        if not isinstance(value, str) or not value:
            return None
        exact = [code for code, name in names if name == value]
        near = [code for code, name in names if value in name or name in value]
        return (exact or near or [None])[0]

    return text.map(find)


def _for(conn: Connection, stmt, column, ids: list[str], columns: list[str]) -> pd.DataFrame:
    """Rows of `stmt` for the given ID numbers, queried in chunks."""
    parts = [_frame(conn, stmt.where(column.in_(ids[i:i + 5000])), columns) for i in range(0, len(ids), 5000)]
    parts = [x for x in parts if len(x)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def handoff_people(conn: Connection, c: Campaign, people: pd.DataFrame) -> pd.DataFrame:
    """Consolidated persons with name, person number, town, village, registration, category and tier."""
    ids = sorted(people["id_number"])
    r, e, u, p = Resident.__table__, Enrollment.__table__, Unit.__table__, PriorInsured.__table__
    residents = _for(conn, select(r.c.id_number, r.c.name, r.c.person_number, r.c.birth_date), r.c.id_number, ids,
                     ["id_number", "name", "person_number", "birth_date"])
    enrolled = _for(conn, select(e.c.id_number, e.c.unit_code, e.c.category, e.c.tier).where(e.c.campaign_id == c.id),
                    e.c.id_number, ids, ["id_number", "unit_code", "category", "tier"])
    prior = _for(conn, select(p.c.id_number, p.c.unit_code).where(p.c.campaign_id == c.id), p.c.id_number, ids,
                 ["id_number", "prior_unit"])
    units = _frame(conn, select(u.c.code, u.c.name, u.c.level, u.c.parent_code).where(u.c.campaign_id == c.id),
                   ["code", "name", "level", "parent_code"])
    out = people.merge(residents, on="id_number", how="left").merge(enrolled, on="id_number", how="left")
    out = out.merge(prior, on="id_number", how="left")
    town_of, unit_name = town_of_units(units), dict(zip(units["code"], units["name"]))
    level = dict(zip(units["code"], units["level"]))
    town = out["unit_code"].map(town_of).fillna(out["prior_unit"].map(town_of))
    town = town.fillna(_town_by_name(out["town"], units[units["level"] == "town"]))
    place = out["unit_code"].map(lambda x: unit_name.get(x) if level.get(x) in ("village", "school") else None)
    by_age = categories_by_age(c, pd.to_datetime(out["birth_date"]))
    return pd.DataFrame({
        "id_number": out["id_number"], "name": out["name"], "person_number": out["person_number"],
        "exemption": out["exemption"], "agency": out["agency"], "registered": out["unit_code"].notna(),
        "unit_code": out["unit_code"], "town_code": town, "town_name": town.map(unit_name).fillna(UNKNOWN_TOWN),
        "village": place.fillna(out["village"]), "category": out["category"].fillna(by_age),
        "tier": out["tier"].fillna(1).astype("int64"),
        "included_on": out.get("included_on"),
    })

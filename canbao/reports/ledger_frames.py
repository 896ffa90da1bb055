"""What progress reports read from the ledger: units, one row per registered person, special-group lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection, func, inspect, select

from canbao.clock import SHANGHAI
from canbao.ledger.schema import Base, Enrollment, Exemption, Payment, Unit
from canbao.policy.model import Campaign

__all__ = ["SETTLING_STATUSES", "ProgressInputs", "load_inputs", "special_groups"]

SETTLING_STATUSES = ("matched", "overpaid")  # a payment with one of these settles the contribution
_EVER = pd.Timestamp(date(1900, 1, 1))  # an exemption without an approval time counts from the start


@dataclass(frozen=True)
class ProgressInputs:
    """Units (code, name, level, parent_code, target, prior), people and special-group list members.

    `people`: id_number, unit_code, category, tier, channel, registered_at, paid_on (first settling payment),
    exempt_on (full exemption's approval day), all dates as datetime64. `special`: id_number, group,
    unit_code (enrollment unit, else last year's unit, else the county), listed_on.
    """

    units: pd.DataFrame
    people: pd.DataFrame
    special: pd.DataFrame


def special_groups(c: Campaign) -> dict[str, str]:
    """Exemption code → name of the groups the bulletin reports: the flagged ones, else every exemption."""
    flagged = [e for e in c.exemptions if e.special_group]
    return {e.code: e.name for e in (flagged or c.exemptions)}


def _frame(conn: Connection, stmt, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(conn.execute(stmt).all(), columns=columns)


def _dates(values: pd.Series) -> pd.Series:
    """Calendar dates as datetime64 days; missing stays NaT."""
    return pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[ns]")


def _shanghai_days(values: pd.Series) -> pd.Series:
    """Aware timestamps as the Shanghai calendar day they fall on (datetime64); missing stays NaT."""
    stamps = pd.to_datetime(pd.Series(values, dtype="object"), utc=True)
    return stamps.dt.tz_convert(SHANGHAI).dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def _prior_units(conn: Connection, campaign_id: str) -> pd.DataFrame:
    """Last year's insured (id_number, unit_code) where the ledger has that table, else empty."""
    table = Base.metadata.tables.get("prior_insured")
    if table is None or not inspect(conn).has_table("prior_insured"):
        return pd.DataFrame(columns=["id_number", "unit_code"])
    return _frame(conn, select(table.c.id_number, table.c.unit_code).where(table.c.campaign_id == campaign_id),
                  ["id_number", "unit_code"])


def load_inputs(conn: Connection, c: Campaign) -> ProgressInputs:
    """Read a campaign's units, registrations, settling payments and exemption lists."""
    u, e, p, x = Unit.__table__, Enrollment.__table__, Payment.__table__, Exemption.__table__
    units = _frame(conn, select(u.c.code, u.c.name, u.c.level, u.c.parent_code, u.c.target)
                   .where(u.c.campaign_id == c.id), ["code", "name", "level", "parent_code", "target"])
    prior = _prior_units(conn, c.id)
    units["prior"] = units["code"].map(prior["unit_code"].value_counts()).fillna(0).astype("int64")
    columns = ["id_number", "unit_code", "category", "tier", "channel", "registered_at"]
    people = _frame(conn, select(*(e.c[k] for k in columns)).where(e.c.campaign_id == c.id), columns)
    paid = _frame(conn, select(p.c.id_number, func.min(p.c.paid_on))
                  .where(p.c.campaign_id == c.id, p.c.status.in_(SETTLING_STATUSES)).group_by(p.c.id_number),
                  ["id_number", "paid_on"])
    listed = _frame(conn, select(x.c.id_number, x.c.category, x.c.approved_at).where(x.c.campaign_id == c.id),
                    ["id_number", "group", "approved_at"])
    listed["listed_on"] = _shanghai_days(listed["approved_at"]).fillna(_EVER)
    full = {ex.code for ex in c.exemptions if ex.funding_mode != "partial_subsidy"}
    exempt = listed[listed["group"].isin(full)].set_index("id_number")["listed_on"]
    people["registered_at"] = _dates(people["registered_at"])
    people["paid_on"] = _dates(people["id_number"].map(paid.set_index("id_number")["paid_on"]))
    # pandas cannot map through an empty datetime Series (it casts it to float64): no list approved yet.
    exempt_on = people["id_number"].map(exempt) if len(exempt) else pd.Series(pd.NaT, index=people.index)
    people["exempt_on"] = exempt_on.astype("datetime64[ns]")
    people["tier"] = people["tier"].astype("int64")
    county = units.loc[units["level"] == "county", "code"]
    fallback = county.iat[0] if len(county) else None
    special = listed[listed["group"].isin(special_groups(c))].drop(columns="approved_at")
    unit_of = dict(zip(people["id_number"], people["unit_code"]))
    last_year = dict(zip(prior["id_number"], prior["unit_code"]))
    special["unit_code"] = [unit_of.get(i) or last_year.get(i) or fallback for i in special["id_number"]]
    return ProgressInputs(units, people, special.reset_index(drop=True))

"""Who is enrolled and who pays which part: one row per registered person with each party's share in fen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
from sqlalchemy import Connection, select

from canbao.intake.settle import load_frames
from canbao.ledger.schema import Enrollment, Resident, Unit
from canbao.money import fen
from canbao.policy.model import Campaign
from canbao.policy.quote import quote

__all__ = ["SETTLING", "SHARE_COLUMNS", "SettlementData", "load_settlement", "settlement_people", "town_of"]

SETTLING = ("matched", "overpaid")  # a payment with one of these statuses settles the contribution
SHARE_COLUMNS = ("government_fen", "fund_transfer_fen", "on_behalf_fen", "resident_due_fen")


@dataclass(frozen=True)
class SettlementData:
    """What settlement and cleanup read: people (see `settlement_people`), every payment, the units."""

    people: pd.DataFrame
    payments: pd.DataFrame
    units: pd.DataFrame


def town_of(units: pd.DataFrame) -> dict[str, str]:
    """Each unit's town (a town is its own); units under no town (county, its schools) map to the county."""
    parent, level = dict(zip(units["code"], units["parent_code"])), dict(zip(units["code"], units["level"]))
    county = next((c for c, lv in level.items() if lv == "county"), "")
    out = {}
    for code in units["code"]:
        node, seen = code, set()
        while node in level and level[node] != "town" and node not in seen:
            seen.add(node)
            node = parent.get(node) if isinstance(parent.get(node), str) else None
        out[code] = node if node in level and level[node] == "town" else county
    return out


def _shares(c: Campaign, keys: pd.DataFrame) -> pd.DataFrame:
    """Each party's share in fen for every (category, tier, exemption, late) row of `keys`."""
    late_after = c.contribution.late.after if c.contribution.late else None
    probe = late_after + timedelta(days=1) if late_after else None
    table = {}
    for key in keys.drop_duplicates().itertuples(index=False, name=None):
        category, tier, exemption, late = key
        q = quote(c, category, int(tier), exemption or None, probe if late else None)
        table[key] = (fen(q.government_subsidy), fen(q.fund_transfer), fen(q.paid_on_behalf), fen(q.resident_pays))
    values = [table[k] for k in keys.itertuples(index=False, name=None)]
    return pd.DataFrame(values, columns=list(SHARE_COLUMNS), index=keys.index, dtype="int64")


def settlement_people(c: Campaign, enrollments: pd.DataFrame, exemptions: pd.DataFrame, payments: pd.DataFrame,
                      units: pd.DataFrame) -> pd.DataFrame:
    """Every registered person with exemption, settling payment, each party's share and `enrolled`.

    `enrolled`: the contribution is settled — by a matched (or overpaid) payment, or because nothing is
    owed (a full exemption). `resident_paid_fen` is the part of the settling payment applied to the
    contribution, `overpaid_fen` the excess to refund, `enrolled_on` the day both were done.
    """
    people = enrollments.merge(exemptions[["id_number", "exemption"]], on="id_number", how="left")
    settling = payments[payments["status"].isin(SETTLING)].sort_values(["paid_on", "channel", "external_ref"])
    first = settling.drop_duplicates("id_number").set_index("id_number")
    people["paid_on"] = pd.to_datetime(people["id_number"].map(first["paid_on"].to_dict())).astype("datetime64[ns]")
    paid_fen = people["id_number"].map(first["amount_fen"])
    people["exemption"] = people["exemption"].astype("object").where(people["exemption"].notna(), None)
    late_after = c.contribution.late.after if c.contribution.late else None
    late = people["paid_on"] > pd.Timestamp(late_after) if late_after else pd.Series(False, index=people.index)
    keys = pd.DataFrame({"category": people["category"].astype(str), "tier": people["tier"].astype(int),
                         "exemption": people["exemption"].fillna(""), "late": late.fillna(False).astype(bool)})
    people = pd.concat([people, _shares(c, keys)], axis=1)
    has_paid = paid_fen.notna()
    paid = paid_fen.fillna(0).astype("int64")
    people["resident_paid_fen"] = paid.clip(upper=people["resident_due_fen"]).where(has_paid, 0)
    people["overpaid_fen"] = (paid - people["resident_due_fen"]).clip(lower=0).where(has_paid, 0)
    people["enrolled"] = has_paid | (people["resident_due_fen"] == 0)
    registered = pd.to_datetime(people["registered_at"]).astype("datetime64[ns]")
    later = people["paid_on"].where(people["paid_on"] > registered, registered)
    people["enrolled_on"] = later.where(has_paid, registered).where(people["enrolled"])
    modes = {e.code: e for e in c.exemptions}
    people["funding_mode"] = [modes[x].funding_mode if x in modes else "none" for x in people["exemption"]]
    people["payer"] = [modes[x].payer if x in modes else None for x in people["exemption"]]
    people["settle_with"] = [modes[x].settle_with if x in modes else None for x in people["exemption"]]
    people["town_code"] = people["unit_code"].map(town_of(units))
    if "name" not in people:
        people["name"] = None  # load_settlement fills it from the residents
    return people.drop(columns=["id", "import_id", "source_row", "prior_id"], errors="ignore")


def load_settlement(conn: Connection, c: Campaign) -> SettlementData:
    """Read enrollments, exemptions, payments, names and units of a campaign and build the people frame."""
    enrollments, exemptions, payments = load_frames(conn, c.id)
    u, r, e = Unit.__table__, Resident.__table__, Enrollment.__table__
    units = pd.DataFrame(conn.execute(select(u.c.code, u.c.name, u.c.level, u.c.parent_code, u.c.target)
                                      .where(u.c.campaign_id == c.id)).all(),
                         columns=["code", "name", "level", "parent_code", "target"])
    people = settlement_people(c, enrollments, exemptions, payments, units)
    names = dict(conn.execute(select(r.c.id_number, r.c.name).join(e, e.c.id_number == r.c.id_number)
                              .where(e.c.campaign_id == c.id)).all())
    people["name"] = people["id_number"].map(names)
    return SettlementData(people, payments, units)

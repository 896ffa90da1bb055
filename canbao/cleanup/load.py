"""What cleanup reads beyond the settlement frame: last year's insured and everyone on an exemption list."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, select, union

from canbao.ledger.schema import Exemption, PriorInsured, Resident
from canbao.policy.model import Campaign
from canbao.settlement.people import SettlementData, load_settlement

__all__ = ["CleanupData", "load_cleanup"]


@dataclass(frozen=True)
class CleanupData:
    """The settlement data plus last year's insured, exemption lists and the residents they name."""

    settlement: SettlementData
    prior: pd.DataFrame
    listed: pd.DataFrame
    residents: pd.DataFrame


def load_cleanup(conn: Connection, c: Campaign) -> CleanupData:
    """Read everything cleanup needs for a campaign."""
    p, x, r = PriorInsured.__table__, Exemption.__table__, Resident.__table__
    prior = pd.DataFrame(conn.execute(select(p.c.id_number, p.c.unit_code, p.c.category)
                                      .where(p.c.campaign_id == c.id)).all(),
                         columns=["id_number", "unit_code", "category"])
    listed = pd.DataFrame(conn.execute(select(x.c.id_number, x.c.category, x.c.agency)
                                       .where(x.c.campaign_id == c.id)).all(),
                          columns=["id_number", "exemption", "agency"])
    ids = union(select(p.c.id_number).where(p.c.campaign_id == c.id),
                select(x.c.id_number).where(x.c.campaign_id == c.id)).subquery()
    residents = pd.DataFrame(conn.execute(select(r.c.id_number, r.c.name, r.c.birth_date, r.c.deceased_on)
                                          .join(ids, ids.c.id_number == r.c.id_number)).all(),
                             columns=["id_number", "name", "birth_date", "deceased_on"])
    return CleanupData(load_settlement(conn, c), prior, listed, residents)

"""Opening a campaign in the ledger from its config, and the context intake validates against."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, select

from canbao.intake.batch import IntakeContext
from canbao.ledger.bulk import upsert
from canbao.ledger.schema import Campaign as CampaignRow
from canbao.ledger.schema import Import, PriorInsured, Resident, Unit
from canbao.policy.load import config_file
from canbao.policy.model import Campaign

__all__ = ["PEOPLE_SOURCES", "intake_context", "known_by_source", "open_campaign", "seen_hashes"]


def open_campaign(conn: Connection, c: Campaign, now: datetime) -> None:
    """Make sure the campaign and its configured units exist in the ledger (idempotent)."""
    sha = hashlib.sha256(config_file(c).read_bytes()).hexdigest()
    upsert(conn, CampaignRow, [{"id": c.id, "locality": c.campaign.locality,
                                "insurance_year": c.campaign.insurance_year, "config_sha256": sha,
                                "opened_at": now}], keys=["id"], update=["config_sha256"])
    units = [{"campaign_id": c.id, "code": u.code, "name": u.name, "level": u.level, "parent_code": u.parent,
              "target": u.target if u.target is not None or u.level != "county" else c.units.target_total}
             for u in c.units.items]
    upsert(conn, Unit, units, keys=["campaign_id", "code"], update=["name", "level", "parent_code"])



def known_by_source(conn: Connection, campaign_id: str) -> dict[str, set[str]]:
    """The content hashes of the files the campaign has taken in, by source."""
    seen = seen_hashes(conn, campaign_id)
    return {str(s): set(seen.loc[seen["source"] == s, "sha256"]) for s in set(seen["source"])}

# Only registrations are checked against the deceased and last year's insured (each a set of every such person).
PEOPLE_SOURCES = ("roster", "school")


def intake_context(conn: Connection, c: Campaign, today: date, now: datetime,
                   flow_run_id: str | None = None, people: bool = True) -> IntakeContext:
    """The units, deceased and last year's insured the ledger knows, for validating new files; `people=False`
    leaves the two sets of people empty (only new registration lists read them: see PEOPLE_SOURCES)."""
    units = set(conn.execute(select(Unit.code).where(Unit.campaign_id == c.id)).scalars())
    if not people:
        return IntakeContext(c, today, now, flow_run_id, units)
    deceased = set(conn.execute(select(Resident.id_number).where(Resident.deceased_on.is_not(None))).scalars())
    prior = set(conn.execute(select(PriorInsured.id_number).where(PriorInsured.campaign_id == c.id)).scalars())
    return IntakeContext(c, today, now, flow_run_id, units, deceased, prior)


def seen_hashes(conn: Connection, campaign_id: str) -> pd.DataFrame:
    """(source, sha256) of every file the campaign has taken in."""
    rows = conn.execute(select(Import.source, Import.sha256).where(Import.campaign_id == campaign_id)).all()
    return pd.DataFrame(rows, columns=["source", "sha256"])

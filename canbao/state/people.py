"""A resident's state in a campaign as of a date: registered, paid, subsidy-covered, enrolled, benefit start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd

from canbao.clock import SHANGHAI
from canbao.heap import bulk_allocation
from canbao.money import fen
from canbao.policy.model import Campaign
from canbao.policy.quote import quote
from canbao.policy.window import payment_window
from canbao.state.distinct import per_distinct
from canbao.state.facts import Facts
from canbao.state.matching import benefit_outcomes, match_payments
from canbao.state.proofs import proof_review
from canbao.state.units import town_of

__all__ = ["SETTLING", "SHARE_COLUMNS", "CampaignState", "campaign_state", "known_by", "period_end"]

SETTLING = ("matched", "overpaid")  # a first payment with one of these statuses settles the contribution
SHARE_COLUMNS = ("government_fen", "fund_transfer_fen", "on_behalf_fen", "resident_due_fen")


@dataclass(frozen=True)
class CampaignState:
    """Everyone registered by `as_of` (and known by `known_by`) with their state, and the payments counted.

    `people`, one row per registered person: id_number, name, birth_date, unit_code, town_code, category, tier,
    channel, kind, prior_insured, registered_at; exemption (in effect), funding_mode, payer, settle_with,
    exempt_on; paid_on, paid_fen, payment_status (first payment: matched, underpaid, overpaid; None: none);
    SHARE_COLUMNS; paid_full, paid_part, covered (a subsidy pays the whole individual part); admission
    (accepted, needs_proof, refused: the notice's rule for the day), proof_decision, proof_kind,
    proof_decided_on (`canbao.state.proofs`), needs_proof (waits for a coordinator), proof_refused, refused
    (by the rule or the coordinator); enrolled, settled_on (the contribution settled), enrolled_on, benefit_start,
    late (enrolled after the concentrated period), waiting_days, waiting;
    resident_paid_fen (applied to the contribution), overpaid_fen (to refund), held_fen (a full payment waiting
    for its proof).
    `payments`: every payment made by `as_of` and known, with status and expected_fen.
    `exemptions`: the exemption list entries in effect (approved and known): id_number, exemption, agency.
    """

    campaign_id: str
    as_of: date
    known_by: datetime
    people: pd.DataFrame
    payments: pd.DataFrame
    exemptions: pd.DataFrame
    units: pd.DataFrame


def known_by(as_of: date, cutoff_hour: int = 24) -> datetime:
    """The moment a state as of `as_of` stands at: `cutoff_hour` o'clock that day in Shanghai (24: its end)."""
    return datetime.combine(as_of, time(0), SHANGHAI) + timedelta(hours=cutoff_hour)


def period_end(c: Campaign) -> date:
    """The last day of the concentrated registration-and-payment period (after it, a payer is late)."""
    return payment_window(c).period_end


def _known(frame: pd.DataFrame, cut: pd.Timestamp) -> pd.Series:
    return frame["known_at"].isna() | (frame["known_at"] < cut)


def _shares(c: Campaign, keys: pd.DataFrame) -> pd.DataFrame:
    """Each party's share in fen for every (category, tier, exemption, late) row of `keys`."""
    late_after = c.contribution.late.after if c.contribution.late else None
    probe = late_after + timedelta(days=1) if late_after else None

    def shares(category: str, tier: int, exemption: str, late: bool) -> tuple[int, int, int, int]:
        q = quote(c, category, int(tier), exemption or None, probe if late else None)
        return fen(q.government_subsidy), fen(q.fund_transfer), fen(q.paid_on_behalf), fen(q.resident_pays)

    return per_distinct(keys, shares, list(SHARE_COLUMNS)).astype("int64")


def _in_effect(facts: Facts, cut: pd.Timestamp) -> pd.DataFrame:
    """Exemptions approved (or, without an approval time, recorded) before the cut: one row per person."""
    x = facts.exemptions
    effective = x["approved_at"].where(x["approved_at"].notna(), x["known_at"])
    mine = x[_known(x, cut) & (effective.isna() | (effective < cut))]
    return mine.assign(exempt_on=effective[mine.index].dt.normalize()).drop_duplicates("id_number")[
        ["id_number", "exemption", "agency", "exempt_on"]].reset_index(drop=True)


@bulk_allocation()
def campaign_state(c: Campaign, facts: Facts, as_of: date, known_by_moment: datetime | None = None) -> CampaignState:
    """The state of every registered resident as of the end of `as_of` (or `known_by_moment`, if earlier).

    A fact counts when it happened by `as_of` and the ledger knew it by the cut: a registration dated by
    then, a payment paid by then, an exemption approved by then — each imported before the cut.
    """
    moment = known_by_moment or known_by(as_of)
    cut = pd.Timestamp(moment.astimezone(SHANGHAI).replace(tzinfo=None))
    day = pd.Timestamp(as_of)
    r = facts.registrations
    people = r[_known(r, cut) & (r["registered_at"] <= day)].drop_duplicates("id_number").reset_index(drop=True)
    exemptions = _in_effect(facts, cut)
    p = facts.payments
    paid = p[_known(p, cut) & (p["paid_on"] <= day)].reset_index(drop=True)
    people = people.merge(exemptions[["id_number", "exemption", "exempt_on"]], on="id_number", how="left")
    people["exemption"] = people["exemption"].astype("object").where(people["exemption"].notna(), None)
    payments = match_payments(c, people, exemptions, paid)
    first = payments[payments["status"].isin([*SETTLING, "underpaid"])].set_index("id_number")
    # Each person's first payment, looked up once for its three columns (one per person: the rest are duplicates).
    mine = first[["status", "paid_on", "amount_fen"]].reindex(people["id_number"].to_numpy())
    people["payment_status"] = pd.Series(mine["status"].astype("object").where(mine["status"].notna(), None)
                                         .to_numpy(), index=people.index, dtype="object")
    people["paid_on"] = pd.to_datetime(mine["paid_on"]).astype("datetime64[ns]").to_numpy()
    paid_fen = pd.Series(mine["amount_fen"].fillna(0).astype("int64").to_numpy(), index=people.index)
    people["paid_fen"] = paid_fen
    late_after = c.contribution.late.after if c.contribution.late else None
    surcharge = (people["paid_on"] > pd.Timestamp(late_after)) if late_after else pd.Series(False, index=people.index)
    keys = pd.DataFrame({"category": people["category"].astype(str), "tier": people["tier"].astype(int),
                         "exemption": people["exemption"].fillna(""), "late": surcharge.fillna(False).astype(bool)})
    people = pd.concat([people, _shares(c, keys)], axis=1)
    people["paid_full"] = people["payment_status"].isin(SETTLING)
    people["paid_part"] = people["payment_status"] == "underpaid"
    people["covered"] = people["exemption"].notna() & (people["resident_due_fen"] == 0)
    people["enrolled"] = people["covered"] | people["paid_full"]
    exempt_on = people["exempt_on"].where(people["exempt_on"].notna(), people["registered_at"])
    settled = pd.concat([exempt_on.where(people["covered"]), people["paid_on"].where(people["paid_full"])],
                        axis=1).min(axis=1)
    settles_on = settled.where(settled > people["registered_at"], people["registered_at"]).where(people["enrolled"])
    year = c.campaign.insurance_year
    years = people["prior_insured"].map({True: str(year - 1), False: ""})
    outcome = benefit_outcomes(c, people.assign(insured_years=years), settles_on)
    # The notice's admission rules (canbao.policy.admission): a payment that needs proof waits for a coordinator's
    # confirmation; one refused (after the last day, or cover only after the year, or its proof) is no enrollment.
    people["admission"] = outcome["admission"]
    review = proof_review(people, outcome["admission"], facts, cut)
    people = pd.concat([people, review], axis=1)
    people["refused"] = (outcome["admission"] == "refused").fillna(False).astype(bool) | people["proof_refused"]
    people["enrolled"] = people["enrolled"] & ~people["needs_proof"] & ~people["refused"]
    people["settled_on"] = settles_on.where(people["enrolled"]).astype("datetime64[ns]")
    # 三(二): with proof one may enroll mid-year, so a confirmed person is enrolled from the later of the payment
    # and the confirmation; the benefit start stays 30 days after the payment (三(四)), computed above.
    confirmed = review["proof_decided_on"].where(outcome["admission"] == "needs_proof")
    people["enrolled_on"] = pd.concat([people["settled_on"], confirmed.where(people["enrolled"])],
                                      axis=1).max(axis=1).astype("datetime64[ns]")
    due = people["resident_due_fen"]
    kept = people["paid_full"] & people["enrolled"]
    people["resident_paid_fen"] = paid_fen.clip(upper=due).where(kept, 0).astype("int64")
    refund = (paid_fen - due).clip(lower=0).where(kept, 0)  # the excess; a refused payment is refunded whole
    people["overpaid_fen"] = refund.where(~people["refused"], paid_fen).astype("int64")
    # A full payment waiting for its proof is neither applied nor to refund yet: held until the decision.
    people["held_fen"] = paid_fen.where(people["paid_full"] & people["needs_proof"], 0).astype("int64")
    people["benefit_start"] = outcome["benefit_start"].where(people["enrolled"]).astype("datetime64[ns]")
    people["late"] = people["enrolled"] & (people["enrolled_on"] > pd.Timestamp(period_end(c)))
    begins = people["settled_on"].clip(lower=pd.Timestamp(c.benefit_start.year_start))  # 三(四): from payment
    people["waiting_days"] = (people["benefit_start"] - begins).dt.days.clip(lower=0).astype("Int64")
    people["waiting"] = people["waiting_days"].fillna(0) > 0
    modes = {e.code: e for e in c.exemptions}
    for column, default in (("funding_mode", "none"), ("payer", None), ("settle_with", None)):
        found = people["exemption"].map({code: getattr(e, column) for code, e in modes.items()}).astype("object")
        people[column] = found.where(found.notna(), default)
    people["town_code"] = people["unit_code"].map(town_of(facts.units))
    return CampaignState(c.id, as_of, moment, people.drop(columns=["known_at"]), payments, exemptions, facts.units)

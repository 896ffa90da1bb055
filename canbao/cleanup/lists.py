"""The cleanup lists: one row per person (or payment) still to follow up, with the village it belongs to."""

from __future__ import annotations

import pandas as pd

from canbao.cleanup.load import CleanupData
from canbao.policy.categories import categories_by_age
from canbao.policy.model import Campaign
from canbao.state import period_end

__all__ = ["ITEM_COLUMNS", "ITEM_LABELS", "cleanup_items", "late_payments", "period_end"]

ITEM_LABELS = {"exempt_unregistered": "资助对象未参保登记", "not_renewed": "上年参保本年未续保",
               "unpaid": "已登记未缴费", "underpaid": "缴费金额不足", "proof_pending": "待审核证明材料",
               "overpaid": "多缴待退", "proof_refused": "证明材料未通过待退费",
               "duplicate": "重复缴费待退", "orphan": "有缴费无登记"}
ITEM_COLUMNS = ["item", "unit_code", "id_number", "name", "birth_date", "category", "tier", "exemption", "kind",
                "paid_fen", "refund_fen"]
_PEOPLE = ["unit_code", "id_number", "name", "birth_date", "category", "tier", "exemption", "kind"]


def _unregistered(c: Campaign, data: CleanupData, registered: set[str]) -> pd.DataFrame:
    """Listed (exempt) people and last year's insured who have not registered, alive, one row each."""
    residents = data.residents.set_index("id_number")
    alive = set(residents.index[residents["deceased_on"].isna()])
    prior = data.prior.drop_duplicates("id_number").set_index("id_number")
    listed = data.listed[~data.listed["id_number"].isin(registered) & data.listed["id_number"].isin(alive)]
    listed = listed.drop_duplicates("id_number").assign(item="exempt_unregistered")
    gone = prior[~prior.index.isin(registered) & prior.index.isin(alive) & ~prior.index.isin(listed["id_number"])]
    gone = gone.reset_index()[["id_number"]].assign(item="not_renewed", exemption=None)
    rows = pd.concat([listed[["id_number", "item", "exemption"]], gone], ignore_index=True)
    rows["unit_code"] = rows["id_number"].map(prior["unit_code"])
    rows["kind"] = rows["id_number"].isin(prior.index).map({True: "renewal", False: "new"})
    rows["name"] = rows["id_number"].map(residents["name"])
    rows["birth_date"] = pd.to_datetime(rows["id_number"].map(residents["birth_date"]))
    stated = rows["id_number"].map(prior["category"])
    by_age = categories_by_age(c, rows["birth_date"]) if len(rows) else stated
    rows["category"] = stated.where(stated.isin([k.code for k in c.contribution.categories]), by_age)
    rows["tier"] = min(c.contribution.tiers)
    return rows.assign(paid_fen=0, refund_fen=0)


def _registered(people: pd.DataFrame) -> pd.DataFrame:
    """Registered people not yet enrolled (unpaid, paid in part, paid but waiting for the review of their proof,
    or refused on it: the payment to refund) and those who paid too much."""
    waiting = people[~people["enrolled"]]
    proof, refused = waiting["needs_proof"], waiting["proof_refused"]
    rest = waiting[~proof & ~refused]
    underpaid = rest["paid_part"]
    over = people[(people["overpaid_fen"] > 0) & ~people["proof_refused"]]
    # Columns are taken from the selected rows themselves: pandas gives an empty frame a Series' index on assign.
    frames = [rest[~underpaid][_PEOPLE].assign(item="unpaid", paid_fen=0, refund_fen=0),
              rest[underpaid][[*_PEOPLE, "paid_fen"]].assign(item="underpaid", refund_fen=0),
              waiting[proof][[*_PEOPLE, "paid_fen"]].assign(item="proof_pending", refund_fen=0),
              over[_PEOPLE].assign(item="overpaid", paid_fen=over["resident_paid_fen"],
                                   refund_fen=over["overpaid_fen"]),
              waiting[refused][[*_PEOPLE, "overpaid_fen"]].rename(columns={"overpaid_fen": "refund_fen"}).assign(
                  item="proof_refused", paid_fen=0)]
    return pd.concat(frames, ignore_index=True)


def _refunds(people: pd.DataFrame, payments: pd.DataFrame) -> pd.DataFrame:
    """Duplicate payments (refund) and orphan payments (register, or refund), one row per payment."""
    bad = payments[payments["status"].isin(["duplicate", "orphan"])]
    home = people.drop_duplicates("id_number").set_index("id_number")
    out = pd.DataFrame({"item": bad["status"].to_numpy(), "id_number": bad["id_number"].to_numpy(),
                        "refund_fen": bad["amount_fen"].to_numpy(), "paid_fen": 0,
                        "unit_code": bad["unit_code"].to_numpy()})
    for column in ("name", "birth_date", "category", "tier", "exemption", "kind"):
        out[column] = out["id_number"].map(home[column]) if len(out) else None
    out["unit_code"] = out["unit_code"].where(out["unit_code"].notna(), out["id_number"].map(home["unit_code"]))
    return out


def cleanup_items(c: Campaign, data: CleanupData) -> pd.DataFrame:
    """Everyone to chase, in ITEM_LABELS order: listed but unregistered, last year's insured not renewed,
    registered but unpaid, underpaid or waiting for the review of their proof, overpaid, refused on their proof,
    duplicate and orphan payments; the deceased left out.
    A row whose unit the ledger does not know is put under the county."""
    people, payments, units = data.settlement.people, data.settlement.payments, data.settlement.units
    frames = [_unregistered(c, data, set(people["id_number"])), _registered(people),
              _refunds(people, payments)]
    found = [f for f in frames if len(f)]
    items = (pd.concat(found, ignore_index=True) if found else pd.DataFrame()).reindex(columns=ITEM_COLUMNS)
    county = units.loc[units["level"] == "county", "code"]
    items["unit_code"] = items["unit_code"].where(items["unit_code"].isin(set(units["code"])),
                                                  county.iat[0] if len(county) else None)
    items[["paid_fen", "refund_fen"]] = items[["paid_fen", "refund_fen"]].fillna(0).astype("int64")
    order = {k: i for i, k in enumerate(ITEM_LABELS)}
    items = items.assign(_order=items["item"].map(order)).sort_values(["unit_code", "_order", "id_number"])
    return items.drop(columns="_order").reset_index(drop=True)


def late_payments(c: Campaign, people: pd.DataFrame) -> pd.DataFrame:
    """People enrolled after the concentrated period (`late` in the state): the day it was settled (paid_on;
    for a mid-year enrollee whose proof was confirmed later, still the payment day),
    benefit_start and days of waiting period, as `canbao.state` computes them."""
    late = people[people["late"]].assign(paid_on=people["settled_on"], benefit_start=people["benefit_start"].dt.date)
    return late.sort_values(["unit_code", "paid_on", "id_number"])[
        ["unit_code", "id_number", "name", "category", "tier", "paid_on", "benefit_start", "waiting_days"]]

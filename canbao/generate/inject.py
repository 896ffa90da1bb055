"""Injecting each defect into one specific roster or payment row, so every outcome is known in advance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from canbao.generate.defects import PERSON_DEFECTS
from canbao.generate.ids import bad_birth_date, bad_checksum, excel_mangled, wide_or_spaced
from canbao.generate.inject_pay import duplicate_payments, orphan_payments, wrong_amounts
from canbao.generate.names import place_names
from canbao.generate.units import UnitTree
from canbao.policy.model import Campaign

__all__ = ["REJECTED_IN_ROSTER", "Injected", "inject_defects"]

REJECTED_IN_ROSTER = ("id_checksum", "id_birth_date", "id_excel_mangled", "unit_unknown", "deceased")


@dataclass
class Injected:
    """Roster rows, payment rows and injected deceased (person, died_on), with who got which defect."""

    roster: pd.DataFrame
    payments: pd.DataFrame
    deceased: pd.DataFrame
    chosen: dict[str, np.ndarray]


def _pool(people: pd.DataFrame, payments: pd.DataFrame, listed: set[int]) -> np.ndarray:
    """Registered village residents on no list, with exactly one payment that went through."""
    flagged = payments.assign(bad=payments["status"] != "success")
    rows = flagged.groupby("person").agg(n=("channel", "size"), bad=("bad", "sum"),
                                         channel=("channel", "first"))
    single = rows[(rows["n"] == 1) & (rows["bad"] == 0) & (rows["channel"] != "school")].index.to_numpy()
    return single[people["registered"].to_numpy()[single] & ~np.isin(single, list(listed))]


def _take(order: np.ndarray, used: np.ndarray, k: int, fits: np.ndarray | None = None) -> np.ndarray:
    ok = ~used & (fits if fits is not None else True)
    picked = order[np.flatnonzero(ok[order])[:k]]
    used[picked] = True
    return picked


def _bad_rows(people: pd.DataFrame, roster: pd.DataFrame, chosen: dict[str, np.ndarray],
              rng: np.random.Generator) -> pd.DataFrame:
    """The roster rows of rejected people: broken IDs, a unit that does not exist, the deceased."""
    roster = roster.copy()
    transforms = {"id_checksum": bad_checksum, "id_birth_date": bad_birth_date,
                  "id_excel_mangled": lambda ids, _: excel_mangled(ids)}
    for kind in REJECTED_IN_ROSTER:
        rows = roster["person"].isin(chosen[kind])
        roster.loc[rows, ["outcome", "defect"]] = kind
        if kind in transforms:
            ids = people.loc[roster.loc[rows, "person"], "id_number"].to_numpy()
            roster.loc[rows, "id_text"] = transforms[kind](ids, rng)
    rows = roster["person"].isin(chosen["unit_unknown"])
    # A village merged away: its old name and a code the target table does not have.
    suffix = pd.Series(rng.integers(50, 100, int(rows.sum())).astype(str), index=roster.index[rows])
    roster.loc[rows, "unit_code"] = roster.loc[rows, "unit_code"].str[:-3] + "9" + suffix
    roster.loc[rows, "unit_name"] = ["原" + n for n in place_names(rng, int(rows.sum()), 0.0)]
    return roster


def _second_rows(people: pd.DataFrame, units: UnitTree, roster: pd.DataFrame, chosen: np.ndarray,
                 rng: np.random.Generator) -> pd.DataFrame:
    """A later registration of each chosen person in another village (of the same town if possible)."""
    v, rows = units.villages, []
    for person in chosen:
        own = people.at[person, "village"]
        same_town = v[(v["town_code"] == people.at[person, "town"]) & (v["code"] != own)]
        pool = same_town if len(same_town) else v[v["code"] != own]
        if not len(pool):
            continue
        other = pool.iloc[int(rng.integers(len(pool)))]
        row = roster.loc[roster["person"] == person].iloc[0].to_dict()
        later = row["registered_on"] + pd.Timedelta(days=int(rng.integers(1, 11)))
        row.update(unit_code=other["code"], unit_name=other["name"], file_unit=other["code"],
                   registered_on=later, outcome="duplicate_enrollment", defect="duplicate_enrollment")
        rows.append(row)
    return pd.DataFrame(rows)


def _widen(frame: pd.DataFrame, persons: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    out = frame.copy()
    rows = out["person"].isin(persons)
    out.loc[rows, "id_text"] = wide_or_spaced(out.loc[rows, "id_text"].to_numpy(), rng)
    out.loc[rows, "repaired"] = True
    out.loc[rows, "defect"] = "fullwidth_or_spaces"
    return out


def inject_defects(c: Campaign, people: pd.DataFrame, units: UnitTree, roster: pd.DataFrame,
                   payments: pd.DataFrame, listed: set[int], counts: dict[str, int], rng: np.random.Generator
                   ) -> Injected:
    """Every person-level defect on distinct people of the clean pool, then orphan payments."""
    used = np.zeros(len(people), bool)
    order = rng.permutation(_pool(people, payments, listed))
    first_channel = payments.drop_duplicates("person").set_index("person")["channel"]
    fits = {"id_excel_mangled": people["id_number"].str[-1].str.isdigit().to_numpy(),  # Excel keeps X as text
            "wrong_amount": people.index.map(first_channel).to_numpy() != "bank_deduction"}
    chosen = {k: _take(order, used, counts.get(k, 0), fits.get(k)) for k in PERSON_DEFECTS}
    roster = _bad_rows(people, roster, chosen, rng)
    died = roster.loc[roster["person"].isin(chosen["deceased"]), ["person", "registered_on"]]
    deceased = pd.DataFrame({"person": died["person"].to_numpy(), "died_on": (
        died["registered_on"] - pd.to_timedelta(rng.integers(1, 61, len(died)), unit="D")).to_numpy()})
    roster = pd.concat([roster, _second_rows(people, units, roster, chosen["duplicate_enrollment"], rng)],
                       ignore_index=True)
    rejected = np.concatenate([chosen[k] for k in REJECTED_IN_ROSTER])
    payments = payments[~payments["person"].isin(rejected)]
    wide = chosen["fullwidth_or_spaces"]
    in_roster = rng.random(len(wide)) < 0.5
    roster, payments = _widen(roster, wide[in_roster], rng), _widen(payments, wide[~in_roster], rng)
    second = duplicate_payments(c, people, payments, chosen["duplicate_payment"], rng)
    payments = pd.concat([payments, second], ignore_index=True)
    payments = wrong_amounts(payments, chosen["wrong_amount"])
    never = ~people["registered"].to_numpy() & people["school"].isna().to_numpy() & ~people["died"].to_numpy()
    never &= ~np.isin(np.arange(len(people)), list(listed))
    k = counts.get("orphan_payment", 0)
    chosen["orphan_payment"] = _take(rng.permutation(np.flatnonzero(never)), used, k)
    payments = pd.concat([payments, orphan_payments(c, people, payments, chosen["orphan_payment"], rng)],
                         ignore_index=True)
    return Injected(roster, payments, deceased, chosen)

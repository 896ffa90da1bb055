"""generate(): a realistic county inbox with known defects, and the manifest that says what to expect."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from canbao.generate.cash import cash_breaches
from canbao.generate.defects import DefectRates, defect_counts
from canbao.generate.deposits import plan_deposits
from canbao.generate.enroll import assign_enrollment
from canbao.generate.exempt import assign_exemptions
from canbao.generate.files import write_jobs
from canbao.generate.files_lists import deceased_job, exemption_jobs
from canbao.generate.files_money import cash_jobs, payment_jobs
from canbao.generate.files_people import labels, last_year_job, roster_jobs, targets_job
from canbao.generate.inject import inject_defects
from canbao.generate.manifest import Manifest, expected_counts, people_samples
from canbao.generate.pay import base_payments
from canbao.generate.people import build_people
from canbao.generate.refs import assign_refs
from canbao.generate.targets import unit_targets
from canbao.generate.units import build_units
from canbao.policy.model import Campaign

__all__ = ["GENERATED_BY", "generate"]

GENERATED_BY = "canbao.generate 1"
GONE_SHARE = (0.03, 0.05)  # last year's insured who have since left or died, relative to the population
DIED_SHARE = 0.15  # of those gone


def _roster(people: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
    """One roster row per registered village resident, in people order (village, household)."""
    reg = people[people["registered"]]
    names = dict(zip(villages["code"], villages["name"], strict=True))
    return pd.DataFrame({
        "person": reg.index.to_numpy(), "unit_code": reg["village"], "unit_name": reg["village"].map(names),
        "file_unit": reg["village"], "registered_on": reg["registered_on"], "id_text": reg["id_number"],
        "outcome": None, "repaired": False, "defect": None,
    }).reset_index(drop=True)


def _deceased(c: Campaign, people: pd.DataFrame, injected: pd.DataFrame,
              rng: np.random.Generator) -> pd.DataFrame:
    """Last year's insured who died in the twelve months before the campaign, plus the injected ones."""
    gone = people.index[people["died"]].to_numpy()
    died = np.datetime64(c.campaign.window_start, "D") - rng.integers(1, 366, len(gone))
    earlier = pd.DataFrame({"person": gone, "died_on": died.astype("datetime64[s]")})
    return pd.concat([earlier, injected], ignore_index=True)


def _clear(out: Path) -> None:
    """Remove a previous generation's inbox; refuse to touch an inbox the generator did not write."""
    inbox = out / "inbox"
    if inbox.exists() and any(inbox.iterdir()):
        if not (out / "manifest.json").is_file():
            raise FileExistsError(f"{inbox} holds files but {out} has no manifest.json: not replacing them")
        shutil.rmtree(inbox)


def generate(campaign: Campaign, scale: float, seed: int, out: Path, rates: DefectRates | None = None, *,
             workers: int | None = None) -> Manifest:
    """Write `out/inbox/<source>/…` and `out/manifest.json` for a county at `scale`; same seed, same bytes.

    `rates` sets the injected defects (DefectRates() by default); `workers` the processes writing files
    (default up to two; the bytes do not depend on it).
    """
    if scale <= 0:
        raise ValueError(f"scale must be above zero, got {scale}")
    c, rates, out = campaign, rates or DefectRates(), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    population = round(c.units.population_assumed * scale)
    units = build_units(c, population, rng)
    people = build_people(c, units, rng, round(population * rng.uniform(*GONE_SHARE)))
    people = assign_enrollment(c, people, units, rng)
    people["died"] = ~people["present"] & (rng.random(len(people)) < DIED_SHARE)
    counts = defect_counts(rates, population)
    ex = assign_exemptions(c, people, rng, counts["on_two_lists"])
    payments = base_payments(c, people, ex.effective, rng)
    payments = payments.assign(id_text=people["id_number"].to_numpy()[payments["person"].to_numpy()],
                               outcome=None, repaired=False, defect=None)
    listed = set(ex.lists["person"])
    inj = inject_defects(c, people, units, _roster(people, units.villages), payments, listed, counts, rng)
    payments = assign_refs(inj.payments, c.campaign.area_code)
    deposits, cash_injected, receipts = plan_deposits(c, payments, rates, rng)
    limit = c.cash_double_limit
    breaches = pd.DataFrame(columns=["unit_code", "kind", "on"])
    if limit and len(receipts):
        breaches = cash_breaches(receipts, deposits, int(limit.amount * 100), limit.days)
    lists = ex.lists.assign(defect=np.where(ex.lists["person"].isin(ex.two_lists), "on_two_lists", None))
    lab = labels(c, people)
    jobs = [targets_job(c, unit_targets(c, units, people, scale)), last_year_job(c, people, lab),
            *roster_jobs(c, people, units, inj.roster, lab, rng),
            *exemption_jobs(c, people, units, lists, rng),
            deceased_job(people, units, _deceased(c, people, inj.deceased, rng)),
            *payment_jobs(payments, people, units, lab, rng), *cash_jobs(deposits, units)]
    _clear(out)
    files, ledger = write_jobs(out / "inbox", jobs, workers)
    injected = {k: len(v) for k, v in inj.chosen.items()} | cash_injected
    injected["on_two_lists"] = len(ex.two_lists)
    manifest = Manifest(
        campaign=c.id, scale=scale, seed=seed, generated_by=GENERATED_BY, rates=rates.to_json(), files=files,
        population=population,
        units={"towns": len(units.towns), "villages": len(units.villages), "schools": len(units.schools)},
        injected=dict(sorted(injected.items())),
        expected=expected_counts(ledger, breaches, int(ex.lists["person"].nunique()), len(ex.two_lists)),
        people=people_samples(ledger, people),
        cash_breaches=[{"unit_code": r.unit_code, "kind": r.kind, "on": str(r.on)}
                       for r in breaches.itertuples()],
    )
    manifest.write(out / "manifest.json")
    return manifest

"""The consolidated list: every agency's approved version merged, one category per person, into `exemptions`."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, delete, select

from canbao.exemptions.rank import resolve_people
from canbao.exemptions.residents import deceased_among
from canbao.exemptions.versions import EFFECTIVE, effective_entries
from canbao.ledger.bulk import insert_rows, upsert
from canbao.ledger.schema import Audit, Exemption, Import
from canbao.ledger.schema_exemptions import ExemptionList
from canbao.policy.model import Campaign

__all__ = ["consolidated_list", "consolidated_sha256", "write_exemptions"]


def consolidated_list(conn: Connection, c: Campaign) -> pd.DataFrame:
    """One row per person on an approved list (the deceased left out): the winning category and its list."""
    entries = effective_entries(conn, c.id)
    entries = entries[~entries["id_number"].isin(deceased_among(conn, sorted(set(entries["id_number"]))))]
    own_also = entries.set_index(["agency", "id_number"])["also_listed"]
    people = resolve_people(c, entries.drop(columns="also_listed"), ["agency", "version", "import_id", "source_row"])
    within = pd.Series([own_also.get((a, i)) for a, i in zip(people["agency"], people["id_number"])],
                       index=people.index, dtype="object")
    merged = [",".join(dict.fromkeys(x for part in (a, b) if isinstance(part, str) for x in part.split(",")))
              for a, b in zip(people["also_listed"], within)]
    columns = ["id_number", "exemption", "agency", "version", "import_id", "source_row", "town", "village",
               "included_on"]
    return people[columns].assign(also_listed=[m or None for m in merged]).sort_values("id_number",
                                                                                      ignore_index=True)


def consolidated_sha256(people: pd.DataFrame) -> str:
    """The consolidated list's identity: who is on it, in which category, from which agency's version."""
    lines = sorted(f"{r.id_number}|{r.exemption}|{r.agency}|{r.version}" for r in people.itertuples())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _audit(conn: Connection, c: Campaign, old: pd.DataFrame, new: pd.DataFrame, now: datetime,
           run: str | None) -> None:
    both = old.merge(new, on="id_number", how="left", suffixes=("", "_new"))
    gone = both[both["category_new"].isna()]
    moved = both[both["category_new"].notna() & (both["category_new"] != both["category"])]
    rows = [{"action": "delete", "before": {"category": r.category, "agency": r.agency}, "after": None,
             "record_key": f"{c.id}/{r.id_number}", "import_id": int(r.import_id)} for r in gone.itertuples()]
    rows += [{"action": "update", "before": {"category": r.category, "agency": r.agency},
              "after": {"category": r.category_new, "agency": r.agency_new}, "record_key": f"{c.id}/{r.id_number}",
              "import_id": int(r.import_id_new)} for r in moved.itertuples()]
    if rows:
        insert_rows(conn, Audit, [{"at": now, "flow_run_id": run, "campaign_id": c.id, "table_name": "exemptions",
                                   **r} for r in rows])


def write_exemptions(conn: Connection, c: Campaign, people: pd.DataFrame, now: datetime, run: str | None) -> int:
    """Make `exemptions` hold exactly the consolidated list; returns how many records were added, changed or removed."""
    t, lists = Exemption.__table__, ExemptionList.__table__
    decided = {(a, v): at for a, v, at in conn.execute(select(lists.c.agency, lists.c.version, lists.c.decided_at)
                                                       .where(lists.c.campaign_id == c.id,
                                                              lists.c.status.in_(EFFECTIVE)))}
    files = dict(conn.execute(select(Import.id, Import.file_name).where(Import.campaign_id == c.id)).all())
    new = pd.DataFrame({
        "campaign_id": c.id, "id_number": people["id_number"], "category": people["exemption"],
        "agency": people["agency"], "source_list": people["import_id"].map(files),
        "approved_at": [decided[(a, v)] for a, v in zip(people["agency"], people["version"])],
        "import_id": people["import_id"], "included_on": people["included_on"]})
    old = pd.DataFrame(conn.execute(select(t.c.id_number, t.c.category, t.c.agency, t.c.import_id, t.c.approved_at)
                                    .where(t.c.campaign_id == c.id)).all(),
                       columns=["id_number", "category", "agency", "import_id", "approved_at"])
    # Someone still exempt in the same category by the same agency stays exempt since the first approval.
    kept = new[["id_number", "category", "agency"]].merge(old, on=["id_number", "category", "agency"], how="left")
    new["approved_at"] = [k if k is not None and not pd.isna(k) else a
                          for k, a in zip(kept["approved_at"], new["approved_at"])]
    _audit(conn, c, old, new, now, run)
    changed = upsert(conn, Exemption, new, keys=["campaign_id", "id_number"]) if len(new) else 0
    gone = sorted(set(old["id_number"]) - set(new["id_number"]))
    for i in range(0, len(gone), 5000):
        changed += conn.execute(delete(t).where(t.c.campaign_id == c.id,
                                                t.c.id_number.in_(gone[i:i + 5000]))).rowcount
    return changed

"""The manifest: what was generated, what was injected, and exactly what intake must find."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from canbao.identity import mask_id, mask_name
from canbao.reasons import ANOMALIES, REJECTIONS

__all__ = ["SAMPLE_PER_DEFECT", "Manifest", "expected_counts", "people_samples"]

SAMPLE_PER_DEFECT = 50


@dataclass
class Manifest:
    """manifest.json of a generated county (see docs/data.md for every field)."""

    campaign: str
    scale: float
    seed: int
    generated_by: str
    rates: dict[str, float]
    files: list[dict[str, Any]]
    population: int
    units: dict[str, int]
    injected: dict[str, int]
    expected: dict[str, Any]
    people: list[dict[str, Any]] = field(default_factory=list)
    cash_breaches: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The manifest as written to manifest.json."""
        return dict(self.__dict__)

    def summary(self) -> dict[str, Any]:
        """The manifest without the file list and row samples (what the CLI prints)."""
        out = {k: v for k, v in self.to_json().items() if k not in ("files", "people", "cash_breaches")}
        return out | {"files": len(self.files), "rows": sum(f["rows"] for f in self.files)}

    def write(self, path: Path) -> Path:
        """Write the manifest as UTF-8 JSON (stable key order, so equal manifests are equal bytes)."""
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """A manifest from its JSON file."""
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in sorted(values.value_counts().items())}


def expected_counts(ledger: pd.DataFrame, cash: pd.DataFrame, exemption_persons: int, on_two_lists: int
                    ) -> dict[str, Any]:
    """Counts intake must reproduce, from the row ledger (one row per written data row) and cash breaches."""
    rejected = ledger[ledger["outcome"].isin(list(REJECTIONS))]
    flagged = ledger[ledger["outcome"].isin(list(ANOMALIES)) & ledger["pays"]]
    pays = ledger[ledger["pays"]]
    enrolls = ledger[ledger["enrolls"] & ledger["outcome"].isna()]
    anomalies = _counts(flagged["outcome"])
    for kind, n in _counts(cash["kind"] if len(cash) else pd.Series(dtype=str)).items():
        anomalies[kind] = n
    by_source = {str(s): _counts(g["outcome"]) for s, g in rejected.groupby("source", sort=True)}
    return {
        "rejections": _counts(rejected["outcome"]),
        "rejections_by_source": by_source,
        "anomalies": dict(sorted(anomalies.items())),
        "repaired": int(ledger["repaired"].sum()),
        "repaired_by_source": _counts(ledger.loc[ledger["repaired"].astype(bool), "source"]),
        "enrollments": len(enrolls),
        "enrollments_by_source": _counts(enrolls["source"]),
        "payments": len(pays),
        "payments_by_source": _counts(pays["source"]),
        "payments_fen": int(pays["amount_fen"].sum()),
        "payments_fen_by_source": {str(s): int(v)
                                   for s, v in pays.groupby("source")["amount_fen"].sum().items()},
        "bank_failed_rows": int(ledger["failed"].sum()),
        "exemption_persons": exemption_persons,
        "exemption_rows": int((ledger["source"] == "exemption").sum()),
        "on_two_lists": on_two_lists,
        "deceased_rows": int((ledger["source"] == "deceased").sum()),
        "last_year_rows": int((ledger["source"] == "last_year_roster").sum()),
    }


def people_samples(ledger: pd.DataFrame, people: pd.DataFrame) -> list[dict[str, Any]]:
    """Up to SAMPLE_PER_DEFECT written rows per defect: file, row, defect, outcome, masked ID and name."""
    hit = ledger[ledger["defect"].notna()].sort_values(["defect", "file", "row"])
    hit = hit.groupby("defect", sort=True).head(SAMPLE_PER_DEFECT)
    out = []
    for r in hit.itertuples():
        person = people.loc[int(r.person)] if r.person >= 0 else None
        out.append({"file": r.file, "row": int(r.row), "source": r.source, "defect": r.defect,
                    "outcome": r.outcome if isinstance(r.outcome, str) else None,
                    "id": mask_id(person["id_number"]) if person is not None else "",
                    "name": mask_name(person["name"]) if person is not None else ""})
    return out

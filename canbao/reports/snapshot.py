"""Report snapshots: a weekly report's numbers as canonical JSON in the ledger, and back again."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from canbao.ledger.bulk import upsert
from canbao.ledger.schema_reports import ReportSnapshot
from canbao.reports.bulletin_style import BulletinStyle
from canbao.reports.weekly import COUNT_COLUMNS, WeeklyReport
from canbao.state import known_by

__all__ = ["FORMAT_VERSION", "content_sha256", "from_content", "load_snapshot", "save_snapshot", "to_content"]

FORMAT_VERSION = 1
_UNIT_TEXT = ("code", "name", "level", "parent_code", "target_basis")
_DECIMALS = ("goal_rate", "special_goal", "good_threshold", "warning_threshold")
_DATES = ("as_of", "period_start", "period_end")


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def to_content(r: WeeklyReport) -> dict[str, Any]:
    """The report as plain JSON data (counts per unit; no person appears in it)."""
    units = [{**{k: (None if pd.isna(u.get(k)) else str(u[k])) for k in _UNIT_TEXT},
              **{k: _int(u[k]) for k in COUNT_COLUMNS}} for u in r.units.to_dict("records")]
    return {
        "version": FORMAT_VERSION, "kind": "weekly", "campaign_id": r.campaign_id, "locality": r.locality,
        "insurance_year": r.insurance_year, "cutoff": r.cutoff.isoformat(),
        **{k: getattr(r, k).isoformat() for k in _DATES}, **{k: str(getattr(r, k)) for k in _DECIMALS},
        "tiers": {str(k): v for k, v in r.tiers.items()}, "group_names": dict(r.group_names), "units": units,
        "footnote": r.footnote, "bulletin": r.bulletin.to_content(),
        "groups": [{"group": str(g["group"]), "code": str(g["code"]), "target": int(g["target"]),
                    "enrolled": int(g["enrolled"])} for g in r.groups.to_dict("records")],
        "series": {"dates": [d.isoformat() for d in r.series.columns],
                   "units": {str(code): [int(v) for v in row] for code, row in r.series.iterrows()},
                   "registered": {str(code): [int(v) for v in row] for code, row in r.registered_series.iterrows()}},
    }


def content_sha256(content: dict[str, Any]) -> str:
    """SHA-256 of the content's canonical JSON text."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cutoff(content: dict[str, Any]) -> datetime:
    """The stored cut-off moment; snapshots made before it was kept hold a whole `cutoff_hour` of their day."""
    if "cutoff" in content:
        return datetime.fromisoformat(content["cutoff"])
    return known_by(date.fromisoformat(content["as_of"]), int(content["cutoff_hour"]))


def from_content(content: dict[str, Any]) -> WeeklyReport:
    """The report a snapshot's content describes (what every output is drawn from)."""
    if content.get("version") != FORMAT_VERSION:
        raise ValueError(f"snapshot format {content.get('version')!r} is not {FORMAT_VERSION}")
    units = pd.DataFrame(content["units"], columns=[*_UNIT_TEXT, *COUNT_COLUMNS]).astype(
        {k: "Int64" if k == "target" else "int64" for k in COUNT_COLUMNS})
    for column in ("parent_code", "target_basis"):  # target_basis: absent from snapshots before it was kept
        units[column] = units[column].astype("object").where(units[column].notna(), None)
    groups = pd.DataFrame(content["groups"], columns=["group", "code", "target", "enrolled"]).astype(
        {"target": "int64", "enrolled": "int64"})
    dates = [date.fromisoformat(d) for d in content["series"]["dates"]]

    def series(rows: dict[str, list[int]]) -> pd.DataFrame:
        return pd.DataFrame([rows[c] for c in rows], index=pd.Index(list(rows), name="code"), columns=dates,
                            dtype="int64")

    return WeeklyReport(
        campaign_id=content["campaign_id"], locality=content["locality"],
        insurance_year=int(content["insurance_year"]), cutoff=_cutoff(content),
        **{k: date.fromisoformat(content[k]) for k in _DATES}, **{k: Decimal(content[k]) for k in _DECIMALS},
        tiers={int(k): v for k, v in content["tiers"].items()}, group_names=dict(content["group_names"]),
        units=units, groups=groups, series=series(content["series"]["units"]),
        registered_series=series(content["series"]["registered"]), footnote=content.get("footnote", ""),
        bulletin=BulletinStyle.from_content(content.get("bulletin")))


def save_snapshot(conn: Connection, r: WeeklyReport, *, config_sha256: str | None, now: datetime,
                  flow_run_id: str | None = None) -> tuple[str, dict[str, Any]]:
    """Store the report's content (once per distinct content); returns its SHA-256 and the content."""
    content = to_content(r)
    sha = content_sha256(content)
    upsert(conn, ReportSnapshot, [{"campaign_id": r.campaign_id, "kind": "weekly", "as_of": r.as_of,
                                   "config_sha256": config_sha256, "content_sha256": sha, "content": content,
                                   "created_at": now, "flow_run_id": flow_run_id}],
           keys=["campaign_id", "kind", "as_of", "content_sha256"], update=[])
    return sha, content


def load_snapshot(conn: Connection, campaign_id: str, as_of: date, sha256: str | None = None) -> WeeklyReport | None:
    """The latest stored weekly report for that day (or the one whose SHA-256 starts so); None if none."""
    t = ReportSnapshot.__table__
    query = select(t.c.content).where(t.c.campaign_id == campaign_id, t.c.kind == "weekly", t.c.as_of == as_of)
    if sha256:
        query = query.where(t.c.content_sha256.startswith(sha256.lower(), autoescape=True))
    content = conn.execute(query.order_by(t.c.created_at.desc(), t.c.id.desc()).limit(1)).scalar_one_or_none()
    return None if content is None else from_content(content)

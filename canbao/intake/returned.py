"""Rejections read back from the ledger: what the error workbooks are built from, run after run.

The workbooks never depend on what the current run happened to reject: a rerun after a crash (its files
already taken in) or after a corrected file sees every file's rejections as the ledger holds them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, func, select

from canbao.identity import mask_ids_in
from canbao.intake.rejections import REJECTED_COLUMNS, detail_parts
from canbao.ledger.schema import Import, Rejection
from canbao.reasons import label

__all__ = ["RETURNED_COLUMNS", "current_rejections"]

RETURNED_COLUMNS = [*REJECTED_COLUMNS, "import_id"]


def current_rejections(conn: Connection, campaign_id: str, sources: Sequence[str]) -> pd.DataFrame:
    """Every rejection of the latest import of each (source, file name), in the error-report shape.

    `source_file` has ID-like digits masked (it goes into outputs); `import_id` tells files apart.
    """
    i, r = Import.__table__, Rejection.__table__
    latest = (select(func.max(i.c.id)).where(i.c.campaign_id == campaign_id, i.c.source.in_(list(sources)))
              .group_by(i.c.source, i.c.file_name))
    rows = conn.execute(
        select(i.c.id, i.c.source, i.c.file_name, r.c.source_row, r.c.column, r.c.reason, r.c.unit_code,
               r.c.detail)
        .join(r, r.c.import_id == i.c.id).where(i.c.id.in_(latest))
        .order_by(i.c.id, r.c.source_row, r.c.id)).all()
    if not rows:
        return pd.DataFrame(columns=RETURNED_COLUMNS)
    parts = [detail_parts(x.detail) for x in rows]
    return pd.DataFrame({
        "source": [x.source for x in rows],
        "source_file": [mask_ids_in(x.file_name) for x in rows],
        "source_row": pd.array([x.source_row for x in rows], dtype="int64"),
        "unit_code": pd.array([x.unit_code for x in rows], dtype="string"),
        "column": [x.column or "" for x in rows],
        "reason": [x.reason for x in rows],
        "reason_label": [label(x.reason) for x in rows],
        "value": [v for v, _ in parts],
        "name": [n for _, n in parts],
        "import_id": pd.array([x.id for x in rows], dtype="int64"),
    }, columns=RETURNED_COLUMNS)

"""Deployments for many counties on one Prefect server, written from a roll-up config (not by hand).

`python -m flows.scale_out configs/rollup/jiangsu-2020.yaml --pool canbao-province --inbox-root /srv/canbao
--out province.yaml` writes a prefect.yaml with, per county, `registration-payment-<campaign>` and
`weekly-report-<campaign>` on the work queue `<campaign>`, and `rollup-<code>` on the queue `rollup`; then
`prefect --no-prompt deploy --all --prefect-file province.yaml` from the repository. A worker serves the
queues of the counties whose ledger it reaches: `prefect worker start --pool P --work-queue <campaign> ...`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from canbao.rollup import Hierarchy, load_hierarchy

__all__ = ["ROLLUP_QUEUE", "deployments", "main"]

ROLLUP_QUEUE = "rollup"


def _on(pool: str, queue: str) -> dict[str, str]:
    return {"name": pool, "work_queue_name": queue}


def deployments(h: Hierarchy, hierarchy_path: str, pool: str, inbox_root: str) -> dict[str, Any]:
    """The prefect.yaml document: two deployments per county (its own queue) and the roll-up."""
    out: list[dict[str, Any]] = []
    for county in h.counties():
        c = county.campaign
        registration: dict[str, Any] = {"campaign": c, "inbox": str(Path(inbox_root) / c / "inbox")}
        if county.config:
            registration["config_path"] = county.config
        out.append({"name": f"registration-payment-{c}", "description": f"参保登记与缴费：{c}",
                    "entrypoint": "flows/registration_payment.py:registration_payment",
                    "tags": ["canbao", "registration-payment", c], "work_pool": _on(pool, c),
                    "parameters": registration})
        out.append({"name": f"weekly-report-{c}", "description": f"参保情况周报：{c}",
                    "entrypoint": "flows/weekly_report.py:weekly_report", "tags": ["canbao", "weekly-report", c],
                    "work_pool": _on(pool, c), "parameters": {"campaign": c}})
    out.append({"name": f"rollup-{h.top.code}", "description": f"参保情况汇总：{h.top.name}",
                "entrypoint": "flows/rollup.py:rollup_report", "tags": ["canbao", "rollup"],
                "work_pool": _on(pool, ROLLUP_QUEUE), "parameters": {"hierarchy": hierarchy_path}})
    return {"name": f"canbao-{h.top.code}", "prefect-version": "3.8.8", "build": None, "push": None,
            "deployments": out}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the deployments file for a roll-up config."""
    p = argparse.ArgumentParser(prog="python -m flows.scale_out", description=__doc__.splitlines()[0])
    p.add_argument("hierarchy", help="roll-up config, e.g. configs/rollup/jiangsu-2020.yaml")
    p.add_argument("--pool", default="canbao-province", help="the process work pool (default canbao-province)")
    p.add_argument("--inbox-root", required=True, help="folder holding <campaign>/inbox for every county")
    p.add_argument("--out", required=True, help="the prefect.yaml to write")
    args = p.parse_args(argv)
    doc = deployments(load_hierarchy(args.hierarchy), args.hierarchy, args.pool, args.inbox_root)
    Path(args.out).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

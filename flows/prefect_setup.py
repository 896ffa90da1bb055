"""The Prefect side of the bring-up: the notification block, the ledger's concurrency limits, the automations."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from prefect.blocks.notifications import CustomWebhookNotificationBlock
from prefect.client.orchestration import get_client

from canbao.notify import load_notify_config
from canbao.notify.block import webhook_block_fields
from canbao.policy.load import available_campaigns
from flows.ledger_lock import ensure_limits
from tasks.notify import prefect_secret

__all__ = ["BLOCK_NAME", "main", "resolve_automations", "save_coordinator_block"]

BLOCK_NAME = "canbao-coordinator"
ROOT = Path(__file__).resolve().parents[1]
_REF = re.compile(r"^@(block|deployment):(.+)$")


def save_coordinator_block() -> str:
    """Save the `automation_channel` as the custom-webhook block `canbao-coordinator`; its UUID."""
    cfg = load_notify_config()
    if cfg.automation_channel is None:
        raise SystemExit("the channels file names no automation_channel")
    fields = webhook_block_fields(cfg.automation_channel, cfg.channels[cfg.automation_channel], prefect_secret)
    return str(CustomWebhookNotificationBlock(**fields).save(BLOCK_NAME, overwrite=True))


async def _lookup(kind: str, name: str) -> str:
    async with get_client() as client:
        if kind == "deployment":
            return str((await client.read_deployment_by_name(name)).id)
        document = await client.read_block_document_by_name(name, block_type_slug="custom-webhook")
        return str(document.id)


async def _drop_existing(names: list[str]) -> int:
    """Delete automations that carry these names (re-applying the file then creates each once)."""
    dropped = 0
    async with get_client() as client:
        for automation in await client.read_automations():
            if automation.name in names:
                await client.delete_automation(automation.id)
                dropped += 1
    return dropped


def _resolve(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _resolve(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_refs(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) and _REF.match(value) else set()


def resolve_automations(source: Path, target: Path) -> dict[str, Any]:
    """Write `source` with every `@block:`/`@deployment:` reference replaced by its UUID; drop older copies."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    refs = sorted(_refs(data))
    ids = {ref: asyncio.run(_lookup(*_REF.match(ref).groups())) for ref in refs}  # type: ignore[union-attr]
    resolved = _resolve(data, ids)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(resolved, allow_unicode=True, sort_keys=False), encoding="utf-8")
    dropped = asyncio.run(_drop_existing([a["name"] for a in resolved["automations"]]))
    return {"file": str(target), "references": ids, "replaced": dropped}


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m flows.prefect_setup --out FILE`: save the block, create the ledger limits, write the automations."""
    parser = argparse.ArgumentParser(prog="python -m flows.prefect_setup", description=main.__doc__)
    parser.add_argument("--automations", type=Path, default=ROOT / "automations.yaml")
    parser.add_argument("--out", type=Path, required=True, help="where to write the resolved automations file")
    args = parser.parse_args(argv)
    block_id = save_coordinator_block()
    limits = ensure_limits(available_campaigns())  # one ledger writer per campaign (flows/ledger_lock.py)
    print(json.dumps({"block": {BLOCK_NAME: block_id}, "limits_created": limits,
                      **resolve_automations(args.automations, args.out)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

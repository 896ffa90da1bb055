"""Links a coordinator can open: a flow run's page in Prefect's current (V2) UI."""

from __future__ import annotations

__all__ = ["run_link"]


def run_link(ui_url: str | None, run_id: str | None) -> str | None:
    """The run's page in Prefect's V2 UI (`<ui>/v2/runs/flow-run/<id>`), or None outside a server."""
    if not ui_url or not run_id:
        return None
    return f"{ui_url.rstrip('/').removesuffix('/v2')}/v2/runs/flow-run/{run_id}"

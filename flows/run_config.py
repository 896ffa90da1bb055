"""The config a flow run works with: the file given as `config_path`, else configs/<campaign>.yaml."""

from __future__ import annotations

from canbao.policy.load import load_campaign
from canbao.policy.model import Campaign

__all__ = ["run_config"]


def run_config(campaign: str, config_path: str | None) -> tuple[Campaign, str]:
    """The run's campaign and the reference its tasks load it by (the path when given, else the id).

    Tasks take this reference, never the bare id, so a run given a config file uses that file throughout;
    the ledger key stays the config's `campaign.id`, which must be `campaign`."""
    c = load_campaign(config_path or campaign)
    if c.id != campaign:
        raise ValueError(f"config {config_path} is campaign '{c.id}', not '{campaign}'")
    return c, config_path or campaign

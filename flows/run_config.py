"""The config a flow run works with: the file given as `config_path`, else configs/<campaign>.yaml."""

from __future__ import annotations

from canbao.errors import InputError
from canbao.policy.load import load_campaign
from canbao.policy.model import Campaign

__all__ = ["run_config"]


def run_config(campaign: str, config_path: str | None) -> tuple[Campaign, str]:
    """The run's campaign and the reference its tasks load it by (the path when given, else the id).

    Tasks take this reference, never the bare id, so a run given a config file uses that file throughout;
    the ledger key stays the config's `campaign.id`, which must be `campaign`."""
    c = load_campaign(config_path or campaign)
    if c.id != campaign:
        raise InputError(f"配置文件 {config_path} 是活动 {c.id} 的配置，不是所选的活动 {campaign}："
                         "请核对“配置文件路径”。")
    return c, config_path or campaign

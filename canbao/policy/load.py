"""Loading campaign configs from YAML, with errors as `file:path.to.field: message`."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from canbao.errors import CanbaoError
from canbao.policy.checks import cross_check
from canbao.policy.model import Campaign

__all__ = [
    "CONFIG_DIR",
    "CONFIG_DIR_ENV",
    "SHIPPED_CONFIG_DIR",
    "ConfigError",
    "available_campaigns",
    "check_config",
    "config_file",
    "load_campaign",
    "read_raw",
    "resolve",
]

CONFIG_DIR_ENV = "CANBAO_CONFIG_DIR"
# `$CANBAO_CONFIG_DIR` replaces configs/ for a whole process tree: the live demo's worker reads the moved copies.
SHIPPED_CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"
CONFIG_DIR = Path(os.environ.get(CONFIG_DIR_ENV) or SHIPPED_CONFIG_DIR)


class ConfigError(CanbaoError, ValueError):
    """A config that failed to load; `problems` holds one `file:path: message` line each."""

    code = "config_invalid"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("活动配置有误：" + "; ".join(problems))
        self.problems = problems


def available_campaigns(config_dir: Path = CONFIG_DIR) -> list[str]:
    """Campaign ids that have a config file."""
    return sorted(p.stem for p in config_dir.glob("*.yaml"))


def resolve(name: str | Path, config_dir: Path = CONFIG_DIR) -> Path:
    """The config path for a campaign id (a stem in configs/) or a path."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise ConfigError([f"{path}: no such config file"])
        return path
    candidate = config_dir / f"{name}.yaml"
    if not candidate.is_file():
        known = ", ".join(available_campaigns(config_dir)) or "none"
        raise ConfigError([f"unknown campaign '{name}' (known: {known})"])
    return candidate


class _ConfigLoader(yaml.SafeLoader):
    """Safe YAML where a date that cannot exist (2019-02-30) stays text, so validation names its field."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # day or month out of range: the model reports it at its path
            return self.construct_scalar(node)


_ConfigLoader.add_constructor("tag:yaml.org,2002:timestamp", _ConfigLoader.construct_yaml_timestamp)


def read_raw(path: Path) -> Any:
    """The parsed YAML of a config file, dates as `date` (an impossible date stays text), not validated."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)  # a SafeLoader subclass


def check_config(path: Path) -> tuple[Campaign | None, list[str]]:
    """Parse and validate one config file; the campaign (if valid) and every problem found."""
    try:
        raw = read_raw(path)
    except (OSError, yaml.YAMLError) as exc:
        return None, [f"{path}: {str(exc).splitlines()[0]}"]
    if not isinstance(raw, dict):
        return None, [f"{path}: top level must be a mapping"]
    try:
        campaign = Campaign.model_validate(raw)
    except ValidationError as exc:
        return None, [f"{path}:{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}"
                      + (f" (got {e['input']!r})" if isinstance(e.get("input"), str | int | float) else "")
                      for e in exc.errors()]
    problems = [f"{path}:{where}: {msg}" for where, msg in cross_check(campaign)]
    if campaign.campaign.id != path.stem:
        problems.append(f"{path}:campaign.id: '{campaign.campaign.id}' does not match the file name")
    return (None if problems else campaign), problems


_FILES: dict[int, Path] = {}  # id() of each loaded (cached, so long-lived) campaign → the file it came from


@lru_cache(maxsize=32)
def _load(path: Path) -> Campaign:
    campaign, problems = check_config(path)
    if campaign is None:
        raise ConfigError(problems)
    _FILES[id(campaign)] = path
    return campaign


def config_file(c: Campaign) -> Path:
    """The file a campaign was loaded from (configs/<id>.yaml for one built otherwise)."""
    path = _FILES.get(id(c))
    return path if path is not None and _load(path) is c else resolve(c.id)


def load_campaign(name: str | Path, config_dir: Path = CONFIG_DIR) -> Campaign:
    """The validated campaign for an id or path; raises ConfigError listing every problem."""
    return _load(resolve(name, config_dir).resolve())

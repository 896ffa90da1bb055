"""The roll-up hierarchy from a config file: a province (or city) of cities of counties, each county a campaign."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from canbao.errors import CanbaoError

__all__ = ["LEVELS", "County", "Hierarchy", "HierarchyError", "Region", "load_hierarchy", "parse_hierarchy"]

LEVELS = ("province", "city", "county")  # org-unit levels, top down (as DHIS2 rolls up)
LEVEL_NAMES = {"province": "省", "city": "市", "county": "县（市、区）"}
DEFAULT_LEDGER_ENV = "CANBAO_DATABASE_URL"
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


class HierarchyError(CanbaoError, ValueError):
    """A roll-up config that cannot be used; `problems` holds one `file: path: message` line each."""

    code = "rollup_config_invalid"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("汇总配置有误：" + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class County:
    """A county-level unit: the campaign run there, its config (None: configs/<campaign>.yaml) and the name of
    the environment variable holding its ledger's URL (a name, never the URL: it carries a password)."""

    campaign: str
    config: str | None = None
    ledger_env: str = DEFAULT_LEDGER_ENV


@dataclass(frozen=True)
class Region:
    """A province or city: its code, name, level and what it is made of (regions one level down, or counties)."""

    code: str
    name: str
    level: str
    children: tuple[Region, ...] = ()
    counties: tuple[County, ...] = ()

    def all_counties(self) -> list[County]:
        """Every county under this region, in the config's order."""
        return [*self.counties, *(c for r in self.children for c in r.all_counties())]


@dataclass(frozen=True)
class Hierarchy:
    """The top region of a roll-up and the day of the week its report stands at (the counties' cutoff hour)."""

    top: Region
    cutoff_hour: int = 24

    def counties(self) -> list[County]:
        """Every county, in the config's order."""
        return self.top.all_counties()


def _region(node: dict[str, Any], where: str, level_at: int, problems: list[str]) -> Region:
    level = node.get("level")
    if level not in LEVELS[:-1]:
        problems.append(f"{where}: level must be one of {', '.join(LEVELS[:-1])}, got {level!r}")
    elif LEVELS.index(level) < level_at:
        problems.append(f"{where}: a {level} cannot sit under a {LEVELS[level_at - 1]}")
    for key in ("code", "name"):
        if not isinstance(node.get(key), str) or not node[key].strip():
            problems.append(f"{where}: missing {key} (text)")
    below = LEVELS.index(level) + 1 if level in LEVELS else level_at + 1
    children = tuple(_region(child, f"{where}.regions[{i}]", below, problems)
                     for i, child in enumerate(node.get("regions") or []))
    counties = []
    for i, entry in enumerate(node.get("counties") or []):
        spot = f"{where}.counties[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("campaign"), str):
            problems.append(f"{spot}: a county is {{campaign: <id>[, config: <path>][, ledger_env: <NAME>]}}")
            continue
        env = entry.get("ledger_env", DEFAULT_LEDGER_ENV)
        if not isinstance(env, str) or not _ENV_NAME.match(env):
            problems.append(f"{spot}: ledger_env must be an environment variable name, got {env!r}")
        counties.append(County(entry["campaign"], entry.get("config"), str(env)))
    if not children and not counties:
        problems.append(f"{where}: no regions and no counties")
    return Region(str(node.get("code", "")), str(node.get("name", "")), str(level), children, tuple(counties))


def parse_hierarchy(data: Any, source: str = "<rollup>") -> Hierarchy:
    """The hierarchy of a parsed `rollup:` document; raises HierarchyError listing every problem."""
    problems: list[str] = []
    node = data.get("rollup") if isinstance(data, dict) else None
    if not isinstance(node, dict):
        raise HierarchyError([f"{source}: expected a top-level 'rollup:' mapping"])
    top = _region(node, f"{source}: rollup", 0, problems)
    hour = node.get("cutoff_hour", 24)
    if not isinstance(hour, int) or not 0 <= hour <= 24:
        problems.append(f"{source}: rollup.cutoff_hour must be 0..24, got {hour!r}")
    seen: dict[str, int] = {}
    for county in top.all_counties():
        seen[county.campaign] = seen.get(county.campaign, 0) + 1
    problems += [f"{source}: campaign {c} appears {n} times (a county rolls up into one region)"
                 for c, n in seen.items() if n > 1]
    if problems:
        raise HierarchyError(problems)
    return Hierarchy(top, hour)


def load_hierarchy(path: str | Path) -> Hierarchy:
    """The hierarchy of a roll-up config file (configs/rollup/*.yaml)."""
    file = Path(path)
    if not file.is_file():
        raise HierarchyError([f"{file}: no such roll-up config"])
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise HierarchyError([f"{file}: not valid YAML: {exc}"]) from exc
    return parse_hierarchy(data, str(file))

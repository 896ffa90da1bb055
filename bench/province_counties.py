"""The counties of a benchmark province: K campaign configs derived from one locality's, each its own county.

County k (1-based) of base `kaijiang-2020` is campaign `kaijiangab-2020` (campaign ids are letters, a dash and
the year: the suffix counts aa, ab, … ), locality 开江02县, area code `52{k:02d}23` and its towns' codes
rewritten under it. The ledger keys residents by ID number across campaigns, and the generator draws migrants'
IDs from the neighbours of the county's area code (`canbao.generate.ids.other_areas`: a fixed list for the
provinces it knows, else the same prefecture), so each county gets a prefecture of its own in a province the
generator has no list for: no county's own or neighbouring area codes are another's, and no ID repeats.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from canbao.generate.ids import other_areas
from canbao.policy.load import read_raw, resolve

__all__ = ["PROVINCE_CODE", "County", "county_area", "county_configs"]

PROVINCE_CODE = "52"  # a valid province prefix without a fixed neighbour list in canbao.generate.ids
MAX_COUNTIES = 99  # two digits of prefecture


@dataclass(frozen=True)
class County:
    """One county of the province: its number, campaign id, area code and config file."""

    number: int
    campaign: str
    area_code: str
    config: Path


def county_area(k: int) -> str:
    """The 6-digit area code of county k: its own prefecture `k` in the synthetic province."""
    if not 1 <= k <= MAX_COUNTIES:
        raise ValueError(f"county number must be 1..{MAX_COUNTIES}, got {k}")
    return f"{PROVINCE_CODE}{k:02d}23"


def _suffix(k: int) -> str:
    letters = string.ascii_lowercase
    return letters[(k - 1) // 26] + letters[(k - 1) % 26]


def _derive(raw: dict[str, Any], k: int) -> dict[str, Any]:
    """The base config's data with county k's id, locality and area code (units moved under the new code)."""
    base, area = raw["campaign"], county_area(k)
    stem, year = base["id"].rsplit("-", 1)
    old, locality = base["area_code"], f"{base['locality'].removesuffix('县')}{k:02d}县"

    def moved(code: str | None) -> str | None:
        return area + code[len(old):] if code is not None and code.startswith(old) else code

    items = [{**u, "code": moved(u["code"]), "parent": moved(u.get("parent")),
              **({"name": locality} if u.get("level") == "county" else {})}
             for u in raw["units"].get("items", [])]
    campaign = {**base, "id": f"{stem}{_suffix(k)}-{year}", "locality": locality, "area_code": area}
    return {**raw, "campaign": campaign, "units": {**raw["units"], "items": items}}


def county_configs(base: str, count: int, folder: Path) -> list[County]:
    """Write `count` county configs derived from campaign (or config path) `base` into `folder`."""
    raw = read_raw(resolve(base))
    taken: set[str] = set()
    counties = []
    for k in range(1, count + 1):
        data = _derive(raw, k)
        area = data["campaign"]["area_code"]
        areas = {area, *other_areas(area)}
        if areas & taken:  # the guarantee above, checked rather than assumed
            raise ValueError(f"county {k}: area codes {sorted(areas & taken)} already belong to another county")
        taken |= areas
        path = folder / f"{data['campaign']['id']}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        counties.append(County(k, data["campaign"]["id"], area, path))
    return counties

"""The one unit tree: each unit's subtree, counts rolled up it, targets, and the town a unit belongs to."""

from __future__ import annotations

import pandas as pd

__all__ = ["county_code", "rollup", "subtree_pairs", "target_basis", "town_of", "unit_targets"]


def county_code(units: pd.DataFrame) -> str | None:
    """The county's code (the root of the tree), or None where the ledger has no county."""
    county = units.loc[units["level"] == "county", "code"]
    return county.iat[0] if len(county) else None


def subtree_pairs(units: pd.DataFrame) -> pd.DataFrame:
    """(unit, ancestor) for every unit and each of its ancestors, itself included.

    Schools are collection units of their own: they count toward the county only, never a town.
    """
    parent = dict(zip(units["code"], units["parent_code"]))
    level = dict(zip(units["code"], units["level"]))
    rows = []
    for code in units["code"]:
        seen, node = set(), code
        while node is not None and node in parent and node not in seen:
            if node == code or level[code] != "school" or level[node] == "county":
                rows.append((code, node))
            seen.add(node)
            node = parent[node] if isinstance(parent[node], str) else None
    return pd.DataFrame(rows, columns=["unit_code", "ancestor"])


def rollup(direct: pd.DataFrame, pairs: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    """Counts per unit (indexed by unit_code) summed over each unit's subtree, for every code."""
    merged = pairs.merge(direct, left_on="unit_code", right_index=True, how="inner")
    summed = merged.drop(columns="unit_code").groupby("ancestor").sum()
    return summed.reindex(codes).fillna(0).astype("int64")


def _targets(units: pd.DataFrame, prior: pd.Series) -> dict[str, tuple[int | None, str | None]]:
    """(target, basis) per unit; basis names the denominator (see `canbao.state.figures.DENOMINATORS`)."""
    own = dict(zip(units["code"], units["target"]))
    level = dict(zip(units["code"], units["level"]))
    root = county_code(units)
    children: dict[str, list[str]] = {}
    for code, parent in zip(units["code"], units["parent_code"]):
        if isinstance(parent, str) and parent in own:
            children.setdefault(parent if level[code] != "school" else root, []).append(code)  # type: ignore[arg-type]
    found: dict[str, tuple[int | None, str | None]] = {}

    def target(code: str) -> tuple[int | None, str | None]:
        if code not in found:
            basis: str | None
            value, basis = own[code], "own"
            kids = [target(k)[0] for k in children.get(code, [])]
            towns = [t for k, t in zip(children.get(code, []), kids) if level[k] == "town"]
            if level[code] == "county" and towns and None not in towns:
                value, basis = sum(t for t in kids if t is not None), "towns_and_schools"
            elif value is None or pd.isna(value):
                known = [t for t in kids if t is not None]
                if known:
                    value, basis = sum(known), "children"
                elif prior.get(code, 0) > 0:
                    value, basis = int(prior[code]), "prior"
                else:
                    value, basis = None, None
            found[code] = (None if value is None else int(value), basis)
        return found[code]

    for code in units["code"]:
        target(code)
    return found


def unit_targets(units: pd.DataFrame, prior: pd.Series) -> pd.Series:
    """Each unit's target: its own, else its children's sum, else last year's insured in its subtree.

    The county takes the sum of its towns' and schools' targets when every town has one: the breakdown
    is what units are assessed on, and it need not add up to the configured total (scaled data).
    """
    found = _targets(units, prior)
    return pd.Series([found[c][0] for c in units["code"]], index=units["code"].to_numpy(), dtype="Int64")


def target_basis(units: pd.DataFrame, prior: pd.Series) -> pd.Series:
    """What each unit's target is (its rate's denominator): own, children, towns_and_schools, prior or None."""
    found = _targets(units, prior)
    return pd.Series([found[c][1] for c in units["code"]], index=units["code"].to_numpy(), dtype="object")


def town_of(units: pd.DataFrame) -> dict[str, str]:
    """Each unit's town (a town is its own); the county and schools map to the county.

    As in `subtree_pairs`, a school counts toward the county only, even where it sits in a town.
    """
    parent, level = dict(zip(units["code"], units["parent_code"])), dict(zip(units["code"], units["level"]))
    county = next((c for c, lv in level.items() if lv == "county"), "")
    out = {}
    for code in units["code"]:
        if level[code] == "school":
            out[code] = county
            continue
        node, seen = code, set()
        while node in level and level[node] != "town" and node not in seen:
            seen.add(node)
            node = parent.get(node) if isinstance(parent.get(node), str) else None
        out[code] = node if node in level and level[node] == "town" else county
    return out

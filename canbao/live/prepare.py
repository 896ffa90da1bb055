"""Set up the live demo on disk: the moved config among copies of the others, and its county's files."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from canbao.generate import generate
from canbao.live.choice import live_weeks, shifts_in_registration
from canbao.live.config import move_config, write_moved
from canbao.live.history import take_in_history
from canbao.live.hold import release_due, split_inbox
from canbao.policy.load import SHIPPED_CONFIG_DIR, load_campaign, read_raw

__all__ = ["LiveDemo", "prepare_live"]


@dataclass(frozen=True)
class LiveDemo:
    """Where the live demo lives: `config_dir` (all campaigns, one moved), its config file, its inbox and the
    folder `later` holding the rows still to happen (`canbao.live.hold`)."""

    campaign: str
    weeks: int
    today: str
    config_dir: str
    config_path: str
    inbox: str
    scale: float
    seed: int
    later: str = ""  # empty in a record written before rows were held back: such a demo is set up afresh


def _reusable(record: Path, campaign: str, scale: float, seed: int, today: date) -> LiveDemo | None:
    """The demo set up before, if it is the same county and today still falls in its registration period."""
    if not record.is_file():
        return None
    demo = LiveDemo(**json.loads(record.read_text(encoding="utf-8")))
    source = load_campaign(SHIPPED_CONFIG_DIR / f"{campaign}.yaml")
    same = (demo.campaign, demo.scale, demo.seed) == (campaign, scale, seed) and Path(demo.config_path).is_file() \
        and bool(demo.later)
    return demo if same and demo.weeks in shifts_in_registration(source, today) else None


def prepare_live(campaign: str, root: Path, today: date, scale: float = 0.01, seed: int = 1,
                 ledger: Engine | None = None) -> LiveDemo:
    """Under `root`: `configs/` (every shipped config, `campaign`'s moved to run now) and `<campaign>/` (a
    generated county on the moved calendar: `inbox/` with the rows that happen by `today`, `later/` the rest).
    Kept as is while today stays in its registration period, so the ledger sees the same files, with the rows
    of the days since released into the inbox; set up afresh otherwise. Set up afresh with a `ledger` that
    knows nothing of the campaign, its past weeks are taken in week by week (`take_in_history`)."""
    root = root.resolve()
    record = root / "live.json"
    if (demo := _reusable(record, campaign, scale, seed, today)) is not None:
        release_due(Path(demo.later), Path(demo.inbox), today)
        return demo
    source_path = SHIPPED_CONFIG_DIR / f"{campaign}.yaml"
    source, raw = load_campaign(source_path), read_raw(source_path)
    weeks = live_weeks(raw, source, today)
    configs, county = root / "configs", root / campaign
    shutil.rmtree(configs, ignore_errors=True)
    shutil.rmtree(county, ignore_errors=True)
    configs.mkdir(parents=True)
    for other in SHIPPED_CONFIG_DIR.glob("*.yaml"):
        if other.stem != campaign:
            shutil.copyfile(other, configs / other.name)
    path = write_moved(move_config(raw, source, weeks), source_path, configs)
    generate(moved := load_campaign(path), scale, seed, county)
    if ledger is None:
        split_inbox(county / "inbox", county / "later", today)
    else:
        take_in_history(ledger, moved, county / "inbox", county / "later", today)
    demo = LiveDemo(campaign, weeks, today.isoformat(), str(configs), str(path), str(county / "inbox"), scale, seed,
                    str(county / "later"))
    record.write_text(json.dumps(asdict(demo), ensure_ascii=False, indent=1), encoding="utf-8")
    return demo

"""`canbao audit ID_NUMBER`: one person's history in the ledger, as one JSON document (internal, unmasked)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from canbao.cli.app import CliError, Command
from canbao.identity import check_id, mask_id, normalize_id
from canbao.reasons import label

__all__ = ["AUDIT"]


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id_number", metavar="ID_NUMBER", help="the person's 18-character national ID number")
    p.add_argument("--campaign", help="only this campaign (config stem, e.g. kaijiang-2020); default: all")


def _audit(args: argparse.Namespace) -> Any:
    from canbao.ledger.engine import database_url, make_engine
    from canbao.ledger.history import NOTICE, person_history
    from canbao.ledger.readiness import require_head
    from canbao.policy.load import ConfigError, load_campaign

    number = normalize_id(args.id_number) or ""
    check = check_id(number)
    if not check.valid:
        raise CliError(f"canbao: {mask_id(number) or '（空）'} 不是有效的身份证号码（{label(check.reason or '')}）")
    campaign = None
    if args.campaign:
        try:
            campaign = load_campaign(args.campaign).id
        except ConfigError as exc:
            raise CliError(f"canbao: {exc.problems[0]}") from None
    engine = make_engine(database_url())
    try:
        require_head(engine)
        with engine.connect() as conn:
            history = person_history(conn, number, campaign)
    finally:
        engine.dispose()
    print(f"canbao: {NOTICE}", file=sys.stderr)
    return history.to_json()


AUDIT = Command(("audit",), "one person's ledger history as JSON (internal: full ID and name, unmasked)",
                _arguments, _audit)

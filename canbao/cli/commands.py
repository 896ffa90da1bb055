"""The domain commands: configs, quotes, benefit start, deadlines, targets, ID checks."""

from __future__ import annotations

import argparse
from typing import Any

from canbao.cli.app import CliError, Command, parse_date
from canbao.identity import check_id
from canbao.policy.admission import Admission, PaymentRefused
from canbao.policy.benefit_start import benefit_start
from canbao.policy.deadlines import deadline_calendar
from canbao.policy.load import ConfigError, check_config, load_campaign, resolve
from canbao.policy.model import Campaign
from canbao.policy.quote import quote
from canbao.policy.targets import configured_targets

__all__ = ["COMMANDS"]


def _campaign(name: str) -> Campaign:
    try:
        return load_campaign(name)
    except ConfigError as exc:
        more = f" (+{len(exc.problems) - 1} more; run 'canbao config check')" if len(exc.problems) > 1 else ""
        raise CliError(f"canbao: {exc.problems[0]}{more}") from None


def _with_campaign(p: argparse.ArgumentParser) -> None:
    p.add_argument("--campaign", required=True, help="config stem in configs/ (e.g. kaijiang-2020) or a path")


def _config_check(args: argparse.Namespace) -> Any:
    report, bad = [], 0
    for name in args.paths:
        try:
            path = resolve(name)
        except ConfigError as exc:
            report.append({"file": name, "ok": False, "problems": exc.problems})
            bad += 1
            continue
        campaign, problems = check_config(path)
        report.append({"file": str(path), "ok": campaign is not None, "problems": problems})
        bad += campaign is None
    if bad:
        import sys

        for entry in report:
            for line in entry["problems"]:
                print(line, file=sys.stderr)
        return 1
    return {"ok": True, "files": report}


def _quote_args(p: argparse.ArgumentParser) -> None:
    _with_campaign(p)
    p.add_argument("--category", required=True)
    p.add_argument("--tier", type=int, default=1)
    p.add_argument("--exemption", help="a code the campaign's config defines (or its name or an alias)")
    p.add_argument("--paid-on", type=parse_date)


def _benefit_args(p: argparse.ArgumentParser) -> None:
    _with_campaign(p)
    p.add_argument("--enrollment", required=True, choices=["renewal", "new"])
    p.add_argument("--paid-on", required=True, type=parse_date)
    p.add_argument("--born", type=parse_date)
    p.add_argument("--insured-years", default="", help="comma-separated years, e.g. 2018,2019")
    p.add_argument("--category", help="contribution category (cover period and rules may depend on it)")


def _refuse(admission: Admission | None) -> None:
    """A payment the notice does not allow ends the command with its reason code and Chinese reason."""
    if admission is not None and admission.outcome == "refused":
        raise PaymentRefused(admission)


def _exemption_code(c: Campaign, text: str | None) -> str | None:
    """A code this campaign's config defines, given as the code, its name or one of its aliases."""
    if text is None:
        return None
    from canbao.formats.labels import exemption_labels

    return exemption_labels(c).get("".join(text.split()), text)  # unknown: quote() names the campaign's codes


def _quote(args: argparse.Namespace) -> Any:
    c = _campaign(args.campaign)
    q = quote(c, args.category, args.tier, _exemption_code(c, args.exemption), args.paid_on)
    _refuse(q.admission)
    return q.to_json()


def _benefit(args: argparse.Namespace) -> Any:
    got = benefit_start(_campaign(args.campaign), args.enrollment, args.paid_on, args.born,
                        _years(args.insured_years), args.category)
    _refuse(got.admission)
    return got.to_json()


def _years(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise CliError(f"canbao: --insured-years must be comma-separated years, not {text!r}") from None


def _targets(args: argparse.Namespace) -> Any:
    return [t.to_json() for t in configured_targets(_campaign(args.campaign))]


COMMANDS: list[Command] = [
    Command(("config", "check"), "validate campaign configs",
            lambda p: p.add_argument("paths", nargs="+", metavar="PATH"), _config_check),
    Command(("quote",), "contribution due for a resident (refused outside the payment window)", _quote_args,
            _quote),
    Command(("benefit-start",), "when cover begins (refused outside the window or after the cover period)",
            _benefit_args, _benefit),
    Command(("deadlines",), "the campaign's deadline calendar", _with_campaign,
            lambda a: [d.to_json() for d in deadline_calendar(_campaign(a.campaign))]),
    Command(("targets",), "unit targets from the config", _with_campaign, _targets),
    Command(("id-check",), "validate a national ID number",
            lambda p: p.add_argument("number"), lambda a: check_id(a.number).to_json()),
]







def _overview(args: argparse.Namespace) -> int:
    from canbao.policy.load import available_campaigns
    from canbao.reports.policy_overview import policy_overview

    for name in [args.campaign] if args.campaign else available_campaigns():
        print(policy_overview(_campaign(name)))
    return 0


COMMANDS.append(Command(("overview",), "print every campaign's deadline calendar and contribution table",
                        lambda p: p.add_argument("--campaign"), _overview))


def _generate_args(p: argparse.ArgumentParser) -> None:
    _with_campaign(p)
    p.add_argument("--scale", type=float, default=0.01, help="1.0 = the notice's full size")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True, help="output folder (its inbox/ is laid out for the flow)")


def _generate(args: argparse.Namespace) -> Any:
    from pathlib import Path

    from canbao.generate import generate

    if not 0 < args.scale <= 2:
        raise CliError("canbao: --scale must be in (0, 2]")
    manifest = generate(_campaign(args.campaign), args.scale, args.seed, Path(args.out))
    data = manifest if isinstance(manifest, dict) else manifest.to_json()
    return {k: data[k] for k in ("campaign", "scale", "seed", "population", "expected") if k in data} | {
        "out": args.out, "files": len(data.get("files", []))}


COMMANDS.append(Command(("generate",), "write a realistic county's files (with injected defects) as an inbox",
                        _generate_args, _generate))


def _formats_check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE")
    _with_campaign(p)
    p.add_argument("--source", help="inbox source (default: from the file's folder, e.g. exemption/<agency>/)")
    p.add_argument("--agency", help="agency code of an exemption list (default: the file's folder)")
    p.add_argument("--as-of", type=parse_date, help="the day ID numbers are checked against (default today)")


def _formats_check(args: argparse.Namespace) -> Any:
    import json
    import sys
    from pathlib import Path

    from canbao.intake.dry_run import check_file

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"canbao: no such file: {args.file}")
    report = check_file(path, _campaign(args.campaign), args.source, args.agency, args.as_of)
    if report["ok"]:
        return report
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
    return 1


COMMANDS.append(Command(("formats", "check"), "dry run: how a received file would be read (the ledger untouched)",
                        _formats_check_args, _formats_check))


def _figures_args(p: argparse.ArgumentParser) -> None:
    _with_campaign(p)
    p.add_argument("--as-of", required=True, type=parse_date, help="the figures as of the end of this day")
    p.add_argument("--cutoff-hour", type=int, default=24, help="stand at this hour of that day (default 24: its end)")
    p.add_argument("--database", help="ledger URL (default CANBAO_DATABASE_URL)")


def _figures(args: argparse.Namespace) -> Any:
    from canbao.ledger.engine import make_engine
    from canbao.state import campaign_figures, known_by, load_facts

    if not 0 <= args.cutoff_hour <= 24:
        raise CliError("canbao: --cutoff-hour must be 0..24")
    c = _campaign(args.campaign)
    engine = make_engine(args.database)
    try:
        with engine.connect() as conn:
            facts = load_facts(conn, c.id)
    finally:
        engine.dispose()
    if facts.units.empty:
        raise CliError(f"canbao: {c.id} is not in the ledger (run the registration-payment flow first)")
    return campaign_figures(c, facts, args.as_of, known_by(args.as_of, args.cutoff_hour)).to_json()


COMMANDS.append(Command(("figures",), "headline figures per unit as of a day, from the ledger (one JSON document)",
                        _figures_args, _figures))


from canbao.cli.audit import AUDIT  # noqa: E402 - a command module of its own

COMMANDS.append(AUDIT)

from canbao.cli.proof import PROOF_COMMANDS  # noqa: E402 - the proof commands live in their own module

COMMANDS.extend(PROOF_COMMANDS)

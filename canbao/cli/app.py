"""Command registry, argument parsing and the JSON/error contract of the CLI."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from canbao.errors import CanbaoError

__all__ = ["CliError", "Command", "build_parser", "main", "parse_date"]


class CliError(CanbaoError):
    """Bad input: reported as one line on stderr with a non-zero exit."""


@dataclass(frozen=True)
class Command:
    """A sub-command: its words, how it adds arguments, and what it runs."""

    words: tuple[str, ...]
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], Any]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(f"{self.prog}: {message}")


def parse_date(text: str) -> date:
    """An ISO date argument."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def build_parser(commands: Sequence[Command]) -> argparse.ArgumentParser:
    """The argument parser for a set of commands (nested words become nested sub-parsers)."""
    root = _Parser(prog="canbao", description="Canbao: resident medical insurance enrollment campaigns")
    groups: dict[tuple[str, ...], argparse._SubParsersAction] = {(): root.add_subparsers(dest="cmd0")}
    parsers: dict[tuple[str, ...], argparse.ArgumentParser] = {}
    for cmd in commands:
        for depth in range(1, len(cmd.words) + 1):
            path = cmd.words[:depth]
            if path in parsers:
                continue
            is_leaf = depth == len(cmd.words)
            p = groups[path[:-1]].add_parser(path[-1], help=cmd.help if is_leaf else None)
            parsers[path] = p
            if is_leaf:
                cmd.arguments(p)
                p.set_defaults(_command=cmd)
            else:
                groups[path] = p.add_subparsers(dest=f"cmd{depth}")
    return root


def main(argv: Sequence[str] | None = None, commands: Sequence[Command] | None = None) -> int:
    """Run one command; print its JSON result; return the exit code."""
    from canbao.cli.commands import COMMANDS

    parser = build_parser(commands if commands is not None else COMMANDS)
    try:
        args = parser.parse_args(argv)
        cmd: Command | None = getattr(args, "_command", None)
        if cmd is None:
            raise CliError("canbao: give a command (canbao --help lists them)")
        result = cmd.run(args)
    except CliError as exc:
        print(str(exc).splitlines()[0] if str(exc) else "canbao: error", file=sys.stderr)
        return 2
    except CanbaoError as exc:  # raised on purpose: its Chinese message is meant for the coordinator
        print(f"canbao: {exc.message}", file=sys.stderr)
        return 1
    except (ValueError, OSError, KeyError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"canbao: {first}", file=sys.stderr)
        return 1
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    if result is not None:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2, default=_json_default)
        sys.stdout.write("\n")
    return 0

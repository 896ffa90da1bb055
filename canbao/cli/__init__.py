"""The `canbao` command line: one JSON document on stdout, one-line errors on stderr."""

from canbao.cli.app import CliError, Command, build_parser, main

__all__ = ["CliError", "Command", "build_parser", "main"]

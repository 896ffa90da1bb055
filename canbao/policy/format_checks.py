"""Config checks of what the reader is told: extra headers per source and agency, identity words per code."""

from __future__ import annotations

import unicodedata

from canbao.formats.sources import SOURCES
from canbao.policy.model import Campaign

__all__ = ["format_problems"]

Problem = tuple[str, str]


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def format_problems(c: Campaign) -> list[Problem]:
    """Unknown sources or columns in `formats.headers`, agencies in `exemption_handoff.columns` that confirm
    no list, and identity words that name two exemption codes."""
    out: list[Problem] = []
    for source, columns in c.formats.headers.items():
        if source not in SOURCES:
            out.append((f"formats.headers.{source}", f"unknown source '{source}' (known: {', '.join(SOURCES)})"))
            continue
        for column in columns:
            if column not in SOURCES[source].columns:
                out.append((f"formats.headers.{source}.{column}", f"source '{source}' has no column '{column}' "
                            f"(columns: {', '.join(SOURCES[source].columns)})"))
    words: dict[str, str] = {}
    for i, e in enumerate(c.exemptions):
        for j, word in enumerate([e.name, *e.aliases]):
            other = words.setdefault(_key(word), e.code)
            if other != e.code:
                where = f"exemptions.{i}.aliases.{j - 1}" if j else f"exemptions.{i}.name"
                out.append((where, f"'{word}' already names exemption '{other}'"))
    return out

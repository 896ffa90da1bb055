"""Exchange formats: one reader per inbox source, driven by header mappings, and workbook writers."""

from canbao.formats.amounts import parse_amount_fen
from canbao.formats.dates import parse_dates
from canbao.formats.read import FormatError, read_source
from canbao.formats.sources import SOURCES, SourceSpec, source_spec
from canbao.formats.write import write_csv, write_workbook

__all__ = [
    "SOURCES", "FormatError", "SourceSpec", "parse_amount_fen", "parse_dates", "read_source", "source_spec",
    "write_csv", "write_workbook",
]

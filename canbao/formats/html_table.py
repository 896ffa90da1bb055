"""The first table of an HTML page as a cell grid: what many systems' "export to Excel" really writes."""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["html_grid"]


class _FirstTable(HTMLParser):
    """Collects the rows of the first <table> (nested tables ignored); colspan cells are padded with ''."""

    def __init__(self, max_rows: int, max_columns: int) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.depth = 0
        self.done = False
        self.cell: list[str] | None = None
        self.span = 1
        self.limits = (max_rows, max_columns)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "table":
            self.depth += 1
        elif self.depth == 1 and tag == "tr":
            self.rows.append([])
            if len(self.rows) > self.limits[0]:
                raise OverflowError("rows")
        elif self.depth == 1 and tag in ("td", "th") and self.rows:
            self._close_cell()
            self.cell = []
            span = dict(attrs).get("colspan") or "1"
            self.span = min(int(span), self.limits[1] + 1) if span.isdigit() and int(span) > 0 else 1
        elif self.depth == 1 and tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if tag == "table":
            if self.depth == 1:
                self._close_cell()
            self.depth -= 1
            self.done = self.depth == 0
        elif self.depth == 1 and tag in ("td", "th", "tr"):
            self._close_cell()

    def handle_data(self, data: str) -> None:
        if self.cell is not None and self.depth == 1:
            self.cell.append(data)

    def _close_cell(self) -> None:
        if self.cell is None:
            return
        row = self.rows[-1]
        row.extend(["".join(self.cell).strip(), *[""] * (self.span - 1)])
        if len(row) > self.limits[1]:
            raise OverflowError("columns")
        self.cell, self.span = None, 1


def html_grid(text: str, max_rows: int, max_columns: int) -> list[list[str]]:
    """Rows of the first table; OverflowError("rows"/"columns") past the limits."""
    parser = _FirstTable(max_rows, max_columns)
    parser.feed(text)
    parser.close()
    parser._close_cell()
    return parser.rows

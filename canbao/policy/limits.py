"""Limits on received files (size, rows, columns, cell length), per campaign with per-source overrides."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CSV_FIELD_LIMIT", "FileLimits", "IntakeLimits", "SourceLimits"]

# Python's csv module refuses longer fields unless its process-wide limit is raised; we never raise it.
CSV_FIELD_LIMIT = 131_072


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileLimits(_Strict):
    """What one received file may hold before it is refused unread (defaults fit a county's largest export)."""

    max_megabytes: int = Field(default=64, gt=0, description="size of the file on disk")
    max_unpacked_megabytes: int = Field(default=512, gt=0, description="any one part of an .xlsx once unzipped")
    # Excel's own sheet height: a county's roster export is legitimately one file of half a million rows.
    max_rows: int = Field(default=1_048_576, gt=0, description="rows of the sheet read (title and header rows too)")
    max_columns: int = Field(default=100, gt=0, description="columns of the sheet read")
    # calamine allocates the sheet's whole rectangle: this, not the row count, stops a sparse absurd sheet.
    max_cells: int = Field(default=20_000_000, gt=0, description="rows × columns of a sheet's extent")
    max_cell_chars: int = Field(default=32_767, gt=0, le=CSV_FIELD_LIMIT, description="characters in one cell")


class SourceLimits(_Strict):
    """Overrides for one source; a field left out keeps the campaign's default."""

    max_megabytes: int | None = Field(None, gt=0)
    max_unpacked_megabytes: int | None = Field(None, gt=0)
    max_rows: int | None = Field(None, gt=0)
    max_columns: int | None = Field(None, gt=0)
    max_cells: int | None = Field(None, gt=0)
    max_cell_chars: int | None = Field(None, gt=0, le=CSV_FIELD_LIMIT)


class IntakeLimits(_Strict):
    """The config's `intake_limits`: a default for every source and overrides by source code."""

    default: FileLimits = FileLimits()
    sources: dict[str, SourceLimits] = Field(default_factory=dict)

    def for_source(self, source: str) -> FileLimits:
        """The limits a file of `source` is held to."""
        override = self.sources.get(source)
        if override is None:
            return self.default
        return self.default.model_copy(update=override.model_dump(exclude_none=True))

"""Outputs a click away: download addresses, the loopback file service, wide tables split for the UI."""

from canbao.outputs.links import FILES_URL_ENV, OUTPUT_DIR_ENV, download_url, output_root
from canbao.outputs.tables import TABLE_WIDTH, column_groups

__all__ = ["FILES_URL_ENV", "OUTPUT_DIR_ENV", "TABLE_WIDTH", "column_groups", "download_url", "output_root"]

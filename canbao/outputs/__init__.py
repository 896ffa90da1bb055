"""Output files a click away: their download address, and the loopback file service that serves them."""

from canbao.outputs.links import FILES_URL_ENV, OUTPUT_DIR_ENV, download_url, output_root

__all__ = ["FILES_URL_ENV", "OUTPUT_DIR_ENV", "download_url", "output_root"]

"""Confirmation files: a bank's list of transfers received, or a coordinator's list of duties done."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from canbao.formats.amounts import parse_amount_fen, parse_dates
from canbao.formats.headers import normalize_header
from canbao.formats.read import FormatError
from canbao.formats.tables import read_grid
from canbao.settlement.transfer_ledger import Confirmation

__all__ = ["BANK_HEADERS", "read_bank_confirmations", "read_table"]

BANK_HEADERS = {"code": ("转账编号", "申请编号", "划转编号"), "confirmed_on": ("到账日期", "入账日期", "划转日期"),
                "reference": ("银行流水号", "流水号", "凭证号"), "amount": ("到账金额（元）", "到账金额", "金额")}


def read_table(path: Path, headers: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> pd.DataFrame:
    """A small Excel/CSV table as text columns named by `headers` keys (the header row found below titles)."""
    grid = read_grid(Path(path))
    wanted = {normalize_header(v): k for k, variants in headers.items() for v in variants}
    for i, row in enumerate(grid[:10]):
        positions = {j: wanted[normalize_header(cell)] for j, cell in enumerate(row) if normalize_header(cell)
                     in wanted}
        if set(required) <= set(positions.values()):
            body = [r for r in grid[i + 1:] if any(str(x).strip() for x in r)]
            data = {name: [str(r[j]).strip() if j < len(r) else "" for r in body] for j, name in positions.items()}
            frame = pd.DataFrame(data, columns=list(headers), dtype="object")
            return frame.astype("string").replace("", pd.NA)
    raise FormatError(f"{Path(path).name}: missing column(s) {', '.join(headers[k][0] for k in required)}")


def read_bank_confirmations(path: Path) -> tuple[list[Confirmation], list[dict[str, str]]]:
    """Confirmations from a bank file (转账编号, 到账日期, 银行流水号, 到账金额); rows with a bad date refused."""
    frame = read_table(path, BANK_HEADERS, ("code", "confirmed_on"))
    days, bad_day = parse_dates(frame["confirmed_on"])
    amounts, bad_amount = parse_amount_fen(frame["amount"].fillna(""))
    out, refused = [], []
    for i, row in frame.iterrows():
        if pd.isna(row["code"]):
            continue
        if bad_day[i]:
            refused.append({"code": str(row["code"]), "reason": "date_invalid", "label": "到账日期无效"})
            continue
        amount = None if bad_amount[i] else int(amounts[i])
        reference = None if pd.isna(row["reference"]) else str(row["reference"])
        out.append(Confirmation(str(row["code"]), days[i].date(), reference, amount))
    return out, refused

"""Files for the review of one list version: the full change detail (内部) and the rows sent back to the agency."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from canbao.exemptions.diff import CHANGE_LABELS
from canbao.exemptions.summary import agency_name
from canbao.exemptions.workbooks import safe_name
from canbao.formats.write import write_workbook
from canbao.policy.model import Campaign

__all__ = ["review_stem", "write_change_detail", "write_returned_rows"]


def review_stem(out: Path, c: Campaign, agency: str, version: int) -> Path:
    """E.g. `<out>/民政部门_第2版`: the stem of a version's review files."""
    return out / f"{safe_name(agency_name(c, agency))}_第{version}版"


def write_change_detail(path: Path, c: Campaign, diff: pd.DataFrame, names: Mapping[str, str]) -> Path:
    """Every changed person of a version with the full ID number, for the coordinator (restricted)."""
    labels = {e.code: e.name for e in c.exemptions}
    changed = diff[diff["change"] != "unchanged"]
    sheet = pd.DataFrame({
        "变动": changed["change"].map(CHANGE_LABELS), "文件": changed["source_file"].map(
            lambda f: f.split("/")[-1] if isinstance(f, str) else None),
        "行号": changed["source_row"], "姓名": changed["id_number"].map(names),
        "身份证号码": changed["id_number"], "现类别": changed["exemption"].map(labels),
        "原类别": changed["previous"].map(labels)})
    return write_workbook(path, {"变动明细": sheet}, "免缴对象名单变动明细（内部）",
                          [f"共{len(sheet)}人有变动。含完整身份证号码，严禁公示或外传。"])


def write_returned_rows(path: Path, c: Campaign, agency: str, rejected: pd.DataFrame) -> Path:
    """Rows of an agency's list that could not be taken in, with the reason (IDs masked), to send back."""
    sheet = pd.DataFrame({"文件": rejected["source_file"].map(lambda f: str(f).split("/")[-1]),
                          "行号": rejected["source_row"], "姓名": rejected["name"], "身份证号码": rejected["value"],
                          "错误原因": rejected["reason_label"]})
    return write_workbook(path, {"退回行": sheet}, f"{agency_name(c, agency)}免缴对象名单退回行",
                          ["以下行未能导入，请核实修改后随完整名单重新报送。"])

"""The dry run of a received file from the Prefect UI: how it would be read, the ledger untouched."""

# No `from __future__ import annotations`: a served run resolves the parameter annotations as objects.
import json
from pathlib import Path
from typing import Annotated, Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from canbao.intake.dry_run import check_file
from canbao.policy.load import load_campaign
from flows.failures import reports_failure
from flows.params import BLANK, Blank, CampaignName, ConfigPath, OptionalText, labelled

__all__ = ["formats_check"]

FilePath = Annotated[str, labelled(
    "文件路径", "要检查的报送文件（如 inbox/exemption/civil_affairs/名单.xlsx）")]
Source = Annotated[str | None, Blank, OptionalText, labelled(
    "来源", "留空则按文件所在目录判断（如 exemption、roster）")]
Agency = Annotated[str | None, Blank, OptionalText, labelled(
    "报送部门", "免缴名单的部门代码；留空则按目录判断")]


@task(name="check-file", cache_policy=NO_CACHE)
def check(ref: str, file: str, source: str | None, agency: str | None) -> dict[str, Any]:
    """The dry run's report (JSON-ready; ID numbers, names and person numbers masked)."""
    return check_file(Path(file), load_campaign(ref), source, agency)


@flow(name="formats-check", flow_run_name="{campaign}-formats-check", log_prints=True)
@reports_failure("文件格式检查")
def formats_check(campaign: CampaignName, file: FilePath, source: Source = BLANK,  # type: ignore[valid-type]
                  agency: Agency = BLANK, config_path: ConfigPath = BLANK) -> dict[str, Any]:
    """Read one file as the intake would and show how (artifact `<campaign>-formats-check`); nothing is stored."""
    report = check(config_path or campaign, file, source or None, agency or None)
    verdict = "可以导入" if report["ok"] and not report.get("rows_rejected") else "需处理"
    body = json.dumps(report, ensure_ascii=False, indent=2, default=str)
    create_markdown_artifact(f"### 文件检查：{report['file']}（{verdict}）\n\n```json\n{body}\n```",
                             key=f"{campaign}-formats-check", description="报送文件试读（不导入）")
    return report

"""Tasks of the registration-and-payment intake: each a batch over files or the whole campaign."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from canbao.formats.sources import source_title
from canbao.intake.batch import intake_batch
from canbao.intake.campaign import PEOPLE_SOURCES, intake_context, known_by_source, open_campaign
from canbao.intake.inbox import InboxFile, InboxSurvey, archive, survey_inbox
from canbao.intake.reading import FilesRead, read_ahead
from canbao.intake.settle import settle_campaign
from canbao.ledger.statistics import refresh_statistics
from canbao.policy.load import load_campaign
from tasks.runtime import clock_now, clock_today, flow_run_id, ledger_engine

__all__ = ["archive_files", "known_files", "match_and_settle", "prepare_ledger", "read_source", "scan",
           "take_in_source"]


@task(name="prepare-ledger", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE, persist_result=False)
def prepare_ledger(campaign_id: str) -> None:
    """Migrate the ledger and open the campaign with its configured units."""
    with ledger_engine().begin() as conn:
        open_campaign(conn, load_campaign(campaign_id), clock_now())


@task(name="scan-inbox", cache_policy=NO_CACHE, persist_result=False)
def scan(inbox: str, sources: list[str]) -> InboxSurvey:
    """The data files waiting in the inbox, and the entries left unread (hidden, unsupported, linked out)."""
    survey = survey_inbox(Path(inbox), sources)
    get_run_logger().info("收件箱 %s 中有 %d 个待导入文件，其中 %d 个无法读取，另有 %d 项未处理", inbox,
                          len(survey.files), sum(f.refusal is not None for f in survey.files), len(survey.ignored))
    return survey


@task(name="known-files", cache_policy=NO_CACHE, persist_result=False)
def known_files(campaign_id: str) -> dict[str, set[str]]:
    """The content hashes of the files the campaign has taken in, by source."""
    with ledger_engine().connect() as conn:
        return known_by_source(conn, load_campaign(campaign_id).id)


@task(name="read-source", task_run_name="read-{source}", retries=1, retry_delay_seconds=10,
      cache_policy=NO_CACHE, persist_result=False)
def read_source(campaign: str, source: str, files: list[InboxFile]) -> FilesRead:
    """A source's files read (in the process pool) ahead of their batch, while the batch before is stored."""
    return read_ahead(files, source, load_campaign(campaign))


@task(name="take-in-source", task_run_name="take-in-{source}", retries=1, retry_delay_seconds=10,
      cache_policy=NO_CACHE, persist_result=False)
def take_in_source(campaign: str, source: str, files: list[InboxFile], as_of: date, take_again: bool = False,
                   ahead: FilesRead | None = None) -> dict:
    """Read, validate and store one source's new files in one transaction; returns counts, rejections, the files
    refused whole, unused columns and the files already taken in (`take_again`: take those in as new imports).

    `campaign` is a campaign id or the path of its config (the run's config, loaded here); `ahead`: the files
    read_source read, not read again."""
    c = load_campaign(campaign)
    with ledger_engine().begin() as conn:
        known = known_by_source(conn, c.id).get(source, set())
        fresh = take_again or any(f.sha256 not in known for f in files)
        # Only new registration rows are checked against the sets of people (a rerun reads no rows).
        ctx = intake_context(conn, c, as_of, clock_now(), flow_run_id(), fresh and source in PEOPLE_SOURCES)
        result = intake_batch(conn, source, files, ctx, seen=() if take_again else known,
                              again=known if take_again else (), ahead=ahead)
    repeated = [f.name for f in files if f.sha256 in known]
    skipped = 0 if take_again else len(repeated)
    get_run_logger().info("%s：新文件 %d 个，已导入过 %d 个%s；读取 %d 行，接收 %d 行，退回 %d 行",
                          source_title(source), result.files, len(repeated),
                          "（已重新导入）" if take_again and repeated else "",
                          result.rows, result.accepted, len(result.rejected))
    return {"source": source, "files": result.files, "already_seen": skipped, "rows": result.rows,
            "accepted": result.accepted, "rejected": result.rejected, "bank_failed": result.skipped,
            "problems": [asdict(p) for p in result.problems], "ignored_columns": result.ignored_columns,
            "repeated": [] if take_again else repeated, "taken_again": repeated if take_again else []}


@task(name="match-and-settle", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE, persist_result=False)
def match_and_settle(campaign_id: str, as_of: date | None = None):
    """Match payments to registrations as of the day (default today), from the ledger's facts."""
    with ledger_engine().begin() as conn:  # the batches just changed the tables' sizes
        refresh_statistics(conn)
    with ledger_engine().connect() as conn:
        settled = settle_campaign(conn, load_campaign(campaign_id), as_of or clock_today())
    get_run_logger().info("截至%s：已登记 %d 人，计入缴费 %d 笔，其中异常 %d 笔", settled.as_of.isoformat(),
                          len(settled.enrollments), len(settled.payments), settled.flagged)
    return settled


@task(name="archive-files", cache_policy=NO_CACHE, persist_result=False)
def archive_files(files: list[InboxFile], inbox: str) -> int:
    """Move taken-in files to the inbox's processed folder."""
    for f in files:
        if f.path.exists():
            archive(f, Path(inbox))
    return len(files)



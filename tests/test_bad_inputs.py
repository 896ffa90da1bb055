"""Broken and hostile files through the registration intake: each refused by name and reason, the rest taken in."""

from __future__ import annotations

import random
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from canbao.formats.write import write_workbook
from canbao.identity import mask_ids_in
from canbao.intake.batch import intake_batch
from canbao.intake.campaign import intake_context, open_campaign, seen_hashes
from canbao.intake.inbox import INTAKE_ORDER, survey_inbox
from canbao.intake.returned import current_rejections
from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.ledger.queries import snapshot
from canbao.ledger.schema import Enrollment, Import, Payment
from canbao.policy.load import load_campaign
from canbao.reasons import FILE_REFUSALS, IGNORED
from canbao.reports.intake_report import error_workbooks, summary_markdown
from tests.bad_inputs import Corpus, build_corpus, roster_frame

CAMPAIGN = "kaijiang-2020"
NOW = datetime(2019, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
DIGITS = re.compile(r"\d{15}")


def take_in(engine: Engine, inbox: Path) -> list:
    """What the flow's take-in-source tasks do, source by source, each in its own transaction."""
    c = load_campaign(CAMPAIGN)
    survey = survey_inbox(inbox)
    results = []
    for source in INTAKE_ORDER:
        files = [f for f in survey.files if f.source == source]
        if files:
            with engine.begin() as conn:
                open_campaign(conn, c, NOW)
                seen = seen_hashes(conn, CAMPAIGN)
                ctx = intake_context(conn, c, date(2019, 12, 2), NOW, "test-run")
                results.append(intake_batch(conn, source, files, ctx,
                                            seen=set(seen.loc[seen["source"] == source, "sha256"])))
    return results


def unit_names() -> dict[str, str]:
    """Unit code → name as the ledger has them after open_campaign."""
    return {u.code: u.name for u in load_campaign(CAMPAIGN).units.items}


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return build_corpus(tmp_path)


def test_every_bad_file_is_refused_by_name_and_every_good_row_taken_in(ledger_engine: Engine,
                                                                      corpus: Corpus) -> None:
    results = take_in(ledger_engine, corpus.inbox)
    with ledger_engine.connect() as conn:
        enrolled = set(conn.execute(select(Enrollment.id_number)).scalars())
        paid = set(conn.execute(select(Payment.external_ref)).scalars())
        returned = current_rejections(conn, CAMPAIGN, INTAKE_ORDER)
        imports = conn.execute(select(func.count()).select_from(Import)).scalar_one()
    assert enrolled == corpus.enrolled and paid == corpus.paid
    whole = returned[returned["source_row"] == 0]
    assert dict(zip(whole["source_file"], whole["reason"])) == {mask_ids_in(k): v for k, v in corpus.refused.items()}
    assert set(whole["reason_label"]) <= set(FILE_REFUSALS.values())
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in whole["reason_label"])
    rows = returned[returned["source_row"] > 0].groupby("source_file").size().to_dict()
    assert rows == {mask_ids_in(k): v for k, v in corpus.row_rejected.items()}
    assert not any(DIGITS.search(x) for x in returned["source_file"]) and not any(
        DIGITS.search(x) for x in returned["value"] if "*" not in x)
    # A rerun takes in nothing, refuses nothing again and does not crash.
    again = take_in(ledger_engine, corpus.inbox)
    assert sum(r.files for r in again) == 0 and sum(r.files for r in results) == imports
    with ledger_engine.connect() as conn:
        assert current_rejections(conn, CAMPAIGN, INTAKE_ORDER).equals(returned)


def test_error_workbooks_come_back_after_a_crash_one_per_file_without_ids(ledger_engine: Engine, corpus: Corpus,
                                                                        tmp_path: Path) -> None:
    take_in(ledger_engine, corpus.inbox)  # then the run dies before writing any workbook
    take_in(ledger_engine, corpus.inbox)  # the rerun: every file already taken in, nothing rejected now
    with ledger_engine.connect() as conn:
        returned = current_rejections(conn, CAMPAIGN, INTAKE_ORDER)
    out = tmp_path / "退回清单"
    books = error_workbooks(returned, unit_names(), out)
    # One workbook per file with rejections (none of their rows names a known unit), each name unique.
    assert len(books) == len(corpus.refused) + len(corpus.row_rejected) == len(set(books))
    for book in books:
        assert not DIGITS.search(book.name) and "王五" not in book.name and "李四" not in book.name
        assert book.name.startswith("文件") and book.name.endswith("_退回清单（内部）.xlsx")
    cells = {}
    for book in books:
        sheet = openpyxl.load_workbook(book, read_only=True).worksheets[0]
        text = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert not any(re.search(r"\d{17}[\dX]", t) for t in text)
        cells[book.name] = text
    joined = [" ".join(t) for t in cells.values()]
    for name, reason in corpus.refused.items():
        assert sum(mask_ids_in(name) in t and FILE_REFUSALS[reason] in t for t in joined) == 1, name
    # A file corrected and re-sent under the same name: its workbook goes, the others stay.
    stale = len(books)
    write_workbook(corpus.inbox / "roster" / "新 村.xlsx", {"s": roster_frame([10])})
    take_in(ledger_engine, corpus.inbox)
    with ledger_engine.connect() as conn:
        books = error_workbooks(current_rejections(conn, CAMPAIGN, INTAKE_ORDER), unit_names(), out)
    assert len(books) == stale - 1 and sorted(out.glob("*.xlsx")) == sorted(books)


def _take_in_until(engine: Engine, inbox: Path, crash_after: int) -> None:
    """take_in, but the run dies after `crash_after` sources (a death inside a source rolls back the same)."""
    survey = survey_inbox(inbox)
    sources = [s for s in INTAKE_ORDER if any(f.source == s for f in survey.files)][:crash_after]
    c = load_campaign(CAMPAIGN)
    for source in sources:
        with engine.begin() as conn:
            open_campaign(conn, c, NOW)
            seen = seen_hashes(conn, CAMPAIGN)
            ctx = intake_context(conn, c, date(2019, 12, 2), NOW, "dying-run")
            intake_batch(conn, source, [f for f in survey.files if f.source == source], ctx,
                         seen=set(seen.loc[seen["source"] == source, "sha256"]))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_run_killed_anywhere_then_rerun_equals_a_clean_run(ledger_engine: Engine, corpus: Corpus,
                                                             tmp_path: Path, seed: int) -> None:
    # The clean run on a SQLite ledger of its own (intake leaves the inbox as it was: nothing is archived).
    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    upgrade(clean_url)
    clean = make_engine(clean_url)
    take_in(clean, corpus.inbox)
    with clean.connect() as conn:
        expected = snapshot(conn, CAMPAIGN)
        books = error_workbooks(current_rejections(conn, CAMPAIGN, INTAKE_ORDER), unit_names(), tmp_path / "a")
    clean.dispose()
    # The run under test dies after a random number of sources, then runs again.
    _take_in_until(ledger_engine, corpus.inbox, random.Random(seed).randint(0, 2))
    take_in(ledger_engine, corpus.inbox)
    with ledger_engine.connect() as conn:
        assert snapshot(conn, CAMPAIGN) == expected
        again = error_workbooks(current_rejections(conn, CAMPAIGN, INTAKE_ORDER), unit_names(), tmp_path / "b")
    assert [p.name for p in again] == [p.name for p in books] and len(books) == len(corpus.refused) + 3


def test_inbox_lists_ignored_entries_and_refuses_links_out(corpus: Corpus) -> None:
    survey = survey_inbox(corpus.inbox)
    assert {x.name: x.reason for x in survey.ignored} == corpus.ignored
    assert all(x.reason in IGNORED for x in survey.ignored)
    refused = {f.path.name: f.refusal for f in survey.files if f.refusal}
    assert refused == {"链接.xlsx": "file_outside_inbox"}
    inside = corpus.inbox / "roster" / "内部链接.xlsx"
    inside.symlink_to(corpus.inbox / "roster" / "红星村花名册.xlsx")
    assert next(f for f in survey_inbox(corpus.inbox).files if f.path == inside).refusal is None


def test_summary_lists_refused_and_ignored_files(ledger_engine: Engine, corpus: Corpus) -> None:
    results = take_in(ledger_engine, corpus.inbox)
    rejected = pd.concat([r.rejected for r in results if len(r.rejected)], ignore_index=True)
    text = summary_markdown("开江县", {"新文件数": 1}, {}, {}, [], refused=rejected[rejected["source_row"] == 0],
                            ignored=survey_inbox(corpus.inbox).ignored)
    top = text.split("| 项目 | 数量 |")[0]
    for name, reason in corpus.refused.items():
        assert f"| {mask_ids_in(name)} | {FILE_REFUSALS[reason]} |" in top
    for name, reason in corpus.ignored.items():
        assert f"| {name} | {IGNORED[reason]} |" in top
    assert not re.search(r"\d{17}[\dX]", text)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_flow_survives_the_corpus_and_a_crash(corpus: Corpus, tmp_path: Path, sqlite_url: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.registration_payment as module

    upgrade(sqlite_url)  # flows never migrate: the bring-up does
    monkeypatch.setenv("CANBAO_DATABASE_URL", sqlite_url)
    out = tmp_path / "out"

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed before the error workbooks")

    with monkeypatch.context() as patch:
        patch.setattr(module, "write_error_workbooks", crash)
        with pytest.raises(RuntimeError, match="killed"):
            module.registration_payment(campaign=CAMPAIGN, inbox=str(corpus.inbox), output_dir=str(out),
                                        as_of=date(2019, 12, 2))
    assert not (out / "退回清单").exists() or not any((out / "退回清单").iterdir())
    again = module.registration_payment(campaign=CAMPAIGN, inbox=str(corpus.inbox), output_dir=str(out),
                                        as_of=date(2019, 12, 2))
    assert again["files"] == 0 and again["ignored_files"] == len(corpus.ignored)
    books = sorted((out / "退回清单").glob("*.xlsx"))
    assert len(books) == again["error_workbooks"] == len(corpus.refused) + len(corpus.row_rejected)
    assert not any(DIGITS.search(b.name) for b in books)
    left = {p.name for p in (corpus.inbox / "roster").iterdir()}
    assert set(corpus.ignored) <= left and "红星村花名册.xlsx" not in left  # taken-in files archived

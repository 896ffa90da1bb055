"""Registration intake side by side: the floor, a naive baseline, Canbao without and with Prefect, a rerun, the
weekly report. One command, one table (markdown on stdout, JSON with --json):

    PYTHONPATH=. .venv/bin/python bench/scale.py --campaign kaijiang-2020 --scale 1

Each stage runs in its own process (its wall time and peak RSS are its own) on a fresh SQLite ledger (or
`--database-url`, a PostgreSQL server URL without a database name: each stage creates its own database).
- floor: read every inbox file once (python-calamine / pandas, all text) and write every row with executemany;
- naive: row-by-row ORM inserts with per-row lookups on a slice of the roster, extrapolated to all rows;
- domain: Canbao's intake steps called directly (no Prefect), the same steps as the flow;
- flow: the registration-payment flow (Prefect, ephemeral server), then a rerun on the unchanged inbox,
  then the weekly-report flow on that ledger.
Canbao's clock (`CANBAO_CLOCK`) stands at 18:00 on the campaign's last day unless set: the intake runs in the
campaign, as a county's would.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAIVE_ROWS = 2_000  # roster rows the naive baseline writes one by one before its rate is extrapolated
STAGES = ("floor", "naive", "domain", "flow")


def _rss_mib() -> float:
    """Peak RSS of this process and of its (waited-for) children, MiB: the larger of the two."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process, its waited-for children and its live children with everything
    they reaped (the process pool's fork server and its workers): on a shared machine the fairer measure of
    work done, next to wall time."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == os.getpid():  # ppid; then utime, stime, cutime, cstime (fields 14-17)
            total += sum(int(x) for x in fields[11:15]) / tick
    return total


def _data_files(inbox: Path) -> list[Path]:
    """The files the registration flow reads (exemption lists go through their own flow)."""
    return sorted(p for p in inbox.rglob("*") if p.is_file() and p.relative_to(inbox).parts[0] != "exemption"
                  and "processed" not in p.relative_to(inbox).parts and not p.name.startswith("."))


def stage_floor(inbox: Path, url: str) -> dict:
    """Read every file once and write every row: the least any intake must do."""
    import pandas as pd
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    rows = 0
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        for n, path in enumerate(_data_files(inbox)):
            if path.suffix == ".csv":
                try:
                    df = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
                except UnicodeDecodeError:
                    df = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="gb18030")
            else:
                df = pd.read_excel(path, header=None, dtype=str, engine="calamine")
            table = f"f{n}"
            cols = [f"c{i}" for i in range(df.shape[1])]
            conn.exec_driver_sql(f"CREATE TABLE {table} ({', '.join(c + ' TEXT' for c in cols)})")
            marks = ", ".join(["%s" if conn.dialect.name == "postgresql" else "?"] * len(cols))
            cursor = raw.cursor()
            cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", df.itertuples(index=False, name=None))
            rows += len(df)
    return {"rows": rows}


def stage_naive(inbox: Path, url: str, campaign: str, limit: int) -> dict:
    """The intake written the obvious way: per row, look the person and the unit up, add ORM objects, commit."""
    from datetime import date, datetime

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from canbao.clock import now
    from canbao.formats.read import FormatError, read_table
    from canbao.intake.campaign import open_campaign
    from canbao.ledger.engine import make_engine
    from canbao.ledger.migrate import upgrade
    from canbao.ledger.schema import Enrollment, Import, Resident, Unit
    from canbao.policy.load import load_campaign

    upgrade(url)
    c = load_campaign(campaign)
    engine = make_engine(url)
    with engine.begin() as conn:
        open_campaign(conn, c, now())
    start = time.perf_counter()
    done = 0
    with Session(engine) as session:
        for path in sorted((inbox / "roster").glob("*")):
            if done >= limit:
                break
            try:
                frame = read_table(path, "roster", campaign=c).frame
            except FormatError:
                continue
            imp = Import(campaign_id=c.id, source="roster", file_name=path.name, sha256=f"{done:064d}",
                         rows_total=len(frame), rows_accepted=0, rows_rejected=0, imported_at=now())
            session.add(imp)
            session.commit()
            for row in frame.head(limit - done).to_dict("records"):
                done += 1
                try:
                    unit = session.scalar(select(Unit).where(Unit.campaign_id == c.id,
                                                             Unit.code == row["unit_code"]))
                    birth = datetime.strptime(str(row.get("birth_date") or "")[:10], "%Y-%m-%d").date()
                    if unit is None or session.get(Resident, row["id_number"]) is None:
                        session.add(Resident(id_number=row["id_number"], name=row["name"], sex=row.get("sex"),
                                             birth_date=birth))
                    session.add(Enrollment(campaign_id=c.id, id_number=row["id_number"], unit_code=row["unit_code"],
                                           category=row.get("category") or "", tier=int(row.get("tier") or 1),
                                           channel="service_window", kind="new", registered_at=date.today(),
                                           import_id=imp.id, source_row=int(row["source_row"])))
                    session.commit()
                except Exception:  # the naive path skips whatever fails, row by row
                    session.rollback()
    return {"rows": done, "seconds_measured": time.perf_counter() - start}


def stage_domain(inbox: Path, url: str, campaign: str, out: Path) -> dict:
    """Canbao's intake steps in the flow's order, called directly: the domain's own wall time."""
    from canbao.clock import now, today
    from canbao.intake.campaign import open_campaign
    from canbao.intake.inbox import INTAKE_ORDER, survey_inbox
    from canbao.intake.pipeline import take_in_sources
    from canbao.intake.settle import settle_campaign
    from canbao.ledger.engine import make_engine
    from canbao.ledger.migrate import upgrade
    from canbao.ledger.statistics import refresh_statistics
    from canbao.policy.load import load_campaign
    from tasks.intake_reports import reconcile_channels, write_error_workbooks

    upgrade(url)
    os.environ["CANBAO_DATABASE_URL"] = url
    c, day, engine = load_campaign(campaign), today(), make_engine(url)
    start, cpu = time.perf_counter(), _cpu_seconds()
    with engine.begin() as conn:
        open_campaign(conn, c, now())
    survey = survey_inbox(inbox, list(INTAKE_ORDER))
    rows = sum(batch.rows for batch in take_in_sources(engine, c, survey.files, day, now()))
    with engine.begin() as conn:
        refresh_statistics(conn)  # as the flow's match-and-settle task does
    with engine.connect() as conn:
        settled = settle_campaign(conn, c, day)
    reconcile_channels.fn(campaign, settled, str(out), day)
    write_error_workbooks.fn(c.id, str(out))
    return {"rows": rows, "seconds_measured": time.perf_counter() - start, "work_cpu_s": _cpu_seconds() - cpu}


def stage_flow(inbox: Path, url: str, campaign: str, out: Path) -> dict:
    """The registration flow, its rerun on the unchanged inbox and the weekly report, timed around each call."""
    from canbao.ledger.migrate import upgrade

    upgrade(url)
    os.environ["CANBAO_DATABASE_URL"] = url
    # A shared machine may take more than Prefect's default 20 s to start the ephemeral server.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    from canbao.policy.load import load_campaign
    from canbao.reports.weekly import period_of
    from flows.local_run import local_run
    from flows.registration_payment import registration_payment
    from flows.weekly_report import weekly_report

    times = {}
    with local_run():
        for name in ("flow", "rerun"):
            start, cpu = time.perf_counter(), _cpu_seconds()
            result = registration_payment(campaign=campaign, inbox=str(inbox), output_dir=str(out),
                                          move_processed=False)
            times[name], times[f"{name}_cpu_s"] = time.perf_counter() - start, _cpu_seconds() - cpu
            data = result.data if hasattr(result, "data") else result
            times[f"{name}_rows"] = data["rows"]
            times[f"{name}_reused"] = bool(data.get("outputs_reused"))
        # As of the campaign's last day (the pinned clock's day, `campaign_evening`): every weekly point.
        # Made an hour after the imports, as a real report is: one made at the very moment of an import (a
        # pinned clock) does not count it, and would time a report of nobody.
        last_day = period_of(load_campaign(campaign))[1]
        clock = os.environ.get("CANBAO_CLOCK")
        if clock:
            os.environ["CANBAO_CLOCK"] = (datetime.fromisoformat(clock) + timedelta(hours=1)).isoformat()
        start, cpu = time.perf_counter(), _cpu_seconds()
        report = weekly_report(campaign=campaign, as_of=last_day, output_dir=str(out / "weekly"))
        times["weekly"], times["weekly_cpu_s"] = time.perf_counter() - start, _cpu_seconds() - cpu
        times["weekly_enrolled"] = int(report["enrolled"])
        if clock:
            os.environ["CANBAO_CLOCK"] = clock
    return times


def _run_stage(args: argparse.Namespace, stage: str, work: Path) -> dict:
    """One stage in a fresh process on a fresh ledger: its result, wall time and peak RSS (`--in-process`: in
    this process, RSS then being this process's peak so far; for the smoke test)."""
    url = _stage_url(args.database_url, work, stage)
    if args.in_process:
        start, before = time.perf_counter(), os.environ.get("CANBAO_CLOCK")
        os.environ["CANBAO_CLOCK"] = args.clock
        try:
            got = _stage(stage, Path(args.inbox), url, args.campaign, args.naive_rows, work)
        finally:  # the calling process's clock as it was
            if before is None:
                os.environ.pop("CANBAO_CLOCK")
            else:
                os.environ["CANBAO_CLOCK"] = before
        return {**got, "process_wall": time.perf_counter() - start}
    cmd = [sys.executable, __file__, "--stage", stage, "--inbox", str(args.inbox), "--campaign", args.campaign,
           "--naive-rows", str(args.naive_rows), "--work", str(work), "--stage-url", url]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "CANBAO_CLOCK": args.clock}
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"stage {stage} failed:\n{done.stderr[-4000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "process_wall": wall}


def _stage_url(base: str | None, work: Path, stage: str) -> str:
    if not base:
        return f"sqlite:///{work / stage}.db"
    import sqlalchemy as sa

    name = f"bench_{stage}_{os.getpid()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return sa.make_url(base).set(database=name).render_as_string(hide_password=False)


def campaign_evening(campaign: str) -> str:
    """18:00 on the campaign's last day (Asia/Shanghai): when the stages run, so every file is in the campaign's
    period and the weekly report as of that day sees everything taken in (the real clock would put the
    imports years after the campaign)."""
    from canbao.policy.load import load_campaign
    from canbao.reports.weekly import period_of

    return f"{period_of(load_campaign(campaign))[1].isoformat()}T18:00:00+08:00"


def measure(args: argparse.Namespace) -> dict:
    """Every stage asked for, and the ratios between them."""
    args.clock = os.environ.get("CANBAO_CLOCK") or campaign_evening(args.campaign)
    with tempfile.TemporaryDirectory(prefix="canbao-bench-") as tmp:
        work = Path(tmp)
        if args.inbox is None:
            subprocess.run([sys.executable, "-m", "flows.cli", "generate", "--campaign", args.campaign, "--scale",
                            str(args.scale), "--seed", "1", "--out", str(work / "gen")], check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
            args.inbox = work / "gen" / "inbox"
        results = {}
        for stage in args.stages:
            try:
                results[stage] = _run_stage(args, stage, work)
            except SystemExit as failed:  # the other stages still make a table
                print(failed, file=sys.stderr)
            print(json.dumps({stage: results.get(stage)}), file=sys.stderr)  # as it goes, for long runs
        return results


def table(m: dict) -> str:
    """The side-by-side table in markdown: seconds, rows/s, peak RSS and ratios to the floor."""
    floor = m.get("floor", {})
    base = floor.get("seconds_measured") or floor.get("process_wall")
    lines = ["| stage | rows | wall (s) | rows/s | peak RSS (MiB) | CPU (s) | × floor (wall) |",
             "|---|---:|---:|---:|---:|---:|---:|"]

    def row(name: str, rows: int, seconds: float, rss: float | None, cpu: float | None, note: str = "") -> None:
        ratio = f"{seconds / base:.1f}" if base else "–"
        rss_text = f"{rss:,.0f}" if rss is not None else "–"
        cpu_text = f"{cpu:,.1f}" if cpu is not None else "–"
        lines.append(f"| {name}{note} | {rows:,} | {seconds:,.1f} | {rows / seconds:,.0f} | {rss_text} | {cpu_text} "
                     f"| {ratio} |")

    if floor:
        row("floor: read every file, executemany every row", floor["rows"], base, floor["rss_mib"],
            floor.get("cpu_s"))
    total = m.get("domain", floor).get("rows", 0)
    if "naive" in m:
        n = m["naive"]
        rate = n["rows"] / n["seconds_measured"]
        row("naive: ORM row by row, per-row lookups", total, total / rate, n["rss_mib"], None,
            f" (**extrapolated** from {n['rows']:,} rows)")
    if "domain" in m:
        d = m["domain"]
        row("Canbao intake, domain calls (no Prefect)", d["rows"], d["seconds_measured"], d["rss_mib"], d.get("cpu_s"))
    if "flow" in m:
        f = m["flow"]
        row("Canbao registration flow (Prefect)", f["flow_rows"], f["flow"], f["rss_mib"], f.get("flow_cpu_s"))

        def cpu(key: str) -> str:
            return f"{f[key]:,.1f}" if key in f else "–"

        reused = "; outputs reused" if f.get("rerun_reused") else ""
        lines.append(f"| rerun on the unchanged inbox (flow{reused}) | {f['rerun_rows']:,} | {f['rerun']:,.1f} "
                     f"| – | – | {cpu('rerun_cpu_s')} | – |")
        counted = f" (counts {f['weekly_enrolled']:,} enrolled)" if "weekly_enrolled" in f else ""
        lines.append(f"| weekly report flow{counted} | – | {f['weekly']:,.1f} | – | – | {cpu('weekly_cpu_s')} | – |")
        if "domain" in m:
            d = m["domain"]
            share = (f["flow"] - d["seconds_measured"]) / f["flow"]
            lines.append(f"\nPrefect's share of the flow's wall time: {share:.1%} "
                         f"(flow {f['flow']:.1f} s against the domain calls' {d['seconds_measured']:.1f} s)"
                         + (": not measurable, the machine's load changed between the two" if share < 0 else ""))
            if "flow_cpu_s" in f and "work_cpu_s" in d:
                share = (f["flow_cpu_s"] - d["work_cpu_s"]) / f["flow_cpu_s"]
                lines.append(f"\nPrefect's share of the flow's CPU time (its server included): {share:.1%} "
                             f"(flow {f['flow_cpu_s']:.1f} s against the domain calls' {d['work_cpu_s']:.1f} s)")
    if floor.get("cpu_s") and "domain" in m:
        lines.append(f"\nCPU time, Canbao's domain calls against the floor: {m['domain']['cpu_s']:.1f} s against "
                     f"{floor['cpu_s']:.1f} s, {m['domain']['cpu_s'] / floor['cpu_s']:.1f}×.")
    return "\n".join(lines)


def _stage(stage: str, inbox: Path, url: str, campaign: str, naive_rows: int, work: Path) -> dict:
    start = time.perf_counter()
    if stage == "floor":
        got = stage_floor(inbox, url)
    elif stage == "naive":
        got = stage_naive(inbox, url, campaign, naive_rows)
    elif stage == "domain":
        got = stage_domain(inbox, url, campaign, work / "out-domain")
    else:
        got = stage_flow(inbox, url, campaign, work / "out-flow")
    got.setdefault("seconds_measured", time.perf_counter() - start)
    return {**got, "rss_mib": _rss_mib(), "cpu_s": _cpu_seconds()}


def _stage_main(args: argparse.Namespace) -> None:
    print(json.dumps(_stage(args.stage, Path(args.inbox), args.stage_url, args.campaign, args.naive_rows,
                            Path(args.work))))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--campaign", default="kaijiang-2020")
    p.add_argument("--scale", type=float, default=1.0, help="generate at this scale (unless --inbox is given)")
    p.add_argument("--inbox", type=Path, help="an inbox generated before (its files are read, never moved)")
    p.add_argument("--stages", default=",".join(STAGES), type=lambda s: [x for x in s.split(",") if x])
    p.add_argument("--naive-rows", type=int, default=NAIVE_ROWS)
    p.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite files in a temporary folder)")
    p.add_argument("--json", action="store_true", help="print the measurements as JSON, not the table")
    p.add_argument("--in-process", action="store_true", help="run the stages in this process (smoke test)")
    p.add_argument("--stage", help=argparse.SUPPRESS)
    p.add_argument("--stage-url", help=argparse.SUPPRESS)
    p.add_argument("--work", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.stage:
        _stage_main(args)
        return
    m = measure(args)
    print(json.dumps(m, indent=1) if args.json else table(m))


if __name__ == "__main__":
    main()

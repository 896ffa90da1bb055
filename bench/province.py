"""A province on PostgreSQL: K county campaigns generated and taken in one after another into ONE ledger.

    PYTHONPATH=. .venv/bin/python bench/province.py --counties 20 --scale 1 \\
        --database-url postgresql+psycopg://USER:PW@HOST:PORT/postgres

One county is one chunk: its config is derived from one locality's (`bench/province_counties.py`: own campaign,
locality, area code and seed), its inbox is generated in a child process, taken in by Canbao's intake steps
(bench/scale.py's `stage_domain`, the registration flow's steps without Prefect) in another child process, then
its files are deleted. Each child's peak RSS and CPU (its reading pool's processes included) are its own and
its memory goes back when it ends; nothing holds more than one county. The script creates its own database on
the server (`--keep-db` keeps it) and prints per county and for the province: residents, rows taken in, wall,
CPU, peak RSS, the residents in the ledger and the database's size (markdown; JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.memory import TreeMemory, local_server_pid
from bench.province_counties import County, county_configs
from bench.scale import ROOT, _cpu_seconds, _rss_mib, _stage_url, stage_domain

__all__ = ["ledger_figures", "main", "take_in_province"]

SEED_BASE = 1000  # county k is generated with seed SEED_BASE + k


def _child(kind: str, args: dict[str, Any], workers: int | None, in_process: bool = False) -> dict[str, Any]:
    """Run one step in a fresh process: its JSON result, with its wall time around the process (`in_process`:
    in this process, for the smoke test; RSS then being this process's peak so far)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **({"CANBAO_WORKERS": str(workers)} if workers else {})}
    start = time.perf_counter()
    if in_process:
        return {**_run_child(kind, args), "wall_s": time.perf_counter() - start}
    done = subprocess.run([sys.executable, __file__, "--child", kind, json.dumps(args)], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{kind} failed for {args}:\n{done.stderr[-4000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall_s": time.perf_counter() - start}


def _generate(config: str, scale: float, seed: int, out: str) -> dict[str, Any]:
    """Generate a county's inbox; what its manifest says it holds and must give."""
    from canbao.generate import generate
    from canbao.policy.load import load_campaign

    m = generate(load_campaign(config), scale, seed, Path(out))
    last_year_refused = sum(m.expected["rejections_by_source"].get("last_year_roster", {}).values())
    return {"population": m.population, "files": len(m.files), "rows": sum(f["rows"] for f in m.files),
            "enrollments": m.expected["enrollments"], "prior_insured": m.expected["last_year_rows"]
            - last_year_refused}


def _run_child(kind: str, args: dict[str, Any]) -> dict[str, Any]:
    """One step, with this process's peak RSS and CPU time (its pool's processes included)."""
    if kind == "generate":
        got = _generate(**args)
    else:
        got = stage_domain(Path(args["inbox"]), args["url"], args["config"], Path(args["work"]))
    return {**got, "rss_mib": _rss_mib(), "cpu_s": _cpu_seconds()}


def ledger_figures(url: str) -> dict[str, Any]:
    """The ledger's residents, each campaign's people (distinct IDs it enrolled or lists as last year's insured),
    the residents who are no campaign's people (on a deceased list only, or otherwise), the IDs found in more
    than one campaign, and the database's size in bytes."""
    people = ("SELECT campaign_id, id_number FROM enrollments UNION "
              "SELECT campaign_id, id_number FROM prior_insured")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        residents = conn.exec_driver_sql("SELECT count(*) FROM residents").scalar_one()
        by_campaign = {str(c): int(n) for c, n in conn.exec_driver_sql(
            f"SELECT campaign_id, count(*) FROM ({people}) p GROUP BY campaign_id").all()}
        apart = dict(conn.exec_driver_sql(  # residents of no campaign's people: what list brought them in
            f"SELECT r.deceased_on IS NOT NULL, count(*) FROM residents r LEFT JOIN ({people}) p "
            "ON p.id_number = r.id_number WHERE p.id_number IS NULL GROUP BY 1").all())
        shared = conn.exec_driver_sql(f"SELECT count(*) FROM (SELECT id_number FROM ({people}) p "
                                      "GROUP BY id_number HAVING count(*) > 1) s").scalar_one()
        size = (conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
                if conn.dialect.name == "postgresql" else Path(str(engine.url.database)).stat().st_size)
    engine.dispose()
    return {"residents": residents, "people_by_campaign": by_campaign, "shared_ids": shared, "db_bytes": size,
            "only_deceased_list": int(apart.get(True, 0)), "unattached": int(apart.get(False, 0))}


def take_in_province(url: str, counties: list[County], scale: float, work: Path, workers: int | None = None,
                     log: Any = None, in_process: bool = False) -> dict[str, Any]:
    """Generate and take in each county in turn into the ledger at `url`: per county and whole-run figures."""
    start, rows = time.perf_counter(), list[dict[str, Any]]()
    for county in counties:
        folder = work / county.campaign
        gen = _child("generate", {"config": str(county.config), "scale": scale, "seed": SEED_BASE + county.number,
                                  "out": str(folder)}, workers, in_process)
        took = _child("intake", {"inbox": str(folder / "inbox"), "url": url, "config": str(county.config),
                                 "work": str(folder / "out")}, workers, in_process)
        shutil.rmtree(folder)
        rows.append({"campaign": county.campaign, "area_code": county.area_code, "generate": gen, "intake": took})
        if log:
            print(json.dumps(rows[-1]), file=log, flush=True)
    wall = time.perf_counter() - start
    peak = max([_rss_mib()] + [r[s]["rss_mib"] for r in rows for s in ("generate", "intake")])
    return {"scale": scale, "counties": rows, "wall_s": wall, "peak_rss_mib": peak, "ledger": ledger_figures(url)}


def _drop(server: str, url: str) -> None:
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)')
    admin.dispose()


def table(m: dict[str, Any]) -> str:
    """Per county and for the province, in markdown."""
    lines = ["| county | area | residents generated | people in ledger | files | rows taken in "
             "| generate wall (s) | intake wall (s): process / steps | intake CPU (s) | rows/s (steps) "
             "| peak RSS generate / intake (MiB) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    people = m["ledger"]["people_by_campaign"]
    for r in m["counties"]:
        g, i = r["generate"], r["intake"]
        steps = i["seconds_measured"]
        lines.append(f"| {r['campaign']} | {r['area_code']} | {g['population']:,} | {people.get(r['campaign'], 0):,} "
                     f"| {g['files']:,} | {i['rows']:,} | {g['wall_s']:,.1f} | {i['wall_s']:,.1f} / {steps:,.1f} "
                     f"| {i['cpu_s']:,.1f} | {i['rows'] / steps:,.0f} | {g['rss_mib']:,.0f} / {i['rss_mib']:,.0f} |")
    led, n = m["ledger"], len(m["counties"])
    generated = sum(r["generate"]["population"] for r in m["counties"])
    taken = sum(r["intake"]["rows"] for r in m["counties"])
    cpu = sum(r[s]["cpu_s"] for r in m["counties"] for s in ("generate", "intake"))
    lines += ["", f"Province: {n} counties at scale {m['scale']}, {generated:,} residents generated, "
              f"{taken:,} rows taken in; **{led['residents']:,} residents in the ledger** = the counties' people "
              f"summed {sum(people.values()):,} + {led['only_deceased_list']:,} only on a deceased list + "
              f"{led['unattached']:,} other; IDs in more than one county: {led['shared_ids']:,}; "
              f"wall {m['wall_s']:,.1f} s (generation included), CPU {cpu:,.1f} s; **max peak RSS "
              f"{m['peak_rss_mib']:,.0f} MiB** (any process, this one included); database size "
              f"{led['db_bytes'] / 2**20:,.0f} MiB."]
    if "memory_mib" in m:
        mem = m["memory_mib"]
        lines += ["", f"Memory held at once (PSS sampled every second): **{mem['together']:,.0f} MiB at the peak**, "
                  f"this run's processes {mem['run']:,.0f} MiB at theirs, the database server "
                  + (f"{mem['server']:,.0f} MiB at its own" if mem["server"] else "not on this machine") + "."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--counties", type=int, default=20, help="how many counties (default 20)")
    p.add_argument("--scale", type=float, default=1.0, help="each county's scale (1.0 ≈ 513,000 residents)")
    p.add_argument("--campaign", default="kaijiang-2020", help="the locality whose config the counties copy")
    p.add_argument("--database-url", help="PostgreSQL server URL; a database is created on it and dropped after "
                   "(default: a SQLite file in a temporary folder)")
    p.add_argument("--workers", type=int, help="CANBAO_WORKERS for the reading pool (default: the cores)")
    p.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL database (its URL goes to stderr)")
    p.add_argument("--json", action="store_true", help="print the measurements as JSON, not the table")
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(_run_child(args.child[0], json.loads(args.child[1]))))
        return
    with tempfile.TemporaryDirectory(prefix="canbao-province-") as tmp:
        work = Path(tmp)
        (work / "configs").mkdir()
        counties = county_configs(args.campaign, args.counties, work / "configs")
        url = _stage_url(args.database_url, work, "province")
        try:
            with TreeMemory(local_server_pid(url)) as memory:
                m = take_in_province(url, counties, args.scale, work, args.workers, log=sys.stderr)
            m["memory_mib"] = {"run": memory.peak_run_mib, "server": memory.peak_server_mib,
                               "together": memory.peak_total_mib}
        finally:
            if args.database_url and not args.keep_db:
                _drop(args.database_url, url)
    if args.keep_db and args.database_url:
        m["database_url"] = sa.make_url(url).render_as_string(hide_password=True)
        print(f"kept: {m['database_url']}", file=sys.stderr)
    print(json.dumps(m, indent=1) if args.json else table(m))


if __name__ == "__main__":
    main()

"""Render the docs/ examples the way a person sees them: generated county → weekly report → LibreOffice → PNG.

    bash scripts/system-deps.sh --render          # LibreOffice Calc, poppler, the CJK font
    .venv/bin/python scripts/render_report_examples.py [--campaign kaijiang-2020] [--as-of 2019-11-18]

Generates the county (scale 0.02, seed 4), takes it in with the registration-payment flow, runs the
weekly-report and roster-posting flows, converts the workbooks to PDF with LibreOffice and their first
pages to PNG with pdftoppm, and copies the chart: docs/weekly-report-example*.png, docs/weekly-chart-
example.png, docs/roster-posting-example.png, docs/weekly-bulletin-example.md. Exits non-zero if a
render shows `###` (a column too narrow) or the PDF uses no CJK font.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CJK = re.compile(r"WenQuanYi|Noto\w*CJK|Droid|Source ?Han|AR ?PL|ZenHei")


def render(xlsx: Path, out_png: Path, pages: int = 1) -> list[Path]:
    """xlsx → PDF (LibreOffice) → PNG pages (pdftoppm); checks for ### and a CJK font."""
    work = xlsx.parent
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(xlsx)],
                   check=True, capture_output=True, timeout=180)
    pdf = work / f"{xlsx.stem}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    if "###" in text or not CJK.search(fonts):
        raise SystemExit(f"{xlsx.name}: unreadable render (### in cells or no CJK font):\n{fonts}")
    prefix = work / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", str(pages), str(pdf), str(prefix)], check=True)
    made = sorted(work.glob("page-*.png"))
    targets = [out_png if i == 0 else out_png.with_name(f"{out_png.stem}-{i + 1}.png") for i in range(len(made))]
    for page, target in zip(made, targets):
        shutil.move(page, target)
    return targets


def main() -> int:
    """Command line."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from canbao.generate import generate
    from canbao.policy.load import load_campaign
    from flows.registration_payment import registration_payment
    from flows.roster_posting import roster_posting
    from flows.weekly_report import weekly_report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaign", default="kaijiang-2020")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2019, 11, 18))
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    parser.add_argument("--ledger", help="use this ledger URL (already taken in) instead of generating a county")
    args = parser.parse_args()
    c = load_campaign(args.campaign)
    with tempfile.TemporaryDirectory() as tmp, prefect_test_harness(), \
            temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        os.environ["CANBAO_DATABASE_URL"] = args.ledger or f"sqlite:///{tmp}/ledger.db"
        os.environ["CANBAO_OUTPUT_DIR"] = f"{tmp}/out"
        if not args.ledger:
            generate(c, 0.02, 4, Path(tmp) / "gen")
            registration_payment(campaign=c.id, inbox=f"{tmp}/gen/inbox")
        os.environ["CANBAO_CLOCK"] = f"{args.as_of.isoformat()}T09:00:00"
        files = weekly_report(campaign=c.id)["files"]
        posting = roster_posting(campaign=c.id, as_of=date(args.as_of.year, args.as_of.month, 1))
        book = Path(tmp) / "render" / "weekly.xlsx"
        book.parent.mkdir()
        shutil.copy(files["周报表"], book)
        made = render(book, args.docs / "weekly-report-example.png", pages=2)
        shutil.copy(files["进度图"], args.docs / "weekly-chart-example.png")
        shutil.copy(files["通报（markdown）"], args.docs / "weekly-bulletin-example.md")
        biggest = max(Path(posting["output_dir"]).glob("*.xlsx"), key=lambda p: p.stat().st_size)
        post = Path(tmp) / "render2" / "posting.xlsx"
        post.parent.mkdir()
        shutil.copy(biggest, post)
        made += render(post, args.docs / "roster-posting-example.png")
    print("\n".join(str(p.relative_to(ROOT)) for p in [*made, args.docs / "weekly-chart-example.png"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

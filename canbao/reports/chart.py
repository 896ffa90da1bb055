"""The progress chart: cumulative enrollment against target, pace line and forecast, one panel per town."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import matplotlib.dates as mdates
import pandas as pd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from canbao.formats.protect import prepare_output
from canbao.reports.fonts import FONT_ENV, MissingFontError, MissingGlyphError, cjk_font
from canbao.reports.table import forecasts, pct
from canbao.reports.weekly import WeeklyReport, rate

__all__ = ["CHART_SKIPPED", "ChartOutcome", "chart_units", "progress_chart", "write_progress_chart"]

CHART_SKIPPED = (f"本机未找到可显示中文的字体，本次未生成累计参保进度图（周报表和通报已照常生成）。"
                 f"安装 fonts-wqy-microhei（bash scripts/system-deps.sh）或设置环境变量 {FONT_ENV} 后重新生成即可。")


@dataclass(frozen=True)
class ChartOutcome:
    """The chart written, or why it was skipped (a Chinese warning for the artifact)."""

    path: Path | None
    warning: str | None = None


def chart_units(r: WeeklyReport) -> list[str]:
    """Panels: the whole campaign, then each town (each village where there is a single town)."""
    towns = r.level("town")
    inner = towns if len(towns) > 1 else r.level("village")
    return [r.county["code"], *inner["code"]]


def _panel(ax: Axes, r: WeeklyReport, code: str, guess: Fraction | None) -> None:
    row = r.units.set_index("code").loc[code]
    dates = list(r.series.columns)
    counts = [int(v) for v in r.series.loc[code]]
    ax.plot(dates, counts, marker="o", markersize=3, color="#1f4e79", label="累计参保")
    target = None if pd.isna(row["target"]) else int(row["target"])
    if target:
        goal = float(r.goal_rate) * target
        ax.axhline(target, color="#7f7f7f", linestyle="--", linewidth=1, label="目标任务")
        ax.plot([r.period_start, r.period_end], [0, goal], color="#c00000", linestyle=":", linewidth=1.2,
                label="时序进度")
        if guess is not None and dates and dates[-1] < r.period_end:
            ax.plot([dates[-1], r.period_end], [counts[-1], float(guess) * target], color="#ed7d31",
                    linestyle="--", linewidth=1.2, label="预计")
    share = rate(counts[-1], target) if counts else None
    ax.set_title(f"{row['name']}　{'—' if share is None else f'{pct(share)}%'}", fontsize=10)
    ax.set_xlim(r.period_start, r.period_end)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v):,}"))
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)


def write_progress_chart(path: Path, r: WeeklyReport, columns: int = 4) -> Path:
    """Write the PNG; MissingFontError without a CJK font, MissingGlyphError (no file left) if one lacks glyphs."""
    family, _ = cjk_font()
    codes = chart_units(r)
    guesses = forecasts(r)
    rows = math.ceil(len(codes) / columns)
    with rc_context({"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False}):
        width, height = 4.2 * columns, 3.0 * rows + 0.8
        fig = Figure(figsize=(width, height))  # no pyplot: no global figure state
        axes = fig.subplots(rows, columns, squeeze=False)
        for ax, code in zip(axes.flat, codes):
            _panel(ax, r, code, guesses.get(code))
        for ax in list(axes.flat)[len(codes):]:
            ax.set_visible(False)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper right", ncol=len(labels), fontsize=9, frameon=False)
        fig.suptitle(f"{r.locality}{r.insurance_year}年度居民医保累计参保进度（截至{r.cutoff_text}）", fontsize=14,
                     x=0.02, ha="left")
        # Margins in inches, fixed: tight_layout measured every label of every panel (a third of the chart's time)
        fig.subplots_adjust(left=0.6 / width, right=1 - 0.15 / width, bottom=0.35 / height, top=1 - 0.9 / height,
                            wspace=0.2, hspace=0.34)
        prepare_output(path)  # 内部: owner-only
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(path, dpi=100, metadata={"Software": None})
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    if missing:
        path.unlink()
        raise MissingGlyphError(f"chart font {family} lacks glyphs: {missing[0]}")
    return path


def progress_chart(path: Path, r: WeeklyReport) -> ChartOutcome:
    """The chart, or no chart and a warning when no usable CJK font is installed: the report goes on."""
    try:
        return ChartOutcome(write_progress_chart(path, r))
    except MissingFontError:
        return ChartOutcome(None, CHART_SKIPPED)


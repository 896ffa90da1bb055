"""Wide tables split for the run page: at most TABLE_WIDTH columns each, the row labels repeated, no column lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from canbao.outputs import TABLE_WIDTH, column_groups

WEEKLY = ["单位", "目标任务", "参保人数", "参保率", "较上周增加", "资助参保", "特殊群体参保率", "时序进度", "进度状态",
          "预计期末参保率", "排名"]  # the weekly units table (canbao/reports/summary.py): 11 columns


def test_the_weekly_units_table_becomes_two_tables_of_seven_and_five_columns() -> None:
    rows = [dict.fromkeys(WEEKLY, n) | {"单位": name} for n, name in enumerate(["新宁镇", "普安镇", "合计"])]
    first, second = column_groups(rows)
    assert list(first[0]) == WEEKLY[:7] and list(second[0]) == ["单位", *WEEKLY[7:]]
    assert [r["单位"] for r in second] == ["新宁镇", "普安镇", "合计"]
    assert column_groups(rows[:1], keep=1, width=11) == [rows[:1]]  # fits: one table, unchanged


@given(n_columns=st.integers(1, 30), keep=st.integers(1, 4), n_rows=st.integers(0, 3))
def test_every_column_appears_once_beside_the_labels(n_columns: int, keep: int, n_rows: int) -> None:
    columns = [f"c{i}" for i in range(n_columns)]
    rows = [{c: (r, c) for c in columns} for r in range(n_rows)]
    groups = column_groups(rows, keep)
    if not rows:
        assert groups == [[]]
        return
    labels = columns[:keep]
    heads = [list(g[0]) for g in groups]
    assert all(h[:len(labels)] == labels and len(h) <= TABLE_WIDTH for h in heads)
    assert [c for h in heads for c in h[len(labels):]] == columns[keep:]
    assert all(g[r][c] == (r, c) for g in groups for r in range(n_rows) for c in g[r])

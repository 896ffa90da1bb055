"""Roll-up of county campaigns into cities and a province (county → city → province), from the counties' figures."""

from canbao.rollup.aggregate import RollUp, roll_up
from canbao.rollup.county import CountyFigures, county_figures
from canbao.rollup.hierarchy import County, Hierarchy, Region, load_hierarchy, parse_hierarchy
from canbao.rollup.report import rollup_markdown, write_rollup_workbook

__all__ = ["County", "CountyFigures", "Hierarchy", "Region", "RollUp", "county_figures", "load_hierarchy",
           "parse_hierarchy", "roll_up", "rollup_markdown", "write_rollup_workbook"]

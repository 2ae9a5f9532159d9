"""The briefing report: one self-contained HTML file of the published warehouse.

models.py      reads the report's dbt models (schema `report`, rpt_*): every number shown
sections/      one module per source (cbp, tip, news, statcan): reads its models and draws
provenance.py  the header: inputs landed, quarantined inputs, the quality gate
charts.py      matplotlib figures as inline SVG
template.py    the HTML (Jinja2, autoescaped)
writer.py      write_report: all of the above into <data>/reports/briefing.html
"""

from crossborder.report.sections import SECTIONS
from crossborder.report.writer import report_path, write_report

__all__ = ["SECTIONS", "report_path", "write_report"]

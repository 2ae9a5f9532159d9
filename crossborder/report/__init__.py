"""The briefing report: one self-contained HTML file of the published warehouse."""

from crossborder.report.briefing import SECTIONS, report_path, write_report

__all__ = ["SECTIONS", "report_path", "write_report"]

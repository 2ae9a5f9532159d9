"""The report's sections, in the order shown: one module per source.

Add one by writing a module with a `SECTIONS` list (see cbp.py) over its own rpt_* models
(dbt_project/models/report/) and appending it here. A section whose first model has no rows is
skipped, saying so; one that fails to draw shows its error without hiding the others; a model
or column missing from the warehouse stops the report (models.ReportModelError).
"""

from __future__ import annotations

from crossborder.core.progress import Progress
from crossborder.report.base import Section, SectionResult, Skip
from crossborder.report.models import ReportModelError
from crossborder.report.sections import cbp, news, statcan, tip, usbp

SECTIONS: list[Section] = [*cbp.SECTIONS, *usbp.SECTIONS, *tip.SECTIONS, *news.SECTIONS, *statcan.SECTIONS]


def build_sections(con, progress: Progress | None = None) -> list[SectionResult]:
    results = []
    for section in SECTIONS:
        result = SectionResult(key=section.key, title=section.title)
        try:
            section.build(con, result)
        except Skip as exc:
            result.skipped = str(exc)
        except ReportModelError:
            raise  # the warehouse does not hold what the report reads: fail loudly, naming it
        except Exception as exc:  # one broken section must not hide the others
            result.error = f"{type(exc).__name__}: {exc}"
            if progress:
                progress.say(f"    report section {section.key!r} failed: {result.error}")
        results.append(result)
    return results

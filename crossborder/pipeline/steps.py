"""The pipeline's one list of steps: the CLI iterates it, the Airflow DAGs map it onto tasks.

extract    sources -> landing zone (files only)                       crossborder.pipeline.extract
build      landing zone -> dbt -> working warehouse                   crossborder.pipeline.build
validate   quality gate over the working warehouse (read-only)        crossborder.pipeline.validate
publish    atomic rename of the validated warehouse                   crossborder.pipeline.publish
release    a dated release: warehouse, Parquet, dictionary, SHA256SUMS  crossborder.pipeline.releases
report     the briefing report of the published warehouse            crossborder.report
freshness  warn / fail on sources quiet past their cadence            crossborder.pipeline.freshness
fetch_health fail naming sources whose servers block this client      crossborder.pipeline.extract
           (their last good data stays in use and was published)
quarantine fail naming inputs that stopped parsing (their last good    extractors.derive.kept_in_use
           content stays in use, so the publish keeps their data)

A step added to STEPS appears in `crossborder run` and in the DAGs by construction
(tests/pipeline/test_steps.py checks both). Steps after publish never un-publish: their failure is
reported, the remaining steps still run, and the run fails at the end.

`crossborder run` skips build, validate and publish when what a build would read has not changed
since the published warehouse was built (crossborder.pipeline.inputs). The warehouse DAG runs
only when an extract announced new data, so it always builds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError, ReportFailed
from crossborder.core.files import is_sample_data
from crossborder.core.landing import LandingZone
from crossborder.core.progress import Progress
from crossborder.pipeline import build, demo, extract, freshness, inputs, publish, releases, validate
from extractors import SOURCES
from extractors.derive import kept_in_use


@dataclass
class RunContext:
    """What every step gets: the settings, where to say what it does, and which sources it covers."""

    settings: Settings
    progress: Progress
    sources: list[str] = field(default_factory=lambda: list(SOURCES))
    demo: bool = False  # extract from the bundled demo mirror (sample data)
    # Skip the steps that only matter when something changed, if nothing did (`crossborder run`).
    skip_unchanged: bool = False
    _unchanged: bool | None = field(default=None, init=False, repr=False)

    def unchanged(self) -> bool:
        """Whether the published warehouse was built from exactly what a build would read now
        (worked out once, when the first step that depends on it asks)."""
        if self._unchanged is None:
            self._unchanged = self.skip_unchanged and _unchanged_since_published(self.settings, self.progress)
            if self._unchanged:
                self.progress.say(
                    f"==> nothing changed since {self.settings.warehouse_path} was published (same records, dbt "
                    "project, code and settings): build, validate and publish skipped (--rebuild builds anyway)"
                )
        return self._unchanged

    @classmethod
    def for_data_dir(cls, settings: Settings, progress: Progress) -> RunContext:
        """Every source, and demo mode when the data directory holds the demo's sample data (the DAGs)."""
        return cls(settings, progress, list(SOURCES), demo=is_sample_data(settings.data_dir))


@dataclass(frozen=True)
class Step:
    name: str
    summary: str
    run: Callable[[RunContext], Any]
    after_publish: bool = False  # a failure is reported at the end; it never un-publishes
    only_when_changed: bool = False  # skipped by `crossborder run` when the inputs match the published warehouse's


def _unchanged_since_published(settings: Settings, progress: Progress) -> bool:
    if not settings.published_info_path.exists():  # nothing published by this crossborder: no need to look
        return False
    _, now = build.current_inputs(settings, progress)
    return inputs.published_from(settings, now)


def _extract(ctx: RunContext) -> Any:
    if not ctx.demo:
        return extract.extract(ctx.settings, ctx.sources, ctx.progress)
    missing = [s for s in ctx.sources if s not in demo.MIRRORED_SOURCES]
    if missing:
        raise CrossborderError(
            f"the demo mirror has no data for {', '.join(missing)} (it plays: {', '.join(demo.MIRRORED_SOURCES)})"
        )
    with demo.serve_mirror() as base_url:
        ctx.progress.say(f"==> demo mirror (SAMPLE DATA) serving at {base_url}")
        return extract.extract(demo.with_mirror(ctx.settings, base_url, ctx.sources), ctx.sources, ctx.progress)


def _report(ctx: RunContext) -> Path:
    # Written on every run, changed or not: it shows the landing zone's quarantine as well.
    with ctx.progress.step("report"):
        try:
            # Imported here: matplotlib takes about a second to import.
            from crossborder import report

            return report.write_report(ctx.settings, ctx.progress)
        except Exception as exc:
            message = (
                f"the warehouse {ctx.settings.warehouse_path} is published, but the briefing report could not be "
                f"written: {type(exc).__name__}: {exc} (retry with `crossborder report`)"
            )
            ctx.progress.say(f"    {message}")
            raise ReportFailed(message) from exc


def _freshness(ctx: RunContext) -> None:
    # Sample data is as old as the demo files say; its fetch times mean nothing.
    freshness.check_freshness(ctx.settings, [] if ctx.demo else ctx.sources, ctx.progress)


def check_quarantine(settings: Settings, sources: Iterable[str], progress: Progress) -> None:
    """Raise naming the inputs that read before and stopped (quarantined, their last good content
    kept in use): what was published is good, but the source changed and someone must look."""
    stopped = [(source, item) for source in sources for item in kept_in_use(LandingZone(settings.raw_dir, source))]
    for source, item in stopped:
        progress.say(
            f"    quarantined {source}: {item['url']}: {item['reason']} (raw copy {item['raw_path']}); "
            f"its last good copy, landed {item['kept_fetched_at']}, stays in use"
        )
    if stopped:
        source, first = stopped[0]
        more = f" (and {len(stopped) - 1} more)" if len(stopped) > 1 else ""
        raise CrossborderError(
            f"quarantined: {source}: {first['url']} can no longer be read ({first['reason']}; raw copy "
            f"{first['raw_path']}){more}; its last good copy stays in use and the rest was published"
        )


EXTRACT = Step("extract", "fetch what is new from each source into the landing zone", _extract)
BUILD = Step(
    "build",
    "dbt build and docs into the working warehouse (no network)",
    lambda ctx: build.build(ctx.settings, ctx.progress),
    only_when_changed=True,
)
VALIDATE = Step(
    "validate",
    "the quality gate over the working warehouse",
    lambda ctx: validate.validate(ctx.settings, ctx.progress),
    only_when_changed=True,
)
PUBLISH = Step(
    "publish",
    "atomic swap of the validated warehouse into place",
    lambda ctx: publish.publish(ctx.settings, ctx.progress),
    only_when_changed=True,
)
RELEASE = Step(
    "release",
    "write a dated release of the published warehouse (Parquet per table, data dictionary, SHA256SUMS)",
    lambda ctx: releases.write_release(ctx.settings, ctx.progress),
    after_publish=True,
    only_when_changed=True,
)
REPORT = Step("report", "write the briefing report of the published warehouse", _report, after_publish=True)
FRESHNESS = Step(
    "freshness", "warn about quiet sources; fail on those past their error threshold", _freshness, after_publish=True
)
FETCH_HEALTH = Step(
    "fetch_health",
    "fail naming the sources whose servers block this client (their last good data stays published)",
    lambda ctx: extract.check_fetch_health(ctx.settings, ctx.sources, ctx.progress),
    after_publish=True,
)
QUARANTINE = Step(
    "quarantine",
    "fail naming the inputs that stopped parsing (their last good content stays in use)",
    lambda ctx: check_quarantine(ctx.settings, ctx.sources, ctx.progress),
    after_publish=True,
)

# What the warehouse DAG runs (extracts run in their own DAGs, one per source).
WAREHOUSE_STEPS: tuple[Step, ...] = (BUILD, VALIDATE, PUBLISH, RELEASE, REPORT, FRESHNESS, FETCH_HEALTH, QUARANTINE)
STEPS: tuple[Step, ...] = (EXTRACT, *WAREHOUSE_STEPS)


def run_steps(ctx: RunContext, steps: Iterable[Step] | None = None) -> None:
    """Run the steps in order. A failure before publish stops the run; one after it is kept, the
    rest still run, and the first such failure is raised at the end."""
    deferred: list[CrossborderError] = []
    for step in STEPS if steps is None else steps:
        if step.only_when_changed and ctx.unchanged():
            continue
        try:
            step.run(ctx)
        except CrossborderError as exc:
            if not step.after_publish:
                raise
            deferred.append(exc)
    if deferred:
        raise deferred[0]


def run(
    settings: Settings,
    sources: Iterable[str],
    progress: Progress,
    *,
    demo_mirror: bool = False,
    rebuild: bool = False,
) -> Path:
    """The whole pipeline: extract -> build -> validate -> publish -> release -> report -> freshness ->
    fetch_health -> quarantine.

    Without `rebuild`, a run whose inputs match the published warehouse's skips build, validate and
    publish: nothing they would produce can differ."""
    ctx = RunContext(settings, progress, list(sources) or list(SOURCES), demo=demo_mirror, skip_unchanged=not rebuild)
    demo.check_data_dir_kind(settings, demo_mirror)
    run_steps(ctx)
    return settings.warehouse_path

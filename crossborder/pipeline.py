"""The steps the CLI and the Airflow DAGs call: extract, build, validate, publish.

extract   sources -> landing zone (files only; steps of different sources may run at once)
build     landing zone -> dbt -> a new working warehouse (data/work/warehouse.duckdb)
validate  Great Expectations gate over the working warehouse (read-only)
publish   atomic rename of the validated working warehouse to data/warehouse.duckdb
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from crossborder import CrossborderError
from crossborder.config import Settings
from crossborder.dbt import run_dbt
from crossborder.landing import LandingZone, file_lock
from crossborder.progress import Progress
from extractors import SOURCES, extractor_module
from extractors.base import ExtractContext, ExtractReport

DEMO_MARKER = "DEMO_DATA"


class StaleSource(CrossborderError):
    """A source published nothing new for longer than its error threshold."""


class GateFailed(CrossborderError):
    """The quality gate rejected the working warehouse; the published one was left as it was."""


def private_files() -> None:
    """Files this process creates are owner-only (umask 077): raw data, records, logs, work files.

    Only what is meant to be shared is opened to the group afterwards: the published warehouse
    and the reports (see share_with_group)."""
    os.umask(0o077)


def share_with_group(path: Path, data_dir: Path) -> None:
    """Open a published file or report folder to the owner's group (never to others), with the
    folders between it and the data directory traversable by the group."""
    if path.is_dir():
        for folder, _, files in os.walk(path):
            os.chmod(folder, 0o750)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o640)
    elif path.exists():
        os.chmod(path, 0o640)
    for parent in path.parents:
        if not parent.is_relative_to(data_dir):
            break
        os.chmod(parent, (parent.stat().st_mode & 0o777) | 0o050)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def warehouse_lock(settings: Settings):
    return file_lock(settings.data_dir / ".warehouse.lock", "a warehouse build, validation or publish")


# -- demo / live separation --------------------------------------------------------------------
def check_data_dir_kind(settings: Settings, demo: bool) -> None:
    """Refuse to mix the demo's sample data and live data in one data directory."""
    marker = settings.data_dir / DEMO_MARKER
    has_raw = settings.raw_dir.exists() and any(settings.raw_dir.iterdir())
    if demo and has_raw and not marker.exists():
        raise CrossborderError(
            f"{settings.data_dir} holds live data; the demo's sample data would mix with it. "
            f"Run the demo with another CROSSBORDER_DATA_DIR."
        )
    if not demo and marker.exists():
        raise CrossborderError(
            f"{settings.data_dir} holds the offline demo's sample data; live data would mix with it. "
            f"Remove it (make clean) or set CROSSBORDER_DATA_DIR to another folder."
        )
    if demo:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text("This data directory was built by `crossborder run --demo` from SAMPLE DATA.\n", encoding="utf-8")


def with_mirror(settings: Settings, base_url: str, sources: Iterable[str]) -> Settings:
    """Settings that fetch the given sources from a local mirror, without politeness delays."""
    patched = dict(settings.sources)
    for name in sources:
        source = settings.source(name)
        # The mirror stands in for every host of the source (TIP's archive host too), and the
        # source's [sources.NAME.demo_overrides] apply (e.g. the few editions the mirror holds).
        options = {key: (base_url if key.endswith("_base_url") else value) for key, value in source.options.items()}
        options.update(source.options.get("demo_overrides", {}))
        patched[name] = replace(source, base_url=base_url, options=options)
    return replace(settings, sources=patched, http=replace(settings.http, requests_per_second_per_host=0.0))


# -- steps ---------------------------------------------------------------------------------------
def extract(settings: Settings, sources: Iterable[str], progress: Progress) -> list[ExtractReport]:
    """Land what is new for each source. Raises after all sources ran if any of them failed."""
    private_files()
    reports = []
    for name in sources:
        module = extractor_module(name)
        with progress.step(f"extract {name}"), file_lock(settings.raw_dir / name / ".lock", f"an extract of {name}"):
            context = ExtractContext.create(settings, name, progress)
            context.landing.remove_stale_downloads()
            report = module.extract(context)
        progress.say(f"    {report.summary()}")
        for failure in report.failures:
            progress.say(f"    FAILED {failure}")
        reports.append(report)
    failed = [r for r in reports if not r.ok]
    if failed:
        first = failed[0].failures[0]
        count = sum(len(r.failures) for r in failed)
        raise CrossborderError(f"extract failed ({count} problem{'s' if count > 1 else ''}); first: {first}")
    return reports


def _raise_failures(report: ExtractReport) -> None:
    if report.failures:
        more = f" (and {len(report.failures) - 1} more)" if len(report.failures) > 1 else ""
        raise CrossborderError(f"{report.failures[0]}{more}")


# The extract split in three, for schedulers that map one task per file (the Airflow DAGs).
def plan_extract(settings: Settings, source: str, progress: Progress) -> list[str]:
    """Discover a source's work items (file URLs); raises if discovery failed."""
    report = ExtractReport(source=source)
    items = extractor_module(source).plan(ExtractContext.create(settings, source, progress), report)
    _raise_failures(report)
    return items


def fetch_item(settings: Settings, source: str, item: str, progress: Progress) -> dict:
    """Land one work item; returns what happened (for task logs and XCom)."""
    report = ExtractReport(source=source)
    extractor_module(source).fetch(ExtractContext.create(settings, source, progress), item, report)
    return {"item": item, "downloaded": report.downloaded, "unchanged": report.unchanged}


def finish_extract(settings: Settings, source: str, progress: Progress) -> ExtractReport:
    """Derive records from everything landed; raises naming the file if any could not be parsed."""
    with file_lock(settings.raw_dir / source / ".lock", f"an extract of {source}"):
        report = ExtractReport(source=source)
        extractor_module(source).refresh_records(ExtractContext.create(settings, source, progress), report)
    _raise_failures(report)
    return report


def refresh(settings: Settings, sources: Iterable[str], progress: Progress) -> list[ExtractReport]:
    """Re-derive records from the raw files already landed (no network)."""
    return [finish_extract(settings, name, progress) for name in sources]


def check_records(settings: Settings) -> list[str]:
    """The sources whose records dbt will read; a source never extracted builds empty.

    Every records folder dbt reads (each extractor's DATASETS) gets a placeholder so dbt's glob
    matches; a source with some datasets landed and others not still counts as present, so its
    empty tables fail the gate loudly. Raises when no source has landed anything.
    """
    present = []
    for source in SOURCES:
        landing = LandingZone(settings.raw_dir, source)
        if any([landing.ensure_records_folder(dataset) for dataset in extractor_module(source).DATASETS]):
            present.append(source)
    if not present:
        raise CrossborderError(
            f"no records in {settings.raw_dir}: run `crossborder extract --source NAME` first "
            f"(sources: {', '.join(SOURCES)})"
        )
    return present


def built_sources(settings: Settings) -> list[str]:
    """The sources the working warehouse was built with (recorded by build)."""
    try:
        return json.loads(settings.work_build_info_path.read_text(encoding="utf-8"))["sources"]
    except FileNotFoundError:
        raise CrossborderError(f"no build record at {settings.work_build_info_path}: run `crossborder build` first") from None


def prepare_build(settings: Settings, progress: Progress) -> list[str]:
    """Before dbt runs: records re-derived from raw (offline), placeholders for sources never
    extracted, the stale working warehouse removed. Returns the sources with records."""
    private_files()
    refresh(settings, SOURCES, progress)
    work = settings.work_warehouse_path
    with warehouse_lock(settings):
        sources = check_records(settings)
        absent = [s for s in SOURCES if s not in sources]
        if absent:
            progress.say(f"    nothing landed yet for {', '.join(absent)}: its tables build empty and its checks are skipped")
        work.parent.mkdir(parents=True, exist_ok=True)
        for stale in (work, work.with_suffix(".duckdb.wal"), settings.work_build_info_path):
            stale.unlink(missing_ok=True)
    return sources


def finish_build(settings: Settings, sources: list[str], progress: Progress) -> Path:
    """After the models are built: dbt docs, opened to the group, and the record of which
    sources went in (what validate reads). Returns the docs index."""
    with warehouse_lock(settings):
        run_dbt(settings, settings.work_warehouse_path, progress, "docs", "generate")
        share_with_group(settings.dbt_target_dir, settings.data_dir)
        settings.work_build_info_path.write_text(json.dumps({"sources": sources}), encoding="utf-8")
    index = settings.dbt_target_dir / "index.html"
    progress.say(f"    dbt docs: {index}")
    return index


def build(settings: Settings, progress: Progress) -> Path:
    """Build a fresh working warehouse from the landing zone with dbt (models, tests, docs)."""
    with progress.step("build (dbt)"):
        sources = prepare_build(settings, progress)
        with warehouse_lock(settings):
            run_dbt(settings, settings.work_warehouse_path, progress, "build")
        finish_build(settings, sources, progress)
    return settings.work_warehouse_path


def validate(settings: Settings, progress: Progress):
    """Run the quality gate over the working warehouse; raise GateFailed when it fails."""
    private_files()
    work = settings.work_warehouse_path
    if not work.exists():
        raise CrossborderError(f"no working warehouse at {work}: run `crossborder build` first")
    with warehouse_lock(settings), progress.step("validate (Great Expectations)"):
        from expectations.gate import run_gate  # GX takes seconds to import
        from expectations.suites import all_checks

        result = run_gate(work, settings.data_docs_dir, settings.gate_result_path, checks=all_checks(built_sources(settings)))
        _stamp_gate_result(settings.gate_result_path, sha256_of(work))
        share_with_group(settings.data_docs_dir, settings.data_dir)
    progress.say(f"    {result.summary()}")
    if not result.passed:
        raise GateFailed(
            f"quality gate failed: {result.summary()} The published warehouse {settings.warehouse_path} was not changed."
        )
    return result


def _stamp_gate_result(result_path: Path, warehouse_sha256: str) -> None:
    """Tie the gate result to the exact file it judged, so publish moves only that file."""
    summary = json.loads(result_path.read_text(encoding="utf-8"))
    summary["warehouse_sha256"] = warehouse_sha256
    result_path.write_text(json.dumps(summary, indent=1, sort_keys=True), encoding="utf-8")


def publish(settings: Settings, progress: Progress) -> Path:
    """Atomically replace the published warehouse with the working one the gate passed."""
    work, target = settings.work_warehouse_path, settings.warehouse_path
    with warehouse_lock(settings), progress.step("publish"):
        if not work.exists():
            raise CrossborderError(f"nothing to publish: no working warehouse at {work} (run build and validate first)")
        try:
            gate = json.loads(settings.gate_result_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CrossborderError(f"{work} has not been validated: run `crossborder validate` first") from None
        if not gate.get("passed"):
            raise GateFailed(f"the last quality gate failed; {work} is not published (see {gate.get('data_docs_index')})")
        if gate.get("warehouse_sha256") != sha256_of(work):
            raise CrossborderError(f"{work} changed after it was validated: run `crossborder validate` again")
        share_with_group(work, settings.data_dir)
        os.replace(work, target)  # atomic on one filesystem: readers see the old file or the new one
        progress.say(f"    published {target}")
    return target


def run(settings: Settings, sources: Iterable[str], progress: Progress, *, demo: bool = False) -> Path:
    """extract -> build -> validate -> publish."""
    sources = list(sources) or list(SOURCES)
    check_data_dir_kind(settings, demo)
    if demo:
        from crossborder.demo import MIRRORED_SOURCES, serve_mirror

        missing = [s for s in sources if s not in MIRRORED_SOURCES]
        if missing:
            raise CrossborderError(f"the demo mirror has no data for {', '.join(missing)} (it plays: {', '.join(MIRRORED_SOURCES)})")
        with serve_mirror() as base_url:
            progress.say(f"==> demo mirror (SAMPLE DATA) serving at {base_url}")
            extract(with_mirror(settings, base_url, sources), sources, progress)
    else:
        extract(settings, sources, progress)
    build(settings, progress)
    validate(settings, progress)
    target = publish(settings, progress)
    report_error = write_report_step(settings, progress)
    check_freshness(settings, [] if demo else sources, progress)
    if report_error:
        raise ReportFailed(report_error)
    return target


class ReportFailed(CrossborderError):
    """The briefing report could not be written; the warehouse was published all the same."""


def write_report_step(settings: Settings, progress: Progress) -> str | None:
    """Write the briefing report after a publish; returns why it failed (None when written).

    A failed report never un-publishes anything: the caller reports it and exits non-zero."""
    with progress.step("report"):
        try:
            from crossborder.report import write_report

            write_report(settings, progress)
            return None
        except Exception as exc:  # noqa: BLE001 - any failure here must leave the publish standing
            message = (f"the warehouse {settings.warehouse_path} is published, but the briefing report could not be "
                       f"written: {type(exc).__name__}: {exc} (retry with `crossborder report`)")
            progress.say(f"    {message}")
            return message


def check_freshness(settings: Settings, sources: Iterable[str], progress: Progress) -> None:
    """Warn about sources quiet for longer than their cadence; raise for those past the error threshold."""
    from crossborder.freshness import freshness

    stale = []
    for source in sources:
        state = freshness(settings, source)
        if state.state in ("warning", "error"):
            progress.say(f"    freshness {state.describe()}")
        if state.state == "error":
            stale.append(state.describe())
    if stale:
        raise StaleSource(f"stale source: {stale[0]}")

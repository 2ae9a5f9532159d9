"""The build step: landing zone -> dbt -> a new working warehouse (data/work/warehouse.duckdb).

Split in prepare / dbt / finish so the warehouse DAG can run the dbt part as one task per model.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import extractors
from crossborder.core.config import Settings
from crossborder.core.dbt import run_dbt
from crossborder.core.errors import CrossborderError
from crossborder.core.fetch_health import ensure_ledger
from crossborder.core.files import atomic_write, file_lock, private_files, share_with_group
from crossborder.core.landing import LandingZone
from crossborder.core.progress import Progress
from crossborder.pipeline.extract import refresh
from crossborder.pipeline.inputs import inputs_fingerprint
from extractors import SOURCES
from extractors.schema import record_columns
from extractors.staged import write_empty


def warehouse_lock(settings: Settings):
    return file_lock(settings.data_dir / ".warehouse.lock", "a warehouse build, validation or publish")


def check_records(settings: Settings) -> list[str]:
    """The sources whose records dbt will read; a source never extracted builds empty.

    Every records folder dbt reads (each extractor's DATASETS) gets a placeholder so dbt's glob
    matches; a source with some datasets landed and others not still counts as present, so its
    empty tables fail the gate loudly. Raises when no source has landed anything.
    """
    present = []
    for source in SOURCES:
        landing = LandingZone(settings.raw_dir, source)
        package = extractors.source(source)
        # every folder gets its placeholder, so no short-circuiting any() over a generator here
        has_records = [
            landing.ensure_records_folder(
                dataset,
                partial(write_empty, declared=record_columns(source, dataset))
                if dataset in package.STAGED_DATASETS
                else None,
            )
            for dataset in package.DATASETS
        ]
        ensure_ledger(landing.root)  # dbt reads every source's fetch ledger (main.fetch_attempts)
        if any(has_records):
            present.append(source)
    if not present:
        raise CrossborderError(
            f"no records in {settings.raw_dir}: run `crossborder extract --source NAME` first "
            f"(sources: {', '.join(SOURCES)})"
        )
    return present


def _build_record(settings: Settings) -> dict:
    try:
        return json.loads(settings.work_build_info_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CrossborderError(
            f"no build record at {settings.work_build_info_path}: run `crossborder build` first"
        ) from None


def built_sources(settings: Settings) -> list[str]:
    """The sources the working warehouse was built with (recorded by build)."""
    return _build_record(settings)["sources"]


def built_inputs(settings: Settings) -> str | None:
    """The inputs fingerprint the working warehouse was built from (None: not recorded)."""
    try:
        return _build_record(settings).get("inputs")
    except CrossborderError:
        return None


def _pending_inputs(settings: Settings) -> str | None:
    try:
        return json.loads(settings.work_inputs_path.read_text(encoding="utf-8")).get("inputs")
    except (FileNotFoundError, ValueError):
        return None  # prepared by an older crossborder: this build never counts as unchanged


def current_inputs(settings: Settings, progress: Progress) -> tuple[list[str], str]:
    """Records re-derived from raw (offline) and placeholders for sources never extracted: what
    dbt would read now. Returns the sources with records and the inputs fingerprint."""
    refresh(settings, SOURCES, progress)
    with warehouse_lock(settings):
        return check_records(settings), inputs_fingerprint(settings)


def prepare_build(settings: Settings, progress: Progress) -> list[str]:
    """Before dbt runs: what dbt will read (current_inputs), its fingerprint noted for publish, the
    stale working warehouse removed. Returns the sources with records."""
    private_files()
    sources, inputs = current_inputs(settings, progress)
    work = settings.work_warehouse_path
    with warehouse_lock(settings):
        absent = [s for s in SOURCES if s not in sources]
        if absent:
            progress.say(
                f"    nothing landed yet for {', '.join(absent)}: its tables build empty and its checks are skipped"
            )
        work.parent.mkdir(parents=True, exist_ok=True)
        for stale in (work, work.with_suffix(".duckdb.wal"), settings.work_build_info_path):
            stale.unlink(missing_ok=True)
        # Fingerprinted before dbt reads anything: records landing during the build are not counted in.
        atomic_write(settings.work_inputs_path, json.dumps({"inputs": inputs}))
    return sources


def finish_build(settings: Settings, sources: list[str], progress: Progress) -> Path:
    """After the models are built: dbt docs, opened to the group, and the record of which
    sources went in (what validate reads). Returns the docs index."""
    with warehouse_lock(settings):
        # --no-compile: the build just compiled every node into target/manifest.json; compiling them all
        # again took two thirds of this step (about 25 s of 38 on the demo), for the same site.
        run_dbt(settings, settings.work_warehouse_path, progress, "docs", "generate", "--no-compile")
        share_with_group(settings.dbt_target_dir, settings.data_dir)
        record = {"sources": sources, "inputs": _pending_inputs(settings)}
        atomic_write(settings.work_build_info_path, json.dumps(record))
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

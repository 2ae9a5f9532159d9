"""The validate step: the quality gate over the working warehouse (read-only).

The gate's summary (settings.gate_result_path) carries the SHA-256 of the file it judged
(``warehouse_sha256``), so publish moves only that file; it is written in one atomic write.
"""

from __future__ import annotations

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError, GateFailed
from crossborder.core.files import SAMPLE_RUN_NAME, is_sample_data, private_files, sha256_of, share_with_group
from crossborder.core.progress import Progress
from crossborder.pipeline.build import built_sources, warehouse_lock


def validate(settings: Settings, progress: Progress):
    """Run the quality gate over the working warehouse; raise GateFailed when it fails."""
    private_files()
    work = settings.work_warehouse_path
    if not work.exists():
        raise CrossborderError(f"no working warehouse at {work}: run `crossborder build` first")
    with warehouse_lock(settings), progress.step("validate (Great Expectations)"):
        # Imported here: Great Expectations takes seconds to import, and DAG files parse this module.
        from expectations.gate import run_gate
        from expectations.suites import all_checks

        # The file is hashed under the lock, before the gate reads it (read-only): the summary
        # names the exact file judged, written once and atomically with the result.
        judged = sha256_of(work)
        result = run_gate(
            work,
            settings.data_docs_dir,
            settings.gate_result_path,
            checks=all_checks(built_sources(settings), settings),
            stamp={"warehouse_sha256": judged},
            run_name=SAMPLE_RUN_NAME if is_sample_data(settings.data_dir) else None,
            duckdb_config=settings.duckdb.config(),
        )
        share_with_group(settings.data_docs_dir, settings.data_dir)
    progress.say(f"    {result.summary()}")
    if not result.passed:
        raise GateFailed(
            f"quality gate failed: {result.summary()} "
            f"The published warehouse {settings.warehouse_path} was not changed."
        )
    return result

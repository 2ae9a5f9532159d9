"""The validate step: the quality gate over the working warehouse (read-only)."""

from __future__ import annotations

import json
from pathlib import Path

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError, GateFailed
from crossborder.core.files import atomic_write, private_files, sha256_of, share_with_group
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

        result = run_gate(
            work, settings.data_docs_dir, settings.gate_result_path, checks=all_checks(built_sources(settings))
        )
        stamp_gate_result(settings.gate_result_path, sha256_of(work))
        share_with_group(settings.data_docs_dir, settings.data_dir)
    progress.say(f"    {result.summary()}")
    if not result.passed:
        raise GateFailed(
            f"quality gate failed: {result.summary()} The published warehouse {settings.warehouse_path} was not changed."
        )
    return result


def stamp_gate_result(result_path: Path, warehouse_sha256: str) -> None:
    """Tie the gate result to the exact file it judged, so publish moves only that file."""
    summary = json.loads(result_path.read_text(encoding="utf-8"))
    summary["warehouse_sha256"] = warehouse_sha256
    atomic_write(result_path, json.dumps(summary, indent=1, sort_keys=True))

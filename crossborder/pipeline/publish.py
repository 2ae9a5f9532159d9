"""The publish step: atomic rename of the validated working warehouse to data/warehouse.duckdb."""

from __future__ import annotations

import json
import os
from pathlib import Path

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError, GateFailed
from crossborder.core.files import sha256_of, share_with_group
from crossborder.core.progress import Progress
from crossborder.pipeline.build import built_inputs, warehouse_lock
from crossborder.pipeline.inputs import record_published


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
            raise GateFailed(
                f"the last quality gate failed; {work} is not published (see {gate.get('data_docs_index')})"
            )
        if gate.get("warehouse_sha256") != sha256_of(work):
            raise CrossborderError(f"{work} changed after it was validated: run `crossborder validate` again")
        inputs = built_inputs(settings)
        share_with_group(work, settings.data_dir)
        os.replace(work, target)  # atomic on one filesystem: readers see the old file or the new one
        progress.say(f"    published {target}")
        try:
            record_published(settings, inputs, gate["warehouse_sha256"])
        except OSError as exc:  # the publish stands; without its record the next run rebuilds
            settings.published_info_path.unlink(missing_ok=True)
            progress.say(f"    could not note what was published ({exc}): the next run builds again")
    return target

"""Runs dbt (the only writer of the warehouse) as a subprocess, so no DuckDB handle outlives it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import deque
from pathlib import Path

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError
from crossborder.core.progress import Progress


def dbt_vars(settings: Settings, database: Path) -> dict[str, str]:
    """What dbt's profile and sources read. Kept small on purpose: cosmos keys its `dbt ls`
    cache on these values."""
    return {
        "CROSSBORDER_DATA_DIR": str(settings.data_dir),
        "CROSSBORDER_WAREHOUSE_PATH": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_USE_COLORS": "false",
    }


def dbt_env(settings: Settings, database: Path) -> dict[str, str]:
    """The environment a dbt subprocess runs in: this process's, plus dbt_vars."""
    return {**os.environ, **dbt_vars(settings, database)}


def dbt_executable() -> str:
    """The dbt next to this Python (the venv's or the image's), else the one on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def dbt_command(settings: Settings, *args: str) -> list[str]:
    return [
        dbt_executable(),
        *args,
        "--project-dir",
        str(settings.dbt_project_dir),
        "--profiles-dir",
        str(settings.dbt_project_dir),
        "--target-path",
        str(settings.dbt_target_dir),
        "--log-path",
        str(settings.dbt_log_dir),
    ]


def run_dbt(settings: Settings, database: Path, progress: Progress, *args: str) -> None:
    """Run one dbt command against database; its output is shown as progress, its failure raised."""
    command = dbt_command(settings, *args)
    tail: deque[str] = deque(maxlen=15)
    process = subprocess.Popen(
        command,
        env=dbt_env(settings, database),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=settings.dbt_project_dir,
    )
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip()
        tail.append(line)
        if line:
            progress.say(f"    {line}")
    if process.wait() != 0:
        errors = [text for text in tail if "ERROR" in text or "FAIL" in text or "Error" in text]
        detail = (errors or list(tail))[-1] if tail else "no output"
        raise CrossborderError(
            f"dbt {args[0]} failed (exit {process.returncode}): {detail.strip()} "
            f"(full log: {settings.dbt_log_dir / 'dbt.log'})"
        )

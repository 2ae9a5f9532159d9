"""Runs dbt (the only writer of the warehouse) as a subprocess, so no DuckDB handle outlives it."""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError
from crossborder.core.progress import Progress

DBT_PROFILE = "crossborder"  # dbt_project/profiles.yml
DBT_TARGET = "warehouse"


def dbt_vars(settings: Settings, database: Path) -> dict[str, str]:
    """What dbt's profile and sources read. Kept small on purpose: cosmos keys its `dbt ls`
    cache on these values."""
    return {
        "CROSSBORDER_DATA_DIR": str(settings.data_dir),
        "CROSSBORDER_WAREHOUSE_PATH": str(database),
        # profiles.yml's `settings`: the [duckdb] limits, so a big build spills instead of exhausting memory
        "CROSSBORDER_DUCKDB_SETTINGS": json.dumps(settings.duckdb.config(), sort_keys=True),
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
        # Named although they are the defaults: dbt's partial parse keys on these flags, and the warehouse
        # DAG's cosmos tasks pass them, so the CLI and the DAG reuse each other's parse.
        "--profile",
        DBT_PROFILE,
        "--target",
        DBT_TARGET,
        "--target-path",
        str(settings.dbt_target_dir),
        "--log-path",
        str(settings.dbt_log_dir),
    ]


# What dbt and DuckDB print when a write fails for want of space (DuckDB: `IO Error: Could not
# write file "...": No space left on device`). A bare "could not write" means a full disk only
# when little space is left.
_DISK_FULL = re.compile(r"no space left on device|disk is full|disk full|ENOSPC", re.IGNORECASE)
_WRITE_FAILED = re.compile(r"could not write", re.IGNORECASE)
# Less free space than this beside the warehouse is named even when dbt's message does not say so.
LOW_DISK_BYTES = 64 * 1024 * 1024
# How long dbt may take to stop after SIGTERM before it is killed.
STOP_GRACE_S = 5.0


_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _die_with_parent(parent: int):
    """The child's pre-exec hook (Linux): SIGTERM when this process dies, even by SIGKILL, which
    no handler here can see; _children_stopped_on_exit covers the other ways out."""

    def hook() -> None:
        if _LIBC is not None:
            _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the hook ran
            os._exit(1)

    return hook


def _stop(process: subprocess.Popen) -> None:
    """Stop a child started in its own process group, and everything it started: SIGTERM, then
    SIGKILL after STOP_GRACE_S."""
    if process.poll() is not None:
        return
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=STOP_GRACE_S)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def _children_stopped_on_exit(process: subprocess.Popen) -> Iterator[None]:
    """The child (and its process group) is stopped when this process leaves the block: on an
    exception, and on SIGTERM or SIGINT (turned into SystemExit / KeyboardInterrupt so the
    callers' cleanup runs), so killing crossborder never leaves `dbt build` running as an orphan."""
    previous: dict[int, object] = {}

    def on_signal(signum: int, frame: object) -> None:
        _stop(process)
        handler = previous.get(signum)
        if callable(handler):  # the default SIGINT handler raises KeyboardInterrupt; Airflow has its own
            handler(signum, frame)
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():  # signal handlers: main thread only
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            previous[stop_signal] = signal.signal(stop_signal, on_signal)
    try:
        yield
    finally:
        _stop(process)
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]


def _disk_full_message(
    command: str, database: Path, disk_full_line: str | None, *, strong: bool, log: Path
) -> str | None:
    """Why dbt failed when the disk is full (its output said so, or little space is left beside
    the warehouse), naming the path and the free space; None otherwise."""
    folder = database.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = None
    low = free is not None and free < LOW_DISK_BYTES
    if not (strong or low):
        return None
    left = f"{free / 1024 / 1024:.0f} MiB free" if free is not None else "free space unknown"
    said = f": {disk_full_line.strip()}" if disk_full_line else ""
    return (
        f"dbt {command} failed: the disk holding {folder} is full ({left}) while writing {database}{said}; "
        f"free some space and run again (full log: {log})"
    )


def run_dbt(settings: Settings, database: Path, progress: Progress, *args: str) -> None:
    """Run one dbt command against database; its output is shown as progress, its failure raised.

    dbt runs in its own process group, stopped with this process (_children_stopped_on_exit)."""
    command = dbt_command(settings, *args)
    tail: deque[str] = deque(maxlen=15)
    disk_full_line: str | None = None
    write_failed_line: str | None = None
    process = subprocess.Popen(
        command,
        env=dbt_env(settings, database),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=settings.dbt_project_dir,
        start_new_session=True,
        preexec_fn=_die_with_parent(os.getpid()),
    )
    assert process.stdout is not None
    with _children_stopped_on_exit(process), process.stdout:
        for line in process.stdout:
            line = line.rstrip()
            tail.append(line)
            if disk_full_line is None and _DISK_FULL.search(line):
                disk_full_line = line
            elif write_failed_line is None and _WRITE_FAILED.search(line):
                write_failed_line = line
            if line:
                progress.say(f"    {line}")
        returncode = process.wait()
    if returncode != 0:
        log = settings.dbt_log_dir / "dbt.log"
        disk_full = _disk_full_message(
            args[0], database, disk_full_line or write_failed_line, strong=disk_full_line is not None, log=log
        )
        if disk_full:
            raise CrossborderError(disk_full)
        errors = [text for text in tail if "ERROR" in text or "FAIL" in text or "Error" in text]
        detail = (errors or list(tail))[-1] if tail else "no output"
        raise CrossborderError(f"dbt {args[0]} failed (exit {returncode}): {detail.strip()} (full log: {log})")

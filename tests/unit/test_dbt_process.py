"""Running dbt as a child (crossborder.core.dbt.run_dbt), with a fake dbt executable: a full disk
is named as such, and killing crossborder stops dbt and what it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from crossborder.core import dbt
from crossborder.core.config import load_settings
from crossborder.core.errors import CrossborderError
from crossborder.core.progress import Progress

ROOT = Path(__file__).resolve().parents[2]


def fake_dbt(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-dbt"
    script.write_text("#!/bin/sh\n" + textwrap.dedent(body), encoding="utf-8")
    script.chmod(0o755)
    return script


def test_a_full_disk_during_dbt_build_is_named_with_its_path(tmp_path, monkeypatch):
    # DuckDB's error, then the traceback dbt prints after it: the last line is "Arguments: ()".
    traceback = "".join(f'echo "  File \\"dbt/module{n}.py\\", line {n}, in run"\n' for n in range(20))
    script = fake_dbt(
        tmp_path,
        'echo "Runtime Error in model fct_border_encounters"\n'
        'echo "  IO Error: Could not write file \\"$CROSSBORDER_WAREHOUSE_PATH.wal\\": No space left on device"\n'
        f"{traceback}"
        'echo "Arguments: ()"\n'
        "exit 2\n",
    )
    monkeypatch.setattr(dbt, "dbt_executable", lambda: str(script))
    settings = load_settings({"CROSSBORDER_DATA_DIR": str(tmp_path / "data")})
    database = tmp_path / "data" / "work" / "warehouse.duckdb"
    database.parent.mkdir(parents=True)

    with pytest.raises(CrossborderError) as error:
        dbt.run_dbt(settings, database, Progress(quiet=True), "build")

    message = str(error.value)
    assert f"the disk holding {database.parent} is full" in message
    assert "No space left on device" in message and "MiB free" in message
    assert "Arguments: ()" not in message


def _alive(pid: int) -> bool:
    """Whether pid is a live process (a zombie, dead but not yet reaped, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.parametrize(
    "signum, body",
    [
        # dbt with a child of its own: its whole process group stops.
        (signal.SIGTERM, "sleep 60 &\necho $! > {pid_file}\nwait\n"),
        (signal.SIGINT, "sleep 60 &\necho $! > {pid_file}\nwait\n"),
        # SIGKILL leaves crossborder no chance to act: dbt itself is told when its parent dies.
        (signal.SIGKILL, "echo $$ > {pid_file}\nexec sleep 60\n"),
    ],
)
def test_killing_crossborder_stops_dbt_and_its_children(tmp_path, signum, body):
    child_pid_file = tmp_path / "dbt-child.pid"
    script = fake_dbt(tmp_path, body.format(pid_file=child_pid_file))
    parent = textwrap.dedent(
        f"""
        from pathlib import Path
        from crossborder.core import dbt
        from crossborder.core.config import load_settings
        from crossborder.core.progress import Progress

        dbt.dbt_executable = lambda: {str(script)!r}
        settings = load_settings({{"CROSSBORDER_DATA_DIR": {str(tmp_path / "data")!r}}})
        dbt.run_dbt(settings, Path({str(tmp_path / "warehouse.duckdb")!r}), Progress(quiet=True), "build")
        """
    )
    process = subprocess.Popen([sys.executable, "-c", parent], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not (child_pid_file.exists() and child_pid_file.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.05)
        child = int(child_pid_file.read_text())
        assert _alive(child)

        process.send_signal(signum)
        process.wait(timeout=15)
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child), "dbt's child outlived crossborder"
        assert process.returncode != 0
    finally:
        process.kill()
        if child_pid_file.exists() and child_pid_file.read_text().strip():
            pid = int(child_pid_file.read_text())
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)

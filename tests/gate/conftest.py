"""Gate tests run on copies of the dbt-built demo warehouse (the session's `crossborder run --demo`),
damaged with SQL data changes (update / delete / insert ... select) to provoke each failure.
No table is ever created by hand here: the tables and their shapes are dbt's."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from crossborder.core.config import Settings, load_settings
from crossborder.core.dbt import dbt_command, dbt_env
from expectations.gate import GateResult, run_gate
from expectations.suites.base import Check


@dataclass(frozen=True)
class Demo:
    """A private copy of the demo's data directory: its published warehouse and settings."""

    data_dir: Path
    warehouse: Path
    settings: Settings

    def alter(self, *statements: str | tuple[str, list]) -> None:
        """Change data in the copy's warehouse (the tables keep the shapes dbt gave them).
        A statement is SQL, or (SQL, parameters)."""
        con = duckdb.connect(str(self.warehouse))
        try:
            for statement in statements:
                sql, params = statement if isinstance(statement, tuple) else (statement, [])
                con.execute(sql, params)
            con.execute("checkpoint")
        finally:
            con.close()

    def query(self, sql: str) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def gate(self, checks: list[Check]) -> GateResult:
        return run_gate(
            self.warehouse, self.data_dir / "gx" / "data_docs", self.data_dir / "gx" / "last_gate.json", checks=checks
        )

    @property
    def summary_path(self) -> Path:
        return self.data_dir / "gx" / "last_gate.json"

    @property
    def docs_dir(self) -> Path:
        return self.data_dir / "gx" / "data_docs"

    def dbt_test(self, select: str) -> subprocess.CompletedProcess[str]:
        """`dbt test --select <select>` against the copy's warehouse: how a structural failure
        (dbt's side of the gate) is observed on damaged data without rebuilding it."""
        return subprocess.run(
            dbt_command(self.settings, "test", "--select", select, "--exclude-resource-type", "unit_test"),
            env=dbt_env(self.settings, self.warehouse),
            cwd=self.settings.dbt_project_dir,
            capture_output=True,
            text=True,
            timeout=600,
        )


@pytest.fixture
def demo(demo_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Demo:
    """A copy of the dbt-built demo data directory (DEMO_DATA marker included: demo thresholds)."""
    data = tmp_path / "data"
    shutil.copytree(demo_data, data, ignore=shutil.ignore_patterns(".warehouse.lock", "reports"))
    for stale in ("gx", "work"):
        shutil.rmtree(data / stale, ignore_errors=True)
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(data))
    return Demo(data_dir=data, warehouse=data / "warehouse.duckdb", settings=load_settings())


def failed(result: GateResult) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(f.suite, f.expectation, f.columns) for f in result.failures}

"""Run the quality gate: validate the warehouse with Great Expectations, build Data Docs,
write a JSON summary.

Importing this module is cheap; Great Expectations is imported inside ``run_gate`` and only
when there is something to validate. The warehouse is opened read-only and closed before
any validation starts; the gate never writes to it.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crossborder.core.files import atomic_write
from expectations.suites.base import Check

__all__ = ["Failure", "GateResult", "SuiteOutcome", "run_gate"]

# Unexpected values kept per failed expectation (JSON summary and Data Docs).
MAX_EXAMPLES = 5
# Longest text kept for one observed value or example in the summary.
MAX_TEXT = 200
SITE_NAME = "crossborder_gate"
# What a GX site build writes under its base directory; removed before each build so the
# site shows this run only.
_SITE_ENTRIES = ("index.html", "validations", "expectations", "static")


@dataclass(frozen=True)
class Failure:
    """One failed expectation, or a suite that could not be validated at all.

    expectation is the GX expectation type, or ``missing_table``, ``query_error``,
    ``warehouse_error``, ``validation_error``, ``data_docs_error`` for problems outside an
    expectation.
    """

    suite: str
    expectation: str
    columns: tuple[str, ...] = ()
    observed: str = ""
    unexpected_count: int | None = None
    examples: tuple[Any, ...] = ()
    message: str = ""

    def describe(self) -> str:
        where = f"{self.suite}"
        if self.columns:
            where += f" [{', '.join(self.columns)}]"
        text = f"{where}: {self.expectation}"
        if self.observed:
            text += f" (observed: {self.observed})"
        if self.examples:
            text += "; e.g. " + "; ".join(_short(e, 160) for e in self.examples[:2])
        if self.message:
            text += f": {self.message}"
        return text


@dataclass(frozen=True)
class SuiteOutcome:
    name: str
    rows_validated: int | None
    expectations_evaluated: int
    expectations_failed: int
    success: bool
    error: str | None = None


@dataclass
class GateResult:
    passed: bool
    failures: list[Failure]
    data_docs_index: Path | None
    result_path: Path
    suites: list[SuiteOutcome] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Failure] = field(default_factory=list)  # failed checks of severity "warning"

    def summary(self) -> str:
        evaluated = sum(s.expectations_evaluated for s in self.suites)
        status = "PASSED" if self.passed else "FAILED"
        lines = [
            f"Quality gate {status}: {len(self.suites)} suites, {evaluated} expectations evaluated, "
            f"{len(self.failures)} failure(s)."
        ]
        lines += [f"  - {failure.describe()}" for failure in self.failures]
        if self.warnings:
            lines.append(f"{len(self.warnings)} warning(s), not blocking:")
            lines += [f"  - WARNING {warning.describe()}" for warning in self.warnings]
        if self.data_docs_index is not None:
            lines.append(f"Data Docs: {self.data_docs_index}")
        else:
            lines.append("Data Docs: not built")
        lines.append(f"Summary: {self.result_path}")
        return "\n".join(lines)


def run_gate(
    warehouse_path: Path,
    data_docs_dir: Path,
    result_path: Path,
    checks: Sequence[Check],
    *,
    stamp: Mapping[str, Any] | None = None,
    run_name: str | None = None,
    duckdb_config: Mapping[str, str] | None = None,
) -> GateResult:
    """Validate the warehouse at ``warehouse_path`` against ``checks`` (``expectations.suites.all_checks``).

    Data Docs are written under ``data_docs_dir`` (``index.html`` at its top), a JSON summary
    to ``result_path`` in one atomic write (readers see the previous summary or this one, never
    half of one); ``stamp`` adds keys to it (validate adds the judged file's ``warehouse_sha256``,
    which publish checks). ``run_name`` names the validation run in the Data Docs (the index's "Run Name"
    column and each page's title): validate gives sample data's run name. ``duckdb_config`` are the
    DuckDB options the warehouse is read with (the [duckdb] limits). A missing table, a failing query or an
    unreadable warehouse is a gate failure, not an exception.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    warehouse_path = Path(warehouse_path)
    data_docs_dir = Path(data_docs_dir)
    result_path = Path(result_path)
    failures: list[Failure] = []
    outcomes: dict[str, SuiteOutcome] = {}

    t = time.perf_counter()
    frames, read_failures = _read_frames(warehouse_path, checks, duckdb_config or {})
    timings["read_warehouse_s"] = time.perf_counter() - t
    for check in checks:
        if check.name in read_failures:
            failure = read_failures[check.name]
            failures.append(failure)
            outcomes[check.name] = SuiteOutcome(check.name, None, 0, 0, False, failure.message)

    _clean_site(data_docs_dir)
    data_docs_index: Path | None = None
    if frames:
        validated, docs_index, docs_error = _validate(
            [c for c in checks if c.name in frames], frames, data_docs_dir, timings, run_name
        )
        data_docs_index = docs_index
        for name, (outcome, suite_failures) in validated.items():
            outcomes[name] = outcome
            failures.extend(suite_failures)
        if docs_error:
            failures.append(Failure(suite="(data docs)", expectation="data_docs_error", message=docs_error))

    ordered = [outcomes[c.name] for c in checks if c.name in outcomes]
    order = {c.name: i for i, c in enumerate(checks)}
    failures.sort(key=lambda f: order.get(f.suite, len(order)))
    timings["total_s"] = time.perf_counter() - started
    warning_suites = {c.name for c in checks if c.severity == "warning"}
    warnings = [f for f in failures if f.suite in warning_suites]
    failures = [f for f in failures if f.suite not in warning_suites]
    result = GateResult(
        passed=not failures,
        warnings=warnings,
        failures=failures,
        data_docs_index=data_docs_index,
        result_path=result_path,
        suites=ordered,
        timings={k: round(v, 3) for k, v in timings.items()},
    )
    _write_summary(result, warehouse_path, stamp or {})
    return result


# Reading


def _read_frames(
    warehouse_path: Path, checks: Sequence[Check], duckdb_config: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Failure]]:
    """Run every check's query read-only; return DataFrames by suite and failures by suite."""
    import duckdb

    frames: dict[str, Any] = {}
    failures: dict[str, Failure] = {}
    if not warehouse_path.is_file():
        for check in checks:
            failures[check.name] = Failure(
                check.name, "warehouse_error", message=f"warehouse file {warehouse_path} does not exist"
            )
        return frames, failures
    try:
        con = duckdb.connect(str(warehouse_path), read_only=True, config=dict(duckdb_config))
    except duckdb.Error as exc:
        for check in checks:
            failures[check.name] = Failure(
                check.name, "warehouse_error", message=f"cannot open {warehouse_path} read-only: {exc}"
            )
        return frames, failures
    try:
        rows = con.execute("select lower(table_schema || '.' || table_name) from information_schema.tables").fetchall()
        existing = {row[0] for row in rows}
        for check in checks:
            missing = [t for t in check.tables if t.lower() not in existing]
            if missing:
                failures[check.name] = Failure(
                    check.name,
                    "missing_table",
                    message=f"table {', '.join(missing)} is missing from the warehouse",
                )
                continue
            try:
                frames[check.name] = con.execute(check.sql).df()
            except duckdb.Error as exc:
                failures[check.name] = Failure(
                    check.name, "query_error", message=f"query failed: {_short(str(exc), 400)}"
                )
    finally:
        con.close()
    return frames, failures


# Validating


def _gx_context(data_docs_dir: Path) -> Any:
    """An ephemeral (in-memory) context whose only Data Docs site is ``data_docs_dir``."""
    # GX 1.24 sends no usage statistics; both switches stay off should a version bring them back.
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        data_docs_sites={
            SITE_NAME: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(data_docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _validate(
    checks: Sequence[Check],
    frames: dict[str, Any],
    data_docs_dir: Path,
    timings: dict[str, float],
    run_name: str | None = None,
) -> tuple[dict[str, tuple[SuiteOutcome, list[Failure]]], Path | None, str | None]:
    """Validate each frame; build Data Docs. Returns outcomes, the docs index, a docs error."""
    t = time.perf_counter()
    os.environ["GX_ANALYTICS_ENABLED"] = "False"  # before GX is first imported
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    timings["import_gx_s"] = time.perf_counter() - t
    t = time.perf_counter()
    context = _gx_context(data_docs_dir)
    datasource = context.data_sources.add_pandas("crossborder_warehouse")
    timings["context_s"] = time.perf_counter() - t

    run_id = RunIdentifier(run_name=run_name) if run_name else None
    t = time.perf_counter()
    out: dict[str, tuple[SuiteOutcome, list[Failure]]] = {}
    for check in checks:
        df = frames[check.name]
        try:
            out[check.name] = _validate_one(gx, context, datasource, check, df, run_id)
        except Exception as exc:  # a GX error in one suite must not hide the others
            message = f"validation raised {type(exc).__name__}: {_short(str(exc), 400)}"
            out[check.name] = (
                SuiteOutcome(check.name, len(df), 0, 0, False, message),
                [Failure(check.name, "validation_error", message=message)],
            )
    timings["validate_s"] = time.perf_counter() - t

    t = time.perf_counter()
    _escape_stored_results(context)
    docs_index: Path | None = data_docs_dir / "index.html"
    docs_error: str | None = None
    try:
        context.build_data_docs(site_names=[SITE_NAME])
    except Exception as exc:  # a renderer bug must not hide the validation outcome
        docs_error = f"building Data Docs failed: {type(exc).__name__}: {_short(str(exc), 400)}"
    if docs_error is None and not (data_docs_dir / "index.html").is_file():
        docs_error = f"the Data Docs build wrote no {data_docs_dir / 'index.html'}"
    if docs_error is not None:
        docs_index = None
    timings["data_docs_s"] = time.perf_counter() - t
    return out, docs_index, docs_error


def _validate_one(
    gx: Any, context: Any, datasource: Any, check: Check, df: Any, run_id: Any = None
) -> tuple[SuiteOutcome, list[Failure]]:
    asset = datasource.add_dataframe_asset(name=check.name)
    batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    suite = context.suites.add(gx.ExpectationSuite(name=check.name))
    for expectation in check.build_expectations():
        suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=check.name, data=batch_definition, suite=suite)
    )
    # Not GX's unexpected_index_column_names: GX then walks every unexpected row in Python
    # (about 20 s for 100k bad rows of 200k). The few example rows are looked up here
    # instead, from the index labels GX returns.
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": MAX_EXAMPLES}
    validation = definition.run(batch_parameters={"dataframe": df}, result_format=result_format, run_id=run_id)
    failures = [
        _failure(check.name, r.to_json_dict(), df, check.id_columns) for r in validation.results if not r.success
    ]
    outcome = SuiteOutcome(
        name=check.name,
        rows_validated=len(df),
        expectations_evaluated=len(validation.results),
        expectations_failed=len(failures),
        success=bool(validation.success),
    )
    return outcome, failures


def _escape_stored_results(context: Any) -> None:
    """HTML-escape every data-derived string in the stored validation results.

    GX 1.24's Data Docs templates are ``.j2`` files, outside Jinja's autoescape, and table
    cells (unexpected values, observed values) are inserted raw: a value such as
    ``<script>`` from the data would run in the browser. Escaping the values before the
    site is rendered makes them show as text. Only ``result`` and ``exception_info`` are
    touched: expectation configurations are ours and GX escapes their parameters itself.
    """
    store = context.validation_results_store
    for key in store.list_keys():
        suite_result = store.get(key)
        for evr in suite_result.results:
            evr.result = _escape(evr.result)
            evr.exception_info = _escape(evr.exception_info)
        store.set(key, suite_result)


def _escape(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, dict):
        return {_escape(k): _escape(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_escape(v) for v in value)
    return value


def _failure(suite: str, evr: dict[str, Any], df: Any, id_columns: Sequence[str]) -> Failure:
    config = evr.get("expectation_config") or {}
    kwargs = config.get("kwargs") or {}
    columns: list[str] = []
    for key in ("column", "column_A", "column_B"):
        if kwargs.get(key):
            columns.append(str(kwargs[key]))
    columns.extend(str(c) for c in kwargs.get("column_list") or [])
    result = evr.get("result") or {}
    exception = _exception_message(evr.get("exception_info"))

    if "observed_value" in result:
        observed = _short(result["observed_value"])
        expected = {k: v for k, v in kwargs.items() if k in ("min_value", "max_value", "value_set")}
        if expected:
            observed += f", expected {', '.join(f'{k}={_short(v, 60)}' for k, v in expected.items())}"
    elif "unexpected_count" in result:
        pct = result.get("unexpected_percent")
        observed = f"{result['unexpected_count']} of {result.get('element_count')} unexpected"
        if isinstance(pct, (int, float)):
            observed += f" ({pct:.4g}%)"
    else:
        observed = ""

    examples = _example_rows(df, result.get("partial_unexpected_index_list"), [*columns, *id_columns])
    if examples is None:
        examples = list(result.get("partial_unexpected_list") or [])
    return Failure(
        suite=suite,
        expectation=str(config.get("type", "unknown")),
        columns=tuple(columns),
        observed=observed,
        unexpected_count=result.get("unexpected_count"),
        examples=tuple(_jsonable(e) for e in examples[:MAX_EXAMPLES]),
        message=exception,
    )


def _example_rows(df: Any, index_labels: Any, columns: Sequence[str]) -> list[dict[str, Any]] | None:
    """The unexpected rows GX pointed at, limited to the expectation's and the id columns."""
    wanted = [c for c in dict.fromkeys(columns) if c in df.columns]
    if not index_labels or not wanted:
        return None
    try:
        rows = df.loc[list(index_labels)[:MAX_EXAMPLES], wanted]
    except (KeyError, TypeError, ValueError):
        return None
    return [{c: _plain(v) for c, v in zip(wanted, row, strict=True)} for row in rows.itertuples(index=False)]


def _plain(value: Any) -> Any:
    """A pandas/numpy cell as a plain Python value (NaN/NaT become None, dates ISO text)."""
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def _exception_message(info: Any) -> str:
    if not isinstance(info, dict):
        return ""
    if info.get("raised_exception"):
        return _short(info.get("exception_message") or "raised an exception", 400)
    for value in info.values():  # keyed by metric id when a metric failed
        if isinstance(value, dict) and value.get("raised_exception"):
            return _short(value.get("exception_message") or "raised an exception", 400)
    return ""


# Output


def _clean_site(data_docs_dir: Path) -> None:
    for entry in _SITE_ENTRIES:
        path = data_docs_dir / entry
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _write_summary(result: GateResult, warehouse_path: Path, stamp: Mapping[str, Any]) -> None:
    payload = {
        "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "passed": result.passed,
        "warehouse": str(warehouse_path),
        "data_docs_index": str(result.data_docs_index) if result.data_docs_index else None,
        "suites": [asdict(s) for s in result.suites],
        "failures": [_failure_json(f) for f in result.failures],
        "warnings": [_failure_json(f) for f in result.warnings],
        "timings_s": result.timings,
        **stamp,
    }
    atomic_write(result.result_path, json.dumps(payload, indent=2, default=str) + "\n")


def _failure_json(f: Failure) -> dict:
    return {
        "suite": f.suite,
        "expectation": f.expectation,
        "columns": list(f.columns),
        "observed": f.observed,
        "unexpected_count": f.unexpected_count,
        "unexpected_examples": list(f.examples),
        "message": f.message,
    }


def _jsonable(value: Any) -> Any:
    """A JSON-friendly copy of an example value (dates and numpy scalars become text/numbers)."""
    return json.loads(json.dumps(value, default=str))


def _short(value: Any, limit: int = MAX_TEXT) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"

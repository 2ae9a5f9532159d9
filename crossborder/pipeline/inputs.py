"""What a warehouse is built from, as one fingerprint, and whether the published one matches it.

A build reads the records in the landing zone, the dbt project, and the gate's code and
thresholds; nothing else changes what it produces (build_info's built_at and dbt's invocation id
aside). `crossborder run` fingerprints those after extracting and, when the published warehouse
was built from the same fingerprint and is still the exact file published (SHA-256), skips
build, validate and publish: a no-change rerun does no dbt work. `crossborder run --rebuild`,
and `crossborder build` always, build anyway.

The fingerprint hashes file contents, never times, so re-deriving identical records or touching
a file changes nothing; any edit to the code (crossborder, extractors, expectations), the dbt
project, the sources' options or the tool versions does.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from crossborder.core.config import Settings
from crossborder.core.files import atomic_write, is_sample_data, sha256_of, utc_now

# Bump when the fingerprint's recipe changes, so no old record matches a new recipe by accident.
RECIPE = 1
# The packages whose code decides what a build or gate produces (found without importing them:
# importing the gate's package would import Great Expectations).
CODE_PACKAGES = ("crossborder", "extractors", "expectations")
TOOL_DISTRIBUTIONS = ("crossborder", "dbt-core", "dbt-duckdb", "duckdb", "great_expectations")
# Generated beside the code, never read by a build.
_NOT_INPUTS = {"__pycache__", "target", "logs", "dbt_packages", ".user.yml"}


def _files_under(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and not _NOT_INPUTS.intersection(path.relative_to(root).parts)
        and path.suffix not in {".pyc", ".tmp"}
    )


def _digests(root: Path) -> dict[str, str]:
    """Each file under root (relative path -> SHA-256 of its bytes)."""
    return {str(path.relative_to(root)): sha256_of(path) for path in _files_under(root)}


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def inputs_fingerprint(settings: Settings) -> str:
    """One SHA-256 over everything a build and its gate read (see the module docstring)."""
    records = {
        source.name: _digests(source / "records")
        for source in sorted(settings.raw_dir.iterdir() if settings.raw_dir.is_dir() else [])
        if (source / "records").is_dir()
    }
    inputs: dict[str, Any] = {
        "recipe": RECIPE,
        "data_dir": str(settings.data_dir),  # dbt reads the records through it
        "sample_data": is_sample_data(settings.data_dir),
        "records": records,
        "dbt_project": _digests(settings.dbt_project_dir),
        "code": {name: _digests(_package_dir(name)) for name in CODE_PACKAGES},
        "options": {name: source.options for name, source in sorted(settings.sources.items())},
        "tools": {name: _version(name) for name in TOOL_DISTRIBUTIONS},
    }
    canonical = json.dumps(inputs, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record_published(settings: Settings, inputs: str | None, warehouse_sha256: str) -> None:
    """Note what the warehouse just published was built from (publish calls it after the rename)."""
    atomic_write(
        settings.published_info_path,
        json.dumps({"inputs": inputs, "warehouse_sha256": warehouse_sha256, "published_at": utc_now()}, indent=2),
    )


def published_from(settings: Settings, inputs: str) -> bool:
    """Whether the published warehouse was built from `inputs` and is still the file published."""
    try:
        published = json.loads(settings.published_info_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False
    if not isinstance(published, dict) or published.get("inputs") != inputs:
        return False
    try:
        return sha256_of(settings.warehouse_path) == published.get("warehouse_sha256")
    except FileNotFoundError:
        return False

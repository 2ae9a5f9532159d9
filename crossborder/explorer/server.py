"""Prepare a release for the explorer and serve it with Datasette.

`prepare` checks every file of the release against its SHA256SUMS (an altered or missing file is
refused, named), builds the SQLite copy once per release in the cache folder (default
<data>/explorer/<release>/), writes Datasette's metadata and gathers the static folders (the
briefing report, the dbt docs site, the gate's Data Docs, the release's own files). `serve` then
starts Datasette on them: the copy opened immutable (Datasette can neither write it nor has any
write feature enabled), bound to 127.0.0.1 unless a host is given.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError
from crossborder.core.files import atomic_write
from crossborder.core.progress import Progress
from crossborder.docs_site import write_docs
from crossborder.explorer.database import build_database
from crossborder.explorer.metadata import DATABASE, datasette_metadata, facets_of, read_dictionary
from crossborder.explorer.questions import load_questions
from crossborder.pipeline.releases import SUMS, list_releases, verify_release

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8001
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Datasette settings: pages short enough to read, long texts cut in the HTML view (the CSV and
# JSON keep them whole), a time limit on any one query.
DATASETTE_SETTINGS = {"default_page_size": "50", "truncate_cells_html": "300", "sql_time_limit_ms": "5000"}


@dataclass(frozen=True)
class Prepared:
    release: Path
    database: Path
    metadata: Path
    static: dict[str, Path] = field(default_factory=dict)  # URL mount -> folder

    def datasette_args(self, host: str, port: int) -> list[str]:
        args = ["serve", "--immutable", str(self.database), "--metadata", str(self.metadata)]
        args += ["--host", host, "--port", str(port)]
        for mount, folder in self.static.items():
            args += ["--static", f"{mount}:{folder}"]
        for key, value in DATASETTE_SETTINGS.items():
            args += ["--setting", key, value]
        return args


def _find_release(settings: Settings, name: str | None) -> Path:
    found = list_releases(settings)
    if not found:
        raise CrossborderError(
            f"no releases in {settings.releases_dir}: run `crossborder run --demo` (or `crossborder release`) first"
        )
    if name is None:
        latest = [r for r in found if r["latest"]]
        return (latest or found)[-1]["path"]
    for item in found:
        if item["name"] == name:
            return item["path"]
    raise CrossborderError(f"no release {name!r} (releases: {', '.join(r['name'] for r in found)})")


def _table_comments(release: Path, duckdb_config: dict[str, str | int]) -> dict[str, str]:
    import duckdb

    con = duckdb.connect(str(release / "warehouse.duckdb"), read_only=True, config=dict(duckdb_config))
    try:
        return {
            table: " ".join((comment or "").split())
            for table, comment in con.execute(
                "select table_name, comment from duckdb_tables() where schema_name in ('marts', 'main')"
            ).fetchall()
        }
    finally:
        con.close()


def _static_folders(settings: Settings, release: Path, cache: Path) -> dict[str, Path]:
    folders = {"release": release}
    if settings.report_path.exists():
        folders["report"] = settings.report_path.parent
    try:
        folders["dbt-docs"] = write_docs(settings, cache / "dbt-docs").parent
    except CrossborderError:
        if (settings.dbt_docs_dir / "index.html").exists():
            folders["dbt-docs"] = settings.dbt_docs_dir
    if (settings.data_docs_dir / "index.html").exists():
        folders["gx-docs"] = settings.data_docs_dir
    return folders


def prepare(settings: Settings, name: str | None, cache_dir: Path | None, progress: Progress) -> Prepared:
    """Check the release and make everything Datasette serves of it (see the module docstring)."""
    release = _find_release(settings, name)
    verify_release(release)
    cache_root = cache_dir or settings.data_dir / "explorer"
    cache = cache_root / release.name
    cache.mkdir(parents=True, exist_ok=True)
    # Copies of releases that no longer exist (pruned) go; only folders this module made.
    kept = {r["name"] for r in list_releases(settings)}
    for old in cache_root.iterdir():
        if old.name not in kept and (old / "built-from").is_file():
            shutil.rmtree(old, ignore_errors=True)
    database = cache / f"{DATABASE}.sqlite"
    stamp = cache / "built-from"
    sums = hashlib.sha256((release / SUMS).read_bytes()).hexdigest()
    dictionary = read_dictionary(release)
    questions = load_questions(settings.project_root)
    if not (database.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == sums):
        with progress.step("explorer"):
            facets = {table: facets_of(r["column"] for r in rows) for table, rows in dictionary.items()}
            counts = build_database(release, database, questions, facets, settings.duckdb.config())
            atomic_write(stamp, sums + "\n")
        progress.say(f"    {database}: {len(counts)} tables, {sum(counts.values())} rows")
    static = _static_folders(settings, release, cache)
    metadata = cache / "metadata.json"
    comments = _table_comments(release, settings.duckdb.config())
    atomic_write(metadata, json.dumps(datasette_metadata(release, dictionary, comments, questions, static), indent=2))
    return Prepared(release=release, database=database, metadata=metadata, static=static)


def serve(
    settings: Settings, name: str | None, host: str, port: int, cache_dir: Path | None, progress: Progress
) -> None:
    """Serve the release with Datasette until interrupted (this process becomes Datasette's)."""
    prepared = prepare(settings, name, cache_dir, progress)
    beyond = host not in LOOPBACK
    progress.say(
        f"==> explorer of release {prepared.release.name} on http://{host}:{port}/"
        + (" (reachable beyond this machine; read-only: the copy is opened immutable)" if beyond else "")
    )
    sys.stdout.flush()
    sys.stderr.flush()
    args = [sys.executable, "-m", "datasette", *prepared.datasette_args(host, port)]
    os.execv(sys.executable, args)

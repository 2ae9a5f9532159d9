"""Dated releases of the published warehouse, and rolling back to one.

Every successful publish (and `crossborder release`) writes `<data>/releases/<UTC time>/`:

    warehouse.duckdb          a copy of the validated warehouse
    tables/<schema>.<table>.parquet
                              every table of `marts` and `main`, zstd, rows in a stable order
                              (ORDER BY ALL), so an unchanged table gives a byte-identical file
    dictionary.csv, dictionary.md
                              table, column, type, description (dbt's docs, persisted as DuckDB
                              comments), grain (dbt `meta.grain`), the source area (its YAML file)
    release.json              build info, sources, CBP releases, TIP editions, the gate's
                              verdict, sample flag, row counts, inputs fingerprint
    CHANGES.md                computed against the previous release: per table, rows added /
                              removed / changed (keyed on the grain), and in words: new CBP
                              months, CBP's revisions of earlier months (how many cells, the
                              largest change), a new TIP edition with its upgrades and downgrades,
                              new news articles, new StatCan years
    SHA256SUMS                every file above (`sha256sum -c` reads it)

`releases/latest` is a symbolic link to the newest. A release is written in a hidden folder and
renamed into place, so a failure (a full disk) leaves no partial release and never touches the
published warehouse or earlier releases. The newest `keep` releases stay ([releases] keep), plus
the one `latest` names and every release holding a `PINNED` file.

`crossborder rollback [RELEASE]` checks the release against its SHA256SUMS and republishes its
warehouse with the same atomic rename as publish (default: the release before the newest).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crossborder import __version__
from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError
from crossborder.core.files import atomic_write, is_sample_data, private_files, sha256_of, share_with_group
from crossborder.core.progress import Progress
from crossborder.pipeline.build import warehouse_lock
from crossborder.pipeline.inputs import record_published

if TYPE_CHECKING:
    import duckdb

RELEASE_SCHEMAS = ("marts", "main")
SUMS = "SHA256SUMS"
LATEST = "latest"
PINNED = "PINNED"


def _release_name(releases: Path) -> str:
    base = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    name, n = base, 1
    while (releases / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() "
        f"where schema_name in ({', '.join('?' for _ in RELEASE_SCHEMAS)}) order by schema_name, table_name",
        list(RELEASE_SCHEMAS),
    ).fetchall()


def _dbt_models(settings: Settings) -> dict[tuple[str, str], dict[str, Any]]:
    """(schema, table) -> the dbt manifest node of the last build (for grain and area)."""
    try:
        nodes = json.loads((settings.dbt_target_dir / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    except (FileNotFoundError, ValueError, KeyError):
        return {}
    return {
        (n.get("schema"), n.get("alias") or n.get("name")): n
        for n in nodes.values()
        if n.get("resource_type") == "model"
    }


def _dictionary(con: duckdb.DuckDBPyConnection, settings: Settings, tables: list[tuple[str, str]]) -> list[dict]:
    models = _dbt_models(settings)
    rows = []
    for schema, table in tables:
        node = models.get((schema, table), {})
        grain = (node.get("config", {}).get("meta") or node.get("meta") or {}).get("grain") or []
        area = Path(node.get("patch_path") or "").stem.rpartition("__")[2] or schema
        for column, data_type, comment in con.execute(
            "select column_name, data_type, comment from duckdb_columns() "
            "where schema_name = ? and table_name = ? order by column_index",
            [schema, table],
        ).fetchall():
            rows.append(
                {
                    "table": f"{schema}.{table}",
                    "column": column,
                    "type": data_type,
                    "description": " ".join((comment or "").split()),
                    "grain": " x ".join([grain] if isinstance(grain, str) else grain),
                    "source": area,
                }
            )
    return rows


def _dictionary_markdown(rows: list[dict]) -> str:
    lines = ["# Data dictionary", ""]
    for table in dict.fromkeys(r["table"] for r in rows):
        of_table = [r for r in rows if r["table"] == table]
        lines += [
            f"## {table}",
            "",
            f"grain: {of_table[0]['grain'] or 'not documented'}; source: {of_table[0]['source']}",
            "",
        ]
        lines += ["| column | type | description |", "|---|---|---|"]
        lines += [f"| {r['column']} | {r['type']} | {r['description'].replace('|', '/')} |" for r in of_table]
        lines.append("")
    return "\n".join(lines)


def _grains(settings: Settings) -> dict[str, list[str]]:
    """schema.table -> its grain columns (dbt `meta.grain`, extended by `grain_extends`)."""
    models = _dbt_models(settings)
    by_name = {name: node for (_, name), node in models.items()}

    def grain_of(node: dict[str, Any]) -> list[str]:
        meta = node.get("config", {}).get("meta") or node.get("meta") or {}
        own = meta.get("grain") or []
        own = [own] if isinstance(own, str) else list(own)
        parent = by_name.get(meta.get("grain_extends") or "")
        return own + [c for c in (grain_of(parent) if parent else []) if c not in own]

    return {f"{schema}.{name}": grain_of(node) for (schema, name), node in models.items()}


def _q(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def _table_changes(con: duckdb.DuckDBPyConnection, old: Path, new: Path, grain: list[str]) -> tuple[int, int, int]:
    """(added, removed, changed) rows between two Parquet files of one table, keyed on its grain
    (without a grain: rows in one and not the other, changed = 0)."""
    if not grain:
        added = con.execute(
            f"select count(*) from (select * from {_q(new)} except all select * from {_q(old)})"
        ).fetchall()[0][0]
        removed = con.execute(
            f"select count(*) from (select * from {_q(old)} except all select * from {_q(new)})"
        ).fetchall()[0][0]
        return added, removed, 0
    keys = ", ".join(f'"{c}"' for c in grain)
    on = " and ".join(f'n."{c}" is not distinct from o."{c}"' for c in grain)
    (added, removed, changed) = con.execute(
        "select count(*) filter (where o.o_key is null), count(*) filter (where n.n_key is null), "
        "count(*) filter (where n.n_key is not null and o.o_key is not null and n.n_row is distinct from o.o_row) "
        f"from (select row({keys}) as n_key, t as n_row, {keys} from {_q(new)} t) n "
        f"full join (select row({keys}) as o_key, t as o_row, {keys} from {_q(old)} t) o on {on}"
    ).fetchall()[0]
    return added, removed, changed


def _in_words(con: duckdb.DuckDBPyConnection, old: Path, new: Path, table: str, grain: list[str]) -> list[str]:
    """What a change of a table means, for the tables analysts ask about."""
    said = []
    if table == "marts.fct_border_encounters":
        months = con.execute(
            f"select strftime(month_start, '%Y-%m') from (select distinct month_start from {_q(new)} "
            f"except select distinct month_start from {_q(old)}) order by 1"
        ).fetchall()
        if months:
            said.append(f"new CBP months: {', '.join(m for (m,) in months)}")
        keys = ", ".join(f'"{c}"' for c in grain)
        revised = con.execute(
            f"select count(*), max(abs(n.encounter_count - o.encounter_count)), "
            f"arg_max(strftime(n.month_start, '%Y-%m') || ' ' || n.aor_code || ': ' || o.encounter_count || ' -> ' "
            f"|| n.encounter_count, abs(n.encounter_count - o.encounter_count)) "
            f"from {_q(new)} n join {_q(old)} o using ({keys}) where n.encounter_count <> o.encounter_count"
        ).fetchall()[0]
        if revised[0] and grain:
            said.append(f"CBP revised {revised[0]} earlier cells (largest change: {revised[2]})")
    elif table == "marts.fct_tip_tier_placements":
        for year, upgrades, downgrades, countries in con.execute(
            f"select report_year, count(*) filter (where movement = 'upgrade'), "
            f"count(*) filter (where movement = 'downgrade'), count(*) from {_q(new)} "
            f"where report_year not in (select report_year from {_q(old)}) group by 1 order by 1"
        ).fetchall():
            said.append(f"new TIP edition {year}: {countries} countries, {upgrades} upgrades, {downgrades} downgrades")
    elif table == "marts.fct_statcan_trafficking_incidents":
        years = con.execute(
            f"select distinct ref_year from {_q(new)} except select distinct ref_year from {_q(old)} order by 1"
        ).fetchall()
        if years:
            said.append(f"new StatCan years: {', '.join(str(y) for (y,) in years)}")
    return said


def _changes_markdown(settings: Settings, previous: Path | None, current: Path, name: str) -> str:
    """CHANGES.md: per table, rows added / removed / changed since the previous release, and in
    words what that means for CBP months and revisions, TIP editions, news and StatCan years."""
    if previous is None:
        return f"# Changes in release {name}\n\nThe first release: nothing to compare with.\n"
    import duckdb

    grains = _grains(settings)
    lines = [f"# Changes in release {name}", "", f"Compared with release {previous.name}.", ""]
    rows, words = [], []
    con = duckdb.connect(config=dict(settings.duckdb.config()))
    try:
        new_tables = {p.name: p for p in (current / "tables").glob("*.parquet")}
        old_tables = {p.name: p for p in (previous / "tables").glob("*.parquet")}
        for file_name in sorted(new_tables.keys() | old_tables.keys()):
            table = file_name.removesuffix(".parquet")
            new, old = new_tables.get(file_name), old_tables.get(file_name)
            if new is None or old is None:
                rows.append(f"| {table} | {'table removed' if new is None else 'new table'} | | |")
                continue
            if table in {"main.build_info", "main.fetch_attempts"} or sha256_of(new) == sha256_of(old):
                continue  # unchanged; or about the build itself, which differs on every build
            added, removed, changed = _table_changes(con, old, new, grains.get(table, []))
            if added or removed or changed:
                rows.append(f"| {table} | {added} | {removed} | {changed} |")
                words += _in_words(con, old, new, table, grains.get(table, []))
                if table == "marts.fct_news_articles" and added:
                    words.append(f"{added} new news articles")
    finally:
        con.close()
    if words:
        lines += [f"- {w}" for w in words] + [""]
    if rows:
        lines += ["| table | rows added | rows removed | rows changed |", "|---|---|---|---|", *rows]
    else:
        lines.append("No table changed.")
    return "\n".join(lines) + "\n"


def _build_info(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    cursor = con.execute("select * from main.build_info")
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in zip(names, row or (), strict=False)}


def _write_sums(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != SUMS)
    atomic_write(folder / SUMS, "".join(f"{sha256_of(p)}  {p.relative_to(folder).as_posix()}\n" for p in files))


def verify_release(folder: Path) -> None:
    """Raise naming the first file of the release that is missing, altered or not listed."""
    sums = folder / SUMS
    try:
        listed = [line.split("  ", 1) for line in sums.read_text(encoding="utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        raise CrossborderError(f"release {folder} has no {SUMS}: it cannot be checked, so it is not used") from None
    for digest, name in listed:
        path = folder / name
        if not path.is_file():
            raise CrossborderError(f"release {folder.name}: {name} is missing (listed in {SUMS})")
        if sha256_of(path) != digest:
            raise CrossborderError(f"release {folder.name}: {name} was altered (its SHA-256 differs from {SUMS})")
    extra = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {n for _, n in listed}
    extra -= {SUMS, PINNED}
    if extra:
        raise CrossborderError(f"release {folder.name}: {sorted(extra)[0]} is not listed in {SUMS}")


def write_release(settings: Settings, progress: Progress) -> Path:
    """Write a release of the published warehouse (see the module docstring); returns its folder."""
    private_files()
    published = settings.warehouse_path
    if not published.exists():
        raise CrossborderError(f"no published warehouse at {published}: nothing to release")
    releases = settings.releases_dir
    releases.mkdir(parents=True, exist_ok=True)
    with warehouse_lock(settings), progress.step("release"):
        name = _release_name(releases)
        tmp = releases / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir()
            # A copy, not a hard link: whoever opens the published file read-write (the duckdb shell
            # does by default) would change the release with it.
            shutil.copy2(published, tmp / "warehouse.duckdb")
            (tmp / "tables").mkdir()
            import duckdb  # here: the DAG files import the step list, and DuckDB is heavy to import

            con = duckdb.connect(str(published), read_only=True, config=dict(settings.duckdb.config()))
            try:
                tables = _tables(con)
                counts = {}
                for schema, table in tables:
                    target = tmp / "tables" / f"{schema}.{table}.parquet"
                    con.execute(
                        f'copy (select * from "{schema}"."{table}" order by all) to '
                        f"'{target.as_posix().replace(chr(39), chr(39) * 2)}' (format parquet, compression zstd)"
                    )
                    counts[f"{schema}.{table}"] = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[
                        0
                    ]
                dictionary = _dictionary(con, settings, tables)
                build_info = _build_info(con)
            finally:
                con.close()
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=["table", "column", "type", "description", "grain", "source"])
            writer.writeheader()
            writer.writerows(dictionary)
            atomic_write(tmp / "dictionary.csv", out.getvalue())
            atomic_write(tmp / "dictionary.md", _dictionary_markdown(dictionary))
            atomic_write(
                tmp / "release.json", json.dumps(_release_record(settings, name, build_info, counts), indent=2)
            )
            previous = [r["path"] for r in list_releases(settings)]
            changes = _changes_markdown(settings, previous[-1] if previous else None, tmp, name)
            atomic_write(tmp / "CHANGES.md", changes)
            _write_sums(tmp)
            os.replace(tmp, releases / name)
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            # A full disk reaches us as OSError from Python's writes, or as DuckDB's IOException
            # from its Parquet writer.
            if isinstance(exc, OSError) or type(exc).__name__ == "IOException":
                raise CrossborderError(
                    f"release {name} not written ({str(exc).splitlines()[0]}); "
                    "the published warehouse and earlier releases are unchanged"
                ) from exc
            raise
        _point_latest(releases, name)
        share_with_group(releases / name, settings.data_dir)
        for path in (releases / name).rglob("*"):
            if path.is_file():
                path.chmod(0o440)  # read-only: a release stays what was published
        removed = prune_releases(settings)
    progress.say(
        f"    release {releases / name} ({len(counts)} tables{f'; removed {len(removed)} old' if removed else ''})"
    )
    return releases / name


def _release_record(settings: Settings, name: str, build_info: dict, counts: dict[str, int]) -> dict:
    try:
        gate = json.loads(settings.gate_result_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        gate = {}
    try:
        published = json.loads(settings.published_info_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        published = {}
    return {
        "release": name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "crossborder_version": __version__,
        "sample_data": is_sample_data(settings.data_dir),
        "build_info": build_info,
        "gate": {key: gate.get(key) for key in ("passed", "run_at", "warehouse_sha256")},
        "inputs": published.get("inputs"),
        "rows": counts,
    }


def _point_latest(releases: Path, name: str) -> None:
    latest = releases / LATEST
    if latest.is_dir() and not latest.is_symlink():  # a data directory copied without its links
        shutil.rmtree(latest)
    link = releases / f".{LATEST}.tmp"
    link.unlink(missing_ok=True)
    link.symlink_to(name)
    os.replace(link, latest)


def list_releases(settings: Settings) -> list[dict]:
    """Every release, oldest first: name, record, whether latest / pinned."""
    releases = settings.releases_dir
    latest = os.readlink(releases / LATEST) if (releases / LATEST).is_symlink() else None
    found = []
    for folder in (
        sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")) if releases.is_dir() else []
    ):
        if folder.name == LATEST:
            continue
        try:
            record = json.loads((folder / "release.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            record = {}
        found.append(
            {
                "name": folder.name,
                "path": folder,
                "record": record,
                "latest": folder.name == latest,
                "pinned": (folder / PINNED).exists(),
            }
        )
    return found


def describe_release(item: dict) -> str:
    """One line of `crossborder releases`."""
    record = item["record"]
    marks = [m for m in ("latest", "pinned") if item[m]] + (["SAMPLE DATA"] if record.get("sample_data") else [])
    gate = "gate passed" if (record.get("gate") or {}).get("passed") else "gate result unknown"
    noted = f"  ({', '.join(marks)})" if marks else ""
    return f"{item['name']}  {len(record.get('rows') or {})} tables, {gate}{noted}"


def prune_releases(settings: Settings) -> list[str]:
    """Delete releases beyond the newest `keep`, never the latest nor a pinned one."""
    keep = settings.releases_keep
    found = list_releases(settings)
    old = [r for r in found[: max(len(found) - keep, 0)] if not r["latest"] and not r["pinned"]]
    for release in old:
        shutil.rmtree(release["path"])
    return [r["name"] for r in old]


def rollback(settings: Settings, name: str | None, progress: Progress) -> Path:
    """Republish a release's warehouse (checked against its SHA256SUMS) with an atomic rename."""
    found = list_releases(settings)
    if not found:
        raise CrossborderError(f"no releases in {settings.releases_dir}: nothing to roll back to")
    if name is None:
        if len(found) < 2:
            raise CrossborderError(f"only one release ({found[0]['name']}): name the release to roll back to")
        chosen = found[-2]
    else:
        chosen = next((r for r in found if r["name"] == name), None)
        if chosen is None:
            raise CrossborderError(f"no release {name!r} (releases: {', '.join(r['name'] for r in found)})")
    folder: Path = chosen["path"]
    verify_release(folder)
    with warehouse_lock(settings), progress.step(f"rollback to {folder.name}"):
        staged = settings.work_dir / "rollback.duckdb"
        staged.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(folder / "warehouse.duckdb", staged)
            share_with_group(staged, settings.data_dir)
            os.replace(staged, settings.warehouse_path)  # readers see the old file or the release's
        except OSError as exc:
            staged.unlink(missing_ok=True)
            raise CrossborderError(
                f"rollback to {folder.name} failed ({exc}); the published warehouse is unchanged"
            ) from exc
        record_published(settings, chosen["record"].get("inputs"), sha256_of(settings.warehouse_path))
    progress.say(f"    published {settings.warehouse_path} from release {folder.name}")
    return settings.warehouse_path

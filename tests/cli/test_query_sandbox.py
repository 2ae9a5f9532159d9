"""`crossborder query` runs the user's SQL with no access beyond the published warehouse: no file read or
written (COPY TO, EXPORT DATABASE, read_text/read_csv, ATTACH), no extension installed or loaded, no
setting changed; ordinary SELECTs, the docs' examples among them, still work (on the shared demo run)."""

from __future__ import annotations

import hashlib
import re
import shlex
from pathlib import Path

import duckdb
import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
REFUSED = "cannot read or write files"  # the sandbox's explanation, after DuckDB's own message


@pytest.fixture
def in_demo(demo_data, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(demo_data))
    return demo_data


def _refused(sql: str, capsys) -> str:
    assert main(["query", sql]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert REFUSED in err, err
    return err


def test_copy_to_any_path_is_refused_and_writes_nothing(in_demo, tmp_path, capsys):
    manifest = in_demo / "raw" / "cbp" / "manifest.jsonl"
    before = hashlib.sha256(manifest.read_bytes()).hexdigest()
    err = _refused(f"copy (select 1 as x) to '{manifest}' (format csv)", capsys)
    assert "file system operations are disabled" in err
    assert hashlib.sha256(manifest.read_bytes()).hexdigest() == before
    _refused(f"copy marts.dim_date to '{tmp_path / 'dates.parquet'}' (format parquet)", capsys)
    assert list(tmp_path.iterdir()) == []


def test_export_database_is_refused(in_demo, tmp_path, capsys):
    _refused(f"export database '{tmp_path / 'dump'}'", capsys)
    assert not (tmp_path / "dump").exists() or list((tmp_path / "dump").iterdir()) == []


def test_extensions_cannot_be_installed_or_loaded(in_demo, capsys):
    _refused("install httpfs", capsys)
    assert main(["query", "load httpfs"]) == EXIT_FAILED
    assert "install or load extensions" in capsys.readouterr().err


def test_files_outside_the_warehouse_cannot_be_read_or_attached(in_demo, tmp_path, capsys):
    outside = tmp_path / "secret.csv"
    outside.write_text("token\nhunter2\n")
    for sql in (
        "select * from read_text('/etc/passwd')",
        f"select * from read_csv('{outside}')",
        f"select * from '{outside}'",
        f"select * from glob('{tmp_path}/*')",
        f"attach '{tmp_path / 'other.duckdb'}' as other",
    ):
        assert main(["query", sql]) == EXIT_FAILED, sql
        err = capsys.readouterr().err
        assert "hunter2" not in err and "query failed" in err, (sql, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.csv"]


def test_the_sql_cannot_turn_the_sandbox_off(in_demo, tmp_path, capsys):
    err = _refused("set enable_external_access = true", capsys)
    assert "locked" in err
    _refused("reset lock_configuration", capsys)
    _refused(f"set allowed_directories = ['{tmp_path}']", capsys)


def test_open_for_queries_is_read_only_locked_and_searches_the_marts(in_demo):
    from crossborder.core.config import load_settings
    from crossborder.core.warehouse import open_for_queries

    con = open_for_queries(load_settings())
    try:
        assert con.execute("select current_setting('enable_external_access')").fetchone()[0] is False
        assert con.execute("select current_setting('lock_configuration')").fetchone()[0] is True
        assert con.execute("select count(*) > 0 from fct_border_encounters").fetchone()[0]
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table marts.t as select 1")
    finally:
        con.close()


def _doc_queries() -> list[tuple[str, list[str]]]:
    """Every `crossborder query ...` command of the shell examples in the README and the analyst docs."""
    commands = []
    for doc in ("README.md", "docs/analyst-guide.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        for block in re.findall(r"```(?:sh|bash|shell)?\n(.*?)```", text, flags=re.S):
            lines = block.splitlines()
            for i, line in enumerate(lines):
                if not re.match(r"\s*(\.venv/bin/)?crossborder query ", line):
                    continue
                for end in range(i + 1, len(lines) + 1):  # until the quotes close
                    try:
                        words = shlex.split("\n".join(lines[i:end]), comments=True)
                        break
                    except ValueError:
                        continue
                if re.search(r"\bselect\b", words[-1], re.I):  # an example, not a usage line
                    commands.append((doc, words[2:]))
    return commands


def test_the_docs_query_examples_still_work(in_demo, tmp_path, capsys):
    examples = _doc_queries()
    assert len(examples) >= 6
    for doc, args in examples:
        if "--output" in args:
            args[args.index("--output") + 1] = str(tmp_path / Path(args[args.index("--output") + 1]).name)
        assert main(["--quiet", "query", *args]) == EXIT_OK, (doc, args, capsys.readouterr().err)
        assert "error" not in capsys.readouterr().err
    assert main(["query", "--format", "csv", "select count(*) as n from marts.fct_border_encounters"]) == EXIT_OK
    assert int(capsys.readouterr().out.splitlines()[-1]) > 0


def test_the_marts_guides_sql_examples_run_through_crossborder_query(in_demo, capsys):
    blocks = re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / "analyst-marts.md").read_text(encoding="utf-8"), re.S)
    assert blocks
    for sql in blocks:
        assert main(["query", "--format", "csv", sql]) == EXIT_OK, (sql, capsys.readouterr().err)
        assert capsys.readouterr().out.strip()

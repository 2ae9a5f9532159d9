"""Every SQL example of the docs runs against the demo warehouse (tests/conftest.py `demo_data`).

The examples are the fenced ```sql blocks of README.md and docs/*.md, and the SQL of each
`crossborder query "..."` command in their ```sh blocks. Each runs on a read-only connection and
must return rows. A Markdown table right after a ```sql block (blank lines between allowed) is
the block's result on the demo data: its header must be the result's columns and its rows the
result's rows, in order.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
FENCE = re.compile(r"^```(\w*)\s*$")
# `crossborder query [--option value ...] "SQL"`: the quoted argument, when it is a query.
QUERY_COMMAND = re.compile(r'crossborder query(?:\s+--[\w-]+(?:\s+[^\s"-]\S*)?)*\s+"(?P<sql>[^"]*)"')
QUERY_START = re.compile(r"^\s*(select|with|from)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Example:
    doc: Path
    line: int  # 1-based line of the opening fence (of the command, in a shell block)
    sql: str
    expected: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] | None  # (header, rows)

    @property
    def where(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"


def _table_cells(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def _table_after(lines: list[str], start: int) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] | None:
    """The Markdown table starting at lines[start] after blank lines, or None."""
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    table = []
    while index < len(lines) and lines[index].lstrip().startswith("|"):
        table.append(lines[index])
        index += 1
    if len(table) < 2:
        return None
    header, rows = _table_cells(table[0]), table[2:]  # table[1] is the |---| separator
    return header, tuple(_table_cells(row) for row in rows)


def examples_in(doc: Path) -> list[Example]:
    lines = doc.read_text(encoding="utf-8").splitlines()
    found: list[Example] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening or not opening.group(1):
            index += 1
            continue
        language, first = opening.group(1), index
        end = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == "```"), None)
        if end is None:
            raise AssertionError(f"{doc.relative_to(ROOT)}:{first + 1}: the ```{language} block is never closed")
        body = "\n".join(lines[first + 1 : end])
        if language == "sql":
            found.append(Example(doc, first + 1, body, _table_after(lines, end + 1)))
        elif language in ("sh", "bash", "shell"):
            for command in QUERY_COMMAND.finditer(body):
                if QUERY_START.match(command.group("sql")):
                    line = first + 2 + body[: command.start()].count("\n")  # the command's own line
                    found.append(Example(doc, line, command.group("sql"), None))
        index = end + 1
    return found


EXAMPLES = [example for doc in DOCS for example in examples_in(doc)]


def _cell(value: object) -> str:
    """A result value as the docs' tables write it (null as an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _same(expected: str, actual: str) -> bool:
    try:
        return math.isclose(float(expected), float(actual), rel_tol=1e-9, abs_tol=0.05)
    except ValueError:
        return expected == actual


def test_the_harness_finds_the_examples():
    by_doc = {doc.name: len(examples_in(doc)) for doc in DOCS}
    assert by_doc["analyst-marts.md"] >= 8 and by_doc["README.md"] >= 3, by_doc
    assert any(example.expected for example in EXAMPLES), "no example is followed by its result table"


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.where for example in EXAMPLES])
def test_sql_example_runs_on_the_demo_warehouse(example: Example, demo_data: Path):
    con = duckdb.connect(str(demo_data / "warehouse.duckdb"), read_only=True)
    try:
        try:
            result = con.execute(example.sql)
        except duckdb.Error as exc:
            pytest.fail(f"{example.where}: the example fails on the demo warehouse: {exc}\n{example.sql}")
        columns = tuple(d[0] for d in result.description)
        rows = [tuple(_cell(v) for v in row) for row in result.fetchall()]
    finally:
        con.close()
    assert rows, f"{example.where}: the example returns no rows on the demo warehouse\n{example.sql}"
    if example.expected is None:
        return
    header, expected_rows = example.expected
    assert header == columns, f"{example.where}: the result table's header is not the query's columns"
    shown = [f"| {' | '.join(row)} |" for row in rows]
    assert len(expected_rows) == len(rows), f"{example.where}: the query returns:\n" + "\n".join(shown)
    for number, (want, got) in enumerate(zip(expected_rows, rows, strict=True), start=1):
        assert len(want) == len(got) and all(_same(w, g) for w, g in zip(want, got, strict=True)), (
            f"{example.where}: row {number} is {got}, the doc says {want}; the query returns:\n" + "\n".join(shown)
        )

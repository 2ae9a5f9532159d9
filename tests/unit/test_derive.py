"""derive_if_changed, which owns the records' meta, and first_landings, on a landing zone in a
temp folder: skip when unchanged, rewrite when the inputs or the parser change, keep the records
held when a parse fails, refuse undeclared fields, set an unreadable input aside."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import asdict

import pytest

from crossborder.core.landing import LandingZone, ManifestEntry
from crossborder.core.progress import Progress
from extractors.base import ExtractContext, ExtractReport
from extractors.csv_files import RowLog, SchemaError
from extractors.derive import ParseLog, derive_if_changed, first_landings
from extractors.schema import RecordShapeError, record_columns


@pytest.fixture
def ctx(tmp_path):
    """A context with only what deriving uses: the landing zone and the progress."""
    return ExtractContext(None, None, None, LandingZone(tmp_path, "news"), Progress(io.StringIO()))


def page(url: str) -> dict:
    return {**dict.fromkeys(record_columns("news", "pages")), "url": url}


def derive(ctx, report, pages, *, inputs="a" * 64, version=1, log=None, errors=()):
    log = log or RowLog()
    return derive_if_changed(
        ctx,
        report,
        dataset="pages",
        name="n",
        inputs_sha256=inputs,
        parser_version=version,
        parse=pages if callable(pages) else (lambda: {"pages": pages}),
        log=log,
        label="https://example.org/x",
        about={"url": "https://example.org/x"},
        errors=errors,
    )


def held(ctx) -> list[dict]:
    data = gzip.decompress(ctx.landing.records_path("pages", "n").read_bytes())
    return [json.loads(line) for line in data.splitlines()]


def test_records_and_meta_are_written_once_then_skipped_until_inputs_or_parser_change(ctx):
    report = ExtractReport("news")
    first = derive(ctx, report, [page("u1"), page("u2")])
    assert first.written and report.records == {"pages": 2}
    assert first.meta == ctx.landing.read_meta("pages", "n")
    assert (first.meta["inputs_sha256"], first.meta["parser_version"], first.meta["url"]) == (
        "a" * 64,
        1,
        "https://example.org/x",
    )
    assert first.meta["records"] == {"pages": 2}
    again = ExtractReport("news")
    assert derive(ctx, again, lambda: pytest.fail("parsed again")) == (first.meta, False)
    assert again.records == {}
    assert derive(ctx, again, [page("u3")], version=2).written
    assert derive(ctx, again, [page("u4")], inputs="b" * 64, version=2).written
    assert [r["url"] for r in held(ctx)] == ["u4"]


def test_a_failed_parse_keeps_the_records_held_and_names_the_input(ctx):
    derive(ctx, ExtractReport("news"), [page("u1")])

    def broken():
        yield page("u2")
        raise SchemaError("news: https://example.org/x: header changed")

    report = ExtractReport("news")
    result = derive(ctx, report, lambda: {"pages": broken()}, inputs="b" * 64, errors=(SchemaError,))
    assert result == (None, False)
    assert report.failures == ["news: https://example.org/x: header changed"] and report.records == {}
    assert [r["url"] for r in held(ctx)] == ["u1"] and ctx.landing.read_meta("pages", "n")["inputs_sha256"] == "a" * 64
    # an unreadable raw copy is a failure too, named by the label
    report = ExtractReport("news")
    derive(ctx, report, lambda: {"pages": [json.loads((ctx.landing.root / "missing").read_text())]}, inputs="c" * 64)
    assert report.failures[0].startswith("news: https://example.org/x: records not derived: [Errno 2]")


def test_a_record_that_is_not_the_declared_schema_is_a_programming_error(ctx):
    derive(ctx, ExtractReport("news"), [page("u1")])
    with pytest.raises(RecordShapeError, match="has undeclared field.s. surprise"):
        derive(ctx, ExtractReport("news"), [{**page("u2"), "surprise": 1}], inputs="b" * 64)
    assert [r["url"] for r in held(ctx)] == ["u1"]


def test_rejects_are_kept_counted_and_the_first_one_said(ctx):
    log = RowLog()
    log.reject(7, "VALUE 'x' is not a number", ["x"])
    report = ExtractReport("news")
    derive(ctx, report, [page("u1")], log=log)
    rejects = ctx.landing.root / "records" / "pages" / "n.rejected.jsonl"
    assert [json.loads(line)["line"] for line in rejects.read_text().splitlines()] == [7]
    assert report.rejected_rows == 1 and ctx.landing.read_meta("pages", "n")["rejected"] == 1
    said = ctx.progress.stream.getvalue()
    assert "https://example.org/x: 1 rows rejected (first: line 7: VALUE 'x' is not a number); listed in" in said


def test_an_input_set_aside_gives_no_records_and_keeps_its_reason(ctx):
    derive(ctx, ExtractReport("news"), [page("u1")])
    log = ParseLog()

    def unreadable():
        log.set_aside = "malformed XML"
        log.rejects.append({"reason": "feed quarantined: malformed XML"})
        return {}

    report = ExtractReport("news")
    result = derive(ctx, report, unreadable, inputs="b" * 64, log=log)
    assert result.written and result.meta["set_aside"] == "malformed XML"
    assert not ctx.landing.records_path("pages", "n").exists()
    assert report.records == {} and report.rejected_rows == 1


def landed(url: str, sha: str, at: str, status: int = 200, kind: str = "file") -> str:
    entry = ManifestEntry("news", url, url, kind, at, status, 0, sha, f"objects/{sha}")
    return json.dumps(asdict(entry)) + "\n"


def test_first_landings_are_the_first_200_of_each_url_per_content(tmp_path):
    landing = LandingZone(tmp_path, "news")
    landing.root.mkdir(parents=True)
    landing.manifest_path.write_text(
        landed("u1", "s1", "2024-01-01")
        + landed("u1", "s1", "2024-01-02", status=304)
        + landed("u2", "s1", "2024-01-03")
        + landed("u1", "s1", "2024-01-04")
        + landed("u3", "s2", "2024-01-05", kind="page")
    )
    firsts = first_landings(landing)
    assert {sha: [(e.url, e.fetched_at) for e in entries] for sha, entries in firsts.items()} == {
        "s1": [("u1", "2024-01-01"), ("u2", "2024-01-03")],
        "s2": [("u3", "2024-01-05")],
    }
    assert list(first_landings(landing, ("page",))) == ["s2"]

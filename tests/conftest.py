"""Shared fixtures: settings pointed at a temp data dir and a local server playing the sources."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from werkzeug import Request, Response

from crossborder.core.config import load_settings
from crossborder.core.progress import Progress

REAL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "real-data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def real_data(*parts: str) -> Path:
    """A file of ../shared/real-data, or a clean skip where that folder is absent."""
    path = REAL_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data sample {path} is not available")
    return path


@pytest.fixture
def env(tmp_path, monkeypatch, httpserver):
    """Environment for a pipeline run: temp data dir, CBP at the local server, no politeness delays."""
    values = {
        "CROSSBORDER_DATA_DIR": str(tmp_path / "data"),
        "CROSSBORDER_CBP_BASE_URL": httpserver.url_for("/").rstrip("/"),
        "CROSSBORDER_HTTP_REQUESTS_PER_SECOND_PER_HOST": "0",
        "CROSSBORDER_HTTP_BACKOFF_S": "0.01",
        "CROSSBORDER_HTTP_MAX_BACKOFF_S": "0.05",
        "CROSSBORDER_HTTP_READ_TIMEOUT_S": "5",
    }
    # The test data covers fixed past months and years: its coverage would always be stale
    # (tests/pipeline/test_freshness_coverage.py checks the coverage thresholds on the demo data).
    for source in ("CBP", "TIP", "NEWS", "STATCAN", "OHSS"):
        for level in ("WARN", "ERROR"):
            values[f"CROSSBORDER_{source}_COVERAGE_{level}_DAYS"] = "36500"
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture
def settings(env):
    return load_settings()


@pytest.fixture
def quiet():
    return Progress(quiet=True)


class Site:
    """A local web site with conditional GET (ETag), whose pages can change between runs."""

    def __init__(self, httpserver):
        self.httpserver = httpserver
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.hits: list[tuple[str, int]] = []
        httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")

    def put(self, path: str, body: bytes | str, content_type: str = "text/csv") -> None:
        if isinstance(body, str):
            body = body.encode("utf-8")
        first = path not in self.pages
        self.pages[path] = (body, content_type)
        if first:
            self.httpserver.expect_request(path).respond_with_handler(lambda request, p=path: self._serve(p, request))

    def _serve(self, path: str, request: Request) -> Response:
        body, content_type = self.pages[path]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.hits.append((path, 304))
            return Response(status=304, headers={"ETag": etag})
        self.hits.append((path, 200))
        return Response(body, status=200, content_type=content_type, headers={"ETag": etag})


@pytest.fixture
def site(httpserver):
    return Site(httpserver)


@pytest.fixture
def tip_site(site, monkeypatch):
    """The site playing state.gov too (its archive host under /archive): edition 2022, no recheck delay."""
    base = site.httpserver.url_for("/").rstrip("/")
    for key, value in {
        "CROSSBORDER_TIP_BASE_URL": base,
        "CROSSBORDER_TIP_ARCHIVE_BASE_URL": base + "/archive",
        "CROSSBORDER_TIP_EDITIONS": "2022",
        "CROSSBORDER_TIP_RECHECK_AFTER_HOURS": "0",
    }.items():
        monkeypatch.setenv(key, value)
    return site


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory):
    """One `crossborder run --demo` for the whole suite (the CLI demo, report and query tests share it).

    Its standard output is kept in run-stdout.txt beside the data directory."""
    import contextlib
    import io

    from crossborder.cli import EXIT_OK, main

    data = tmp_path_factory.mktemp("demo") / "data"
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        patch.setenv("CROSSBORDER_DATA_DIR", str(data))
        code = main(["--quiet", "run", "--demo"])
    (data.parent / "run-stdout.txt").write_text(out.getvalue(), encoding="utf-8")
    assert code == EXIT_OK
    return data

"""The shared HTTP client against local servers: retries, politeness, caps, and refusals."""

from __future__ import annotations

import gzip
import hashlib
import socket
import time

import pytest

from crossborder.core.http import FetchError, HttpClient, NotFound, RefusedURL, parse_retry_after
from crossborder.core.landing import LandingZone
from tests.rawserver import RawServer, path_of


def make_client(settings, hosts=("localhost", "127.0.0.1"), sleeps=None, **overrides):
    http = settings.http
    if overrides:
        from dataclasses import replace

        http = replace(http, **overrides)
    recorded = sleeps if sleeps is not None else []
    return HttpClient(http, "test", frozenset(hosts), sleep=recorded.append)


@pytest.fixture
def landing(tmp_path):
    return LandingZone(tmp_path / "raw", "test")


def test_user_agent_is_honest_and_mozilla_compatible(settings, site, httpserver, landing):
    site.put("/a.csv", "x,y\n1,2\n")
    landing.fetch(make_client(settings), httpserver.url_for("/a.csv"), kind="file")
    request = httpserver.log[-1][0]
    agent = request.headers["User-Agent"]
    assert agent.startswith("Mozilla/5.0 (compatible; crossborder/")
    assert "+https://" in agent


def test_retries_on_503_then_succeeds(settings, httpserver, landing):
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_oneshot_request("/file.csv").respond_with_data("busy", status=503)
    httpserver.expect_oneshot_request("/file.csv").respond_with_data("busy", status=503)
    httpserver.expect_oneshot_request("/file.csv").respond_with_data("a,b\n1,2\n")
    sleeps: list[float] = []
    entry = landing.fetch(make_client(settings, sleeps=sleeps), httpserver.url_for("/file.csv"), kind="file")
    assert entry.status == 200
    assert landing.object_path(entry).read_bytes() == b"a,b\n1,2\n"
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]  # exponential backoff


def test_429_waits_for_retry_after_then_loads_once(settings, httpserver, landing):
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_oneshot_request("/file.csv").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_oneshot_request("/file.csv").respond_with_data("a\n1\n")
    sleeps: list[float] = []
    landing.fetch(make_client(settings, sleeps=sleeps), httpserver.url_for("/file.csv"), kind="file")
    assert sleeps == [7.0]
    assert len(list(landing.entries())) == 1


def test_retry_after_longer_than_the_cap_fails_with_the_url(settings, httpserver, landing):
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/file.csv").respond_with_data("", status=429, headers={"Retry-After": "86400"})
    with pytest.raises(FetchError, match=r"test: GET http://localhost:\d+/file.csv: HTTP 429 with Retry-After 86400s"):
        landing.fetch(make_client(settings), httpserver.url_for("/file.csv"), kind="file")


def test_persistent_503_fails_after_max_attempts_and_lands_nothing(settings, httpserver, landing):
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/file.csv").respond_with_data("down", status=503)
    with pytest.raises(FetchError, match="gave up after 5 attempts; last: HTTP 503"):
        landing.fetch(make_client(settings), httpserver.url_for("/file.csv"), kind="file")
    assert sum(1 for r, _ in httpserver.log if r.path == "/file.csv") == 5
    assert not list(landing.entries())


def test_retry_after_http_date_is_understood():
    now = time.time()
    stamp = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now + 30))
    assert 28 <= parse_retry_after(stamp, now) <= 31
    assert parse_retry_after("soon", now) is None


def test_not_modified_downloads_nothing(settings, site, httpserver, landing):
    site.put("/file.csv", "a\n1\n")
    client = make_client(settings)
    first = landing.fetch(client, httpserver.url_for("/file.csv"), kind="file")
    second = landing.fetch(client, httpserver.url_for("/file.csv"), kind="file")
    assert (first.status, second.status) == (200, 304)
    assert second.bytes == 0 and second.sha256 == first.sha256
    assert httpserver.log[-1][0].headers["If-None-Match"] == first.etag
    assert len([p for p in (landing.root / "objects").rglob("*") if p.is_file()]) == 1


def test_changed_file_lands_beside_the_old_one(settings, site, httpserver, landing):
    site.put("/file.csv", "a\n1\n")
    client = make_client(settings)
    first = landing.fetch(client, httpserver.url_for("/file.csv"), kind="file")
    site.put("/file.csv", "a\n2\n")
    second = landing.fetch(client, httpserver.url_for("/file.csv"), kind="file")
    assert second.sha256 != first.sha256
    assert landing.object_path(first).read_bytes() == b"a\n1\n"  # raw files are never changed
    assert landing.object_path(second).read_bytes() == b"a\n2\n"


def test_manifest_records_every_fetch(settings, site, httpserver, landing):
    site.put("/file.csv", "a\n1\n")
    entry = landing.fetch(make_client(settings), httpserver.url_for("/file.csv"), kind="file", release_id="r1")
    assert entry.url == httpserver.url_for("/file.csv")
    assert entry.status == 200 and entry.bytes == 4
    assert entry.etag and entry.release_id == "r1" and entry.fetched_at.endswith("+00:00")
    assert entry.sha256 == hashlib.sha256(b"a\n1\n").hexdigest()
    assert [e.url for e in landing.entries()] == [entry.url]


def test_robots_disallow_is_obeyed(settings, site, httpserver, landing):
    site.put("/private/file.csv", "secret\n")
    with pytest.raises(RefusedURL, match="disallowed by robots.txt"):
        landing.fetch(make_client(settings), httpserver.url_for("/private/file.csv"), kind="file")
    assert not any(r.path == "/private/file.csv" for r, _ in httpserver.log)


def test_robots_5xx_disallows_the_host_and_404_allows_it(settings, httpserver, landing):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=500)
    httpserver.expect_request("/file.csv").respond_with_data("a\n")
    with pytest.raises(RefusedURL, match="robots.txt could not be read"):
        landing.fetch(make_client(settings, max_attempts=1), httpserver.url_for("/file.csv"), kind="file")
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/file.csv").respond_with_data("a\n")
    assert landing.fetch(make_client(settings), httpserver.url_for("/file.csv"), kind="file").status == 200


@pytest.mark.parametrize(
    "url, reason",
    [
        ("file:///etc/passwd", "scheme 'file'"),
        ("http://169.254.169.254/latest/meta-data/", "host '169.254.169.254' is not an allowed host"),
        ("https://example.org/file.csv", "host 'example.org' is not an allowed host"),
    ],
)
def test_urls_outside_the_allowed_hosts_are_refused(settings, landing, url, reason):
    with pytest.raises(RefusedURL, match=reason):
        landing.fetch(make_client(settings), url, kind="file")


def test_redirect_to_a_host_not_allowed_is_refused(settings, httpserver, landing):
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/file.csv").respond_with_data(
        "", status=302, headers={"Location": "http://10.0.0.1/x.csv"}
    )
    with pytest.raises(RefusedURL, match="host '10.0.0.1' is not an allowed host"):
        landing.fetch(make_client(settings), httpserver.url_for("/file.csv"), kind="file")


def test_404_is_reported_as_not_found(settings, httpserver, landing):
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/gone.csv").respond_with_data("", status=404)
    with pytest.raises(NotFound, match=r"GET http://localhost:\d+/gone.csv: HTTP 404"):
        landing.fetch(make_client(settings), httpserver.url_for("/gone.csv"), kind="file")


def test_size_cap_aborts_and_promotes_nothing(settings, site, httpserver, landing):
    site.put("/big.csv", b"x" * 200_000)
    with pytest.raises(FetchError, match="exceeds the size cap of 100000 bytes"):
        landing.fetch(make_client(settings, max_bytes=100_000), httpserver.url_for("/big.csv"), kind="file")
    assert not (landing.root / "objects").exists()
    assert not list(landing.tmp_dir.iterdir())


# -- broken responses from a raw socket server ------------------------------------------------
def _respond_robots_or(body_response: bytes):
    def respond(conn: socket.socket, request: bytes) -> None:
        if path_of(request) == "/robots.txt":
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        else:
            conn.sendall(body_response)

    return respond


@pytest.fixture
def raw_server():
    servers = []

    def start(respond):
        server = RawServer(respond)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def test_body_shorter_than_content_length_is_rejected_and_nothing_promoted(settings, landing, raw_server):
    server = raw_server(
        _respond_robots_or(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n" + b"a,b\n" * 10)
    )
    with pytest.raises(FetchError, match="gave up after 2 attempts; last: body incomplete"):
        landing.fetch(make_client(settings, max_attempts=2), server.url("/file.csv"), kind="file")
    assert not (landing.root / "objects").exists()
    assert not list(landing.tmp_dir.iterdir())
    assert not list(landing.entries())


def test_connection_reset_mid_body_is_retried_then_reported(settings, landing, raw_server):
    def respond(conn: socket.socket, request: bytes) -> None:
        if path_of(request) == "/robots.txt":
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 5000)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST on close

    server = raw_server(respond)
    with pytest.raises(FetchError, match="file.csv: gave up after 3 attempts"):
        landing.fetch(make_client(settings, max_attempts=3), server.url("/file.csv"), kind="file")
    assert not list(landing.entries())


def test_hanging_server_hits_the_read_timeout(settings, landing, raw_server):
    def respond(conn: socket.socket, request: bytes) -> None:
        if path_of(request) == "/robots.txt":
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        time.sleep(3)

    server = raw_server(respond)
    with pytest.raises(FetchError, match="ReadTimeout"):
        landing.fetch(make_client(settings, max_attempts=1, read_timeout_s=0.5), server.url("/file.csv"), kind="file")


def test_gzip_bomb_stops_at_the_cap(settings, landing, raw_server):
    bomb = gzip.compress(b"\0" * 50_000_000)  # 50 MB that packs into ~50 KB
    server = raw_server(
        _respond_robots_or(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(bomb)
            + bomb
        )
    )
    with pytest.raises(FetchError, match="exceeds the size cap of 1000000 bytes"):
        landing.fetch(make_client(settings, max_bytes=1_000_000), server.url("/file.csv"), kind="file")
    assert not (landing.root / "objects").exists()


def test_gzip_body_is_stored_decoded_and_checked_against_wire_length(settings, landing, raw_server):
    body = gzip.compress(b"a,b\n1,2\n" * 100)
    server = raw_server(
        _respond_robots_or(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
            + body
        )
    )
    entry = landing.fetch(make_client(settings), server.url("/file.csv"), kind="file")
    assert landing.object_path(entry).read_bytes() == b"a,b\n1,2\n" * 100


def test_rate_limit_spaces_requests_to_one_host(settings, site, httpserver, landing):
    site.put("/a.csv", "a\n")
    site.put("/b.csv", "b\n")
    now = [1000.0]  # a clock that moves only when the client sleeps: no timing in this test
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    from dataclasses import replace

    client = HttpClient(
        replace(settings.http, requests_per_second_per_host=2.0),
        "test",
        frozenset({"localhost"}),
        sleep=sleep,
        clock=lambda: now[0],
    )
    landing.fetch(client, httpserver.url_for("/a.csv"), kind="file")
    landing.fetch(client, httpserver.url_for("/b.csv"), kind="file")
    # robots.txt, a.csv and b.csv: each request after the first waits for its slot, 0.5 s apart.
    assert sleeps == [0.5, 0.5]


def test_a_body_over_the_cap_without_content_length_is_aborted(settings, landing, raw_server):
    def respond(conn: socket.socket, request: bytes) -> None:
        if path_of(request) == "/robots.txt":
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")  # no length: read until close
        for _ in range(400):
            conn.sendall(b"x" * 10_000)

    server = raw_server(respond)
    with pytest.raises(FetchError, match="exceeds the size cap of 500000 bytes"):
        landing.fetch(make_client(settings, max_bytes=500_000), server.url("/file.csv"), kind="file")
    assert not (landing.root / "objects").exists()
    assert not list(landing.tmp_dir.iterdir())

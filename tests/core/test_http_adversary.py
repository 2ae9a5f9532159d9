"""The shared HTTP client against a hostile or broken server (issue 16): a trickling body, redirects
to another port or carrying credentials, robots.txt groups for crossborder, decompression bombs,
and network failures named as such. Every server is local (127.0.0.1)."""

from __future__ import annotations

import gzip
import random
import socket
import threading
import time
from dataclasses import replace

import pytest

from crossborder.core.config import load_settings
from crossborder.core.http import FetchError, HttpClient, NetworkError, RefusedURL, masked_url
from crossborder.core.landing import LandingZone
from tests.rawserver import RawServer, path_of

NO_ROBOTS = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def make_client(settings, hosts=("localhost", "127.0.0.1"), source="test", **overrides) -> HttpClient:
    return HttpClient(replace(settings.http, **overrides), source, frozenset(hosts), sleep=lambda _: None)


@pytest.fixture
def landing(tmp_path):
    return LandingZone(tmp_path / "raw", "test")


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


def serve(routes: dict[str, bytes]):
    """A raw responder: robots.txt answers 404, each path its scripted bytes, anything else 404."""

    def respond(conn: socket.socket, request: bytes) -> None:
        conn.sendall(routes.get(path_of(request), NO_ROBOTS))

    return respond


def ok(body: bytes, headers: str = "") -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n{headers}Connection: close\r\n\r\n".encode("ascii") + body
    )


def redirect(location: str) -> bytes:
    return f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()


def nothing_landed(landing: LandingZone) -> bool:
    return not list(landing.entries()) and not (landing.tmp_dir.exists() and list(landing.tmp_dir.iterdir()))


# -- 1. a server trickling bytes ------------------------------------------------------------------
def test_a_trickling_server_is_cut_off_at_the_download_deadline(settings, landing, raw_server):
    def respond(conn: socket.socket, request: bytes) -> None:
        if path_of(request) == "/robots.txt":
            conn.sendall(NO_ROBOTS)
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n")
        for _ in range(100):  # one byte every 0.1 s: never idle long enough for the read timeout
            conn.sendall(b"x")
            time.sleep(0.1)

    server = raw_server(respond)
    # Deadline: 1 s grace + 1000 bytes at 1000 bytes/s = 2 s.
    client = make_client(settings, read_timeout_s=1.0, download_grace_s=1.0, min_download_bytes_per_s=1000.0)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"GET http://127.0.0.1:\d+/slow.csv: download not finished by its deadline"):
        landing.fetch(client, server.url("/slow.csv"), kind="file")
    assert time.monotonic() - started < 5
    assert nothing_landed(landing)  # the temp file is removed
    assert sum(1 for r in server.requests if path_of(r) == "/slow.csv") == 1  # not retried


def test_download_limits_are_configured_per_source_and_from_the_environment():
    settings = load_settings(
        {"CROSSBORDER_TIP_MIN_DOWNLOAD_BYTES_PER_S": "123", "CROSSBORDER_HTTP_DOWNLOAD_GRACE_S": "7"}
    )
    tip = settings.http.for_source("tip")
    assert (tip.min_download_bytes_per_s, tip.download_grace_s) == (123.0, 7.0)
    # What each source really needs, under the [http] ceiling.
    for name in ("cbp", "tip", "news", "statcan"):
        assert settings.http.for_source(name).max_bytes < settings.http.max_bytes
    assert load_settings({}).http.for_source("tip").max_bytes <= 16 * 1024 * 1024


# -- 2. redirects and credentials -----------------------------------------------------------------
def test_a_redirect_to_another_port_of_the_same_host_is_refused(settings, landing, raw_server):
    other = raw_server(serve({"/file.csv": ok(b"a\n1\n")}))
    first = raw_server(serve({"/file.csv": redirect(other.url("/file.csv"))}))
    with pytest.raises(RefusedURL, match=rf"redirect to http://127.0.0.1:{other.port}/file.csv is not followed"):
        landing.fetch(make_client(settings), first.url("/file.csv"), kind="file")
    assert other.requests == []


def test_redirects_within_the_origin_are_followed_but_not_from_https_to_http(settings, landing, raw_server):
    server = raw_server(serve({"/old.csv": redirect("/new.csv"), "/new.csv": ok(b"a\n1\n")}))
    entry = landing.fetch(make_client(settings), server.url("/old.csv"), kind="file")
    assert landing.object_path(entry).read_bytes() == b"a\n1\n"
    with pytest.raises(RefusedURL, match="redirect from https to http"):
        make_client(settings).check_redirect("https://localhost/a.csv", "http://localhost/a.csv")


def test_credentials_in_a_redirect_are_never_sent_nor_written(settings, tmp_path, landing, raw_server):
    routes = {"/data.csv": ok(b"a\n1\n")}
    server = raw_server(serve(routes))
    routes["/file.csv"] = redirect(f"http://user:secret@127.0.0.1:{server.port}/data.csv")
    with pytest.raises(RefusedURL, match="user information") as refused:
        landing.fetch(make_client(settings), server.url("/file.csv"), kind="file")
    assert "secret" not in str(refused.value) and "secret" not in refused.value.url
    assert f"user:***@127.0.0.1:{server.port}/data.csv" in str(refused.value)
    assert not any(b"authorization:" in r.lower() for r in server.requests)
    assert not any(path_of(r) == "/data.csv" for r in server.requests)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not any(b"secret" in p.read_bytes() for p in written)


def test_a_url_with_credentials_is_refused_before_any_request(settings, landing, raw_server):
    server = raw_server(serve({"/file.csv": ok(b"a\n")}))
    url = f"http://user:secret@127.0.0.1:{server.port}/file.csv"
    with pytest.raises(RefusedURL, match=r"GET http://user:\*\*\*@127.0.0.1:\d+/file.csv: URLs with user information"):
        landing.fetch(make_client(settings), url, kind="file")
    assert server.requests == []
    assert masked_url("https://token@example.org/x") == "https://***@example.org/x"


# -- 3. robots.txt groups for crossborder ---------------------------------------------------------
@pytest.mark.parametrize(
    "robots, allowed",
    [
        pytest.param("User-agent: crossborder\nDisallow: /\n", False, id="crossborder-group-only"),
        pytest.param("User-agent: *\nDisallow: /\n", False, id="star-group-only"),
        pytest.param("User-agent: *\nDisallow: /\n\nUser-agent: crossborder\nAllow: /\n", True, id="crossborder-wins"),
        pytest.param(
            "User-agent: crossborder\nDisallow: /data/\n\nUser-agent: *\nAllow: /\n", False, id="crossborder-stricter"
        ),
        pytest.param("User-agent: CrossBorder\nDisallow: /\n", False, id="token-case-insensitive"),
        pytest.param("User-agent: otherbot\nDisallow: /\n", True, id="another-robot's-group"),
    ],
)
def test_robots_groups_are_matched_on_the_crossborder_token(settings, httpserver, landing, robots, allowed):
    httpserver.expect_request("/robots.txt").respond_with_data(robots)
    httpserver.expect_request("/data/file.csv").respond_with_data("a\n1\n")
    url = httpserver.url_for("/data/file.csv")
    if allowed:
        assert landing.fetch(make_client(settings), url, kind="file").status == 200
    else:
        with pytest.raises(RefusedURL, match="disallowed by robots.txt"):
            landing.fetch(make_client(settings), url, kind="file")
        assert not any(r.path == "/data/file.csv" for r, _ in httpserver.log)


# -- 5. decompression bombs and per-source caps ---------------------------------------------------
def test_a_gzip_bomb_is_stopped_by_its_compression_ratio_long_before_the_cap(settings, landing, raw_server):
    bomb = gzip.compress(b"\0" * 50_000_000)  # 50 MB packed into ~50 KB
    server = raw_server(serve({"/file.csv": ok(bomb, "Content-Encoding: gzip\r\n")}))
    client = make_client(settings, compression_check_after_bytes=1_000_000)
    assert client.settings.max_bytes > 50_000_000  # the size cap alone would let it through
    with pytest.raises(FetchError, match=r"GET http://127.0.0.1:\d+/file.csv: body decompresses to more than 100"):
        landing.fetch(client, server.url("/file.csv"), kind="file")
    assert nothing_landed(landing)


def test_a_well_compressed_file_is_not_mistaken_for_a_bomb(settings, landing, raw_server):
    rows = random.Random(16)
    body = "".join(f"{rows.randint(0, 10**6)},{rows.choice('ABC')}\n" for _ in range(150_000)).encode()
    server = raw_server(serve({"/file.csv": ok(gzip.compress(body), "Content-Encoding: gzip\r\n")}))
    client = make_client(settings, compression_check_after_bytes=1_000_000)
    entry = landing.fetch(client, server.url("/file.csv"), kind="file")
    assert landing.object_path(entry).read_bytes() == body


def test_a_source_cap_applies_to_that_sources_downloads(monkeypatch, env, landing, raw_server):
    monkeypatch.setenv("CROSSBORDER_TIP_MAX_BYTES", "100000")
    settings = load_settings()
    server = raw_server(serve({"/page.html": ok(b"x" * 200_000)}))
    with pytest.raises(FetchError, match="exceeds the size cap of 100000 bytes"):
        landing.fetch(make_client(settings, source="tip"), server.url("/page.html"), kind="file")
    assert nothing_landed(landing)


# -- 6. network failures named as such ------------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_a_network_failure_naming_the_host(settings, landing):
    port = _closed_port()
    with pytest.raises(NetworkError, match=rf"network failure: connection refused by 127.0.0.1:{port}") as failed:
        landing.fetch(make_client(settings), f"http://127.0.0.1:{port}/file.csv", kind="file")
    assert "robots.txt could not be read" not in str(failed.value)


def test_dns_failure_is_a_network_failure_naming_the_host(settings, landing):
    with pytest.raises(NetworkError, match="network failure: DNS lookup of nowhere.invalid failed") as failed:
        landing.fetch(make_client(settings, hosts=("nowhere.invalid",)), "http://nowhere.invalid/file.csv", kind="file")
    assert "robots.txt could not be read" not in str(failed.value)


def test_tls_failure_is_a_network_failure_naming_the_host(settings, landing):
    """An https URL on a port that speaks plain HTTP: the handshake fails."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)
    port = listener.getsockname()[1]

    def answer_in_plain_http() -> None:  # once: the robots.txt request fails, and that ends the fetch
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    thread = threading.Thread(target=answer_in_plain_http, daemon=True)
    thread.start()
    try:
        with pytest.raises(NetworkError, match=rf"network failure: TLS error with 127.0.0.1:{port}"):
            landing.fetch(make_client(settings), f"https://127.0.0.1:{port}/file.csv", kind="file")
    finally:
        listener.close()
        thread.join(timeout=5)

"""The offline demo: a local HTTP server that plays the sources from demo/mirror (sample data)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from crossborder.core.config import ENV_PREFIX, GATE_THRESHOLDS, PROJECT_ROOT, Settings
from crossborder.core.errors import CrossborderError
from crossborder.core.files import SAMPLE_MARKER, atomic_write

MIRROR_DIR = PROJECT_ROOT / "demo" / "mirror"
# A fixed port keeps the demo's source URLs, and so the demo warehouse, the same from run to run.
PREFERRED_PORT = 8765
# Sources the mirror can play.
MIRRORED_SOURCES = ("cbp", "tip", "news", "statcan", "ohss")


class _MirrorHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the mirror; a path without an extension is served from its .html file, as a CMS would."""

    def translate_path(self, path: str) -> str:
        local = Path(super().translate_path(path))
        if not local.exists() and local.with_name(local.name + ".html").is_file():
            return str(local.with_name(local.name + ".html"))
        return str(local)

    def log_message(self, format: str, *args) -> None:
        pass  # the client reports what it fetched


class _MirrorServer(http.server.ThreadingHTTPServer):
    # Stopping never waits for a client that keeps its connection open.
    daemon_threads = True
    block_on_close = False


@contextmanager
def serve_mirror(directory: Path = MIRROR_DIR, port: int | None = None) -> Iterator[str]:
    """Serve directory on 127.0.0.1 for the duration of the block; yields the base URL.

    port None: PREFERRED_PORT, or any free port when that one is taken; an int: that port (0 = any)."""
    handler = functools.partial(_MirrorHandler, directory=str(directory))
    if port is not None:
        server = _MirrorServer(("127.0.0.1", port), handler)
    else:
        try:
            server = _MirrorServer(("127.0.0.1", PREFERRED_PORT), handler)
        except OSError:
            server = _MirrorServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="crossborder-demo-mirror", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def check_data_dir_kind(settings: Settings, demo: bool) -> None:
    """Refuse to mix the demo's sample data and live data in one data directory."""
    marker = settings.data_dir / SAMPLE_MARKER
    has_raw = settings.raw_dir.exists() and any(settings.raw_dir.iterdir())
    if demo and has_raw and not marker.exists():
        raise CrossborderError(
            f"{settings.data_dir} holds live data; the demo's sample data would mix with it. "
            f"Run the demo with another CROSSBORDER_DATA_DIR."
        )
    if not demo and marker.exists():
        raise CrossborderError(
            f"{settings.data_dir} holds the offline demo's sample data; live data would mix with it. "
            f"Remove it (make clean) or set CROSSBORDER_DATA_DIR to another folder."
        )
    if demo:
        atomic_write(marker, "This data directory was built by `crossborder run --demo` from SAMPLE DATA.\n")


def with_mirror(settings: Settings, base_url: str, sources: Iterable[str]) -> Settings:
    """Settings that fetch the given sources from a local mirror, without politeness delays."""
    patched = dict(settings.sources)
    for name in sources:
        source = settings.source(name)
        # The mirror stands in for every host of the source (TIP's archive host too), and the
        # source's [sources.NAME.demo_overrides] apply (e.g. the few editions the mirror holds).
        options = {key: (base_url if key.endswith("_base_url") else value) for key, value in source.options.items()}
        options.update(source.options.get("demo_overrides", {}))
        patched[name] = replace(source, base_url=base_url, options=options)
    return replace(settings, sources=patched, http=replace(settings.http, requests_per_second_per_host=0.0))


def mirror_environment(settings: Settings, base_url: str, sources: Iterable[str] = MIRRORED_SOURCES) -> dict[str, str]:
    """The environment variables that point a process (the Airflow DAGs) at a mirror serving at
    base_url: every source's base URLs, its demo_overrides (e.g. the TIP editions the mirror holds)
    and no politeness delay. `with_mirror` as environment, for processes that read settings from it."""
    mirrored = with_mirror(settings, base_url, sources)
    environ = {f"{ENV_PREFIX}HTTP_REQUESTS_PER_SECOND_PER_HOST": "0"}
    for name in sources:
        source = mirrored.source(name)
        prefix = f"{ENV_PREFIX}{name.upper()}_"
        environ[f"{prefix}BASE_URL"] = source.base_url
        changed = {key for key in source.options if key.endswith("_base_url")}
        changed |= set(settings.source(name).options.get("demo_overrides", {}))
        for key in sorted(changed - set(GATE_THRESHOLDS.get(name, {}))):  # thresholds follow the data dir's marker
            value = source.options[key]
            environ[f"{prefix}{key.upper()}"] = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    return environ

"""The offline demo: a local HTTP server that plays the sources from demo/mirror (sample data)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from crossborder.core.config import PROJECT_ROOT, Settings
from crossborder.core.errors import CrossborderError
from crossborder.core.files import SAMPLE_MARKER, atomic_write

MIRROR_DIR = PROJECT_ROOT / "demo" / "mirror"
# A fixed port keeps the demo's source URLs, and so the demo warehouse, the same from run to run.
PREFERRED_PORT = 8765
# Sources the mirror can play.
MIRRORED_SOURCES = ("cbp", "tip", "news", "statcan")


class _MirrorHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the mirror; a path without an extension is served from its .html file, as a CMS would."""

    def translate_path(self, path: str) -> str:
        local = Path(super().translate_path(path))
        if not local.exists() and local.with_name(local.name + ".html").is_file():
            return str(local.with_name(local.name + ".html"))
        return str(local)

    def log_message(self, format: str, *args) -> None:
        pass  # the client reports what it fetched


@contextmanager
def serve_mirror(directory: Path = MIRROR_DIR) -> Iterator[str]:
    """Serve directory on 127.0.0.1 for the duration of the block; yields the base URL."""
    handler = functools.partial(_MirrorHandler, directory=str(directory))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", PREFERRED_PORT), handler)
    except OSError:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
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

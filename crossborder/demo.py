"""The offline demo: a local HTTP server that plays the sources from demo/mirror (sample data)."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from crossborder.config import PROJECT_ROOT

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

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
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

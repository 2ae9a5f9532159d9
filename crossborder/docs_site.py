"""`crossborder docs`: the dbt docs site (every model and column described, lineage from the
sources' records files to the marts) as one self-contained HTML file, served locally or written.

`crossborder build` runs `dbt docs generate` into <data>/dbt/target (index.html, manifest.json,
catalog.json). This module inlines the manifest and catalog into index.html exactly as
`dbt docs generate --static` does, without running dbt again, so the site opens from disk
(file://), as an attachment, or from the tiny local server below.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError
from crossborder.core.files import atomic_write, share_with_group
from crossborder.core.progress import Progress

_MANIFEST_MARK = '"MANIFEST.JSON INLINE DATA"'
_CATALOG_MARK = '"CATALOG.JSON INLINE DATA"'


def _inline_json(path: Path) -> str:
    # `</` never appears in JSON outside strings, where `<\\/` means the same: the inlined JSON
    # cannot close the page's <script> element.
    return path.read_text(encoding="utf-8").replace("</", "<\\/")


def write_docs(settings: Settings, output: Path | None = None, progress: Progress | None = None) -> Path:
    """Write the static single-file docs site to output (default <data>/docs/dbt); returns index.html."""
    target_dir = settings.dbt_target_dir
    index, manifest, catalog = (target_dir / n for n in ("index.html", "manifest.json", "catalog.json"))
    missing = [p.name for p in (index, manifest, catalog) if not p.exists()]
    if missing:
        raise CrossborderError(
            f"no dbt docs in {target_dir} ({', '.join(missing)} missing): run `crossborder build` first"
        )
    page = index.read_text(encoding="utf-8")
    if _MANIFEST_MARK not in page or _CATALOG_MARK not in page:
        raise CrossborderError(f"{index} is not dbt's docs page (its inline-data markers are missing)")
    page = page.replace(_MANIFEST_MARK, _inline_json(manifest), 1).replace(_CATALOG_MARK, _inline_json(catalog), 1)
    folder = Path(output) if output else settings.dbt_docs_dir
    path = folder / "index.html"
    atomic_write(path, page)
    if output is None:
        share_with_group(folder, settings.data_dir)
    if progress:
        progress.say(f"    dbt docs site: {path} ({len(page) // 1024} KB, one file)")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def docs_server(folder: Path, host: str = "127.0.0.1", port: int = 8580) -> http.server.ThreadingHTTPServer:
    """An HTTP server for folder on host:port (port 0: any free port); call serve_forever()."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise CrossborderError(f"cannot serve the docs on {host}:{port}: {exc} (try --port 0)") from None


def serve_docs(settings: Settings, port: int, progress: Progress, stop: threading.Event | None = None) -> None:
    """Write the site and serve it on 127.0.0.1 until interrupted (or until stop is set)."""
    index = write_docs(settings, progress=progress)
    server = docs_server(index.parent, port=port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"dbt docs at {url} (also opens from disk: {index}); Ctrl-C stops", flush=True)
    thread = threading.Thread(target=server.serve_forever, name="crossborder-docs", daemon=True)
    thread.start()
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

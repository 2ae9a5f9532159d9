"""File helpers every layer uses: atomic writes, locks, permissions, hashes, the sample-data marker."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from crossborder.core.errors import CrossborderError

# A data directory holding this file was built from the offline demo's sample data.
SAMPLE_MARKER = "DEMO_DATA"
# How what is built from it says so (query exports and their notice on standard error).
SAMPLE_NOTICE = "SAMPLE DATA from crossborder's offline demo mirror: not real figures"
# The same for the quality gate's run name, which GX also makes a folder name of its Data Docs: no ':'
# or quote, so the folder can be copied to any file system.
SAMPLE_RUN_NAME = "SAMPLE DATA from the offline demo mirror (not real figures)"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_sample_data(data_dir: Path) -> bool:
    """Whether the data directory holds the demo's sample data (not live data)."""
    return (data_dir / SAMPLE_MARKER).exists()


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temp path beside `path` (not yet created) that is renamed onto `path` when the block
    succeeds and removed when it fails: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # the writer creates it (DuckDB's COPY refuses some existing files)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(
    path: Path, content: str | bytes | IO[bytes] | Callable[[IO[Any]], object], *, text: bool = False
) -> None:
    """Write `path` through a temp file in the same folder, fsync and an atomic rename.

    content: text (UTF-8), bytes, a binary stream to copy, or a function that writes to the
    open handle (binary, or text with `text=True`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    as_text = isinstance(content, str) or (text and callable(content))
    try:
        out: IO[Any] = os.fdopen(fd, "w", encoding="utf-8") if as_text else os.fdopen(fd, "wb")
        with out:
            if isinstance(content, (str, bytes)):
                out.write(content)
            elif callable(content):
                content(out)
            else:
                shutil.copyfileobj(content, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def file_lock(path: Path, what: str) -> Iterator[None]:
    """An exclusive lock; a second holder is refused at once with a message naming what holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with open(fd, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CrossborderError(
                f"another crossborder process is running {what} (lock {path}); wait for it to finish and retry"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def private_files() -> None:
    """Files this process creates are owner-only (umask 077): raw data, records, logs, work files.

    Only what is meant to be shared is opened to the group afterwards: the published warehouse
    and the reports (see share_with_group)."""
    os.umask(0o077)


def share_with_group(path: Path, data_dir: Path) -> None:
    """Open a published file or report folder to the owner's group (never to others), with the
    folders between it and the data directory traversable by the group."""
    if path.is_dir():
        for folder, _, files in os.walk(path):
            os.chmod(folder, 0o750)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o640)
    elif path.exists():
        os.chmod(path, 0o640)
    for parent in path.parents:
        if not parent.is_relative_to(data_dir):
            break
        os.chmod(parent, (parent.stat().st_mode & 0o777) | 0o050)

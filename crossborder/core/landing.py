"""The landing zone: immutable, content-addressed raw files and a manifest of every fetch.

Layout under <data>/raw/<source>/:
  objects/<sha256[:2]>/<sha256><suffix>   raw bytes as served, never changed once written
  manifest.jsonl                           one JSON line per fetch (URL, time, status, bytes, sha256, ...)
  records/<dataset>/<name>.jsonl.gz        parsed records, derived from raw (rebuildable offline)
  records/<dataset>/<name>.parquet         or, for a CSV source, its rows staged by DuckDB
  .tmp/                                    downloads in flight; promoted by an atomic rename
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crossborder.core.errors import CrossborderError
from crossborder.core.fetch_health import SAME_BODY_URLS, BlockedAnswer, block_page_title, looks_like_html, read_head
from crossborder.core.files import atomic_path, atomic_write, utc_now

if TYPE_CHECKING:  # the landing zone is read at DAG parse time, where requests is not imported
    from crossborder.core.http import Download, HttpClient


EMPTY_RECORDS = "_empty.jsonl.gz"
EMPTY_STAGED = "_empty.parquet"
# Records files: gzip NDJSON written from Python, or Parquet staged by DuckDB (extractors.csv_staging).
RECORDS_SUFFIXES = (".jsonl.gz", ".parquet")
_SHA256 = re.compile(r"^[0-9a-f]{64}")


class ObjectCorrupt(CrossborderError):
    """A raw object whose bytes no longer match the sha256 it is named by: nothing is derived from it."""


def file_sha256(path: Path) -> str:
    with path.open("rb") as data:
        return hashlib.file_digest(data, "sha256").hexdigest()


@dataclass(frozen=True)
class ManifestEntry:
    source: str
    url: str
    final_url: str
    kind: str  # "page" or "file"
    fetched_at: str
    status: int  # 200, or 304 (unchanged: sha256 names the content already held)
    bytes: int  # bytes downloaded by this fetch (0 for 304)
    sha256: str
    path: str  # object path relative to the source's landing directory
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    release_id: str | None = None


class LandingZone:
    def __init__(self, raw_dir: Path, source: str):
        self.source = source
        self.root = raw_dir / source
        self.manifest_path = self.root / "manifest.jsonl"
        self.tmp_dir = self.root / ".tmp"
        self._reset_latest()

    def remove_stale_downloads(self) -> int:
        """Delete temp files a killed process left behind (call only while holding the source's lock)."""
        removed = 0
        if self.tmp_dir.exists():
            for part in self.tmp_dir.glob(".download-*.part"):
                part.unlink(missing_ok=True)
                removed += 1
        return removed

    # -- manifest ---------------------------------------------------------------------------
    def entries(self) -> Iterator[ManifestEntry]:
        if not self.manifest_path.exists():
            return
        with self.manifest_path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    yield ManifestEntry(**json.loads(line))
                except (ValueError, TypeError) as exc:
                    raise CrossborderError(f"{self.manifest_path}:{number}: unreadable manifest line: {exc}") from None

    def latest_by_url(self, kind: str | None = None) -> dict[str, ManifestEntry]:
        """The newest fetch of every URL (whose content is held), in first-seen URL order.

        The manifest is append-only, so only the lines added since the last call are read: a
        source that lands thousands of pages (TIP) does not re-read the whole manifest per fetch.
        """
        self._catch_up()
        return dict(self._latest.get(kind, {}))

    def _reset_latest(self) -> None:
        self._latest: dict[str | None, dict[str, ManifestEntry]] = {}
        self._manifest_read: tuple[int | None, int, int] = (None, 0, 0)  # (inode, bytes read, lines read)

    def _catch_up(self) -> None:
        try:
            stat = self.manifest_path.stat()
        except FileNotFoundError:
            self._reset_latest()
            return
        inode, offset, line_number = self._manifest_read
        if inode != stat.st_ino or stat.st_size < offset:  # replaced or truncated: read it all again
            self._reset_latest()
            offset, line_number = 0, 0
        if stat.st_size == offset:
            return
        with self.manifest_path.open("rb") as manifest:
            manifest.seek(offset)
            data = manifest.read(stat.st_size - offset)
        complete = data[: data.rfind(b"\n") + 1]  # a line being appended right now is read next time
        for line in complete.decode("utf-8").splitlines():
            line_number += 1
            if not line.strip():
                continue
            try:
                entry = ManifestEntry(**json.loads(line))
            except (ValueError, TypeError) as exc:
                raise CrossborderError(f"{self.manifest_path}:{line_number}: unreadable manifest line: {exc}") from None
            self._latest.setdefault(None, {})[entry.url] = entry
            self._latest.setdefault(entry.kind, {})[entry.url] = entry
        self._manifest_read = (stat.st_ino, offset + len(complete), line_number)

    def _append(self, entry: ManifestEntry) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(entry), sort_keys=True) + "\n"
        fd = os.open(self.manifest_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with open(fd, "a", encoding="utf-8") as out:
            fcntl.flock(out, fcntl.LOCK_EX)  # extract steps of one source may run in parallel
            out.write(line)
            out.flush()
            os.fsync(out.fileno())

    # -- objects ----------------------------------------------------------------------------
    def object_path(self, entry: ManifestEntry) -> Path:
        return self.root / entry.path

    def object_files(self) -> list[Path]:
        """Every raw object held, by path."""
        return sorted(p for p in (self.root / "objects").glob("*/*") if p.is_file())

    def objects_named(self, sha256: str) -> list[Path]:
        """The raw objects named by sha256 (one per suffix it was landed with); none for another digest."""
        if not _SHA256.fullmatch(sha256):
            return []
        return sorted((self.root / "objects" / sha256[:2]).glob(f"{sha256}*"))

    def object_problem(self, path: Path) -> str | None:
        """What is wrong with a raw object (missing, unreadable, or bytes that no longer hash to
        the sha256 in its name), or None."""
        expected = _SHA256.match(path.name)
        if expected is None:
            return f"{self.source}: raw object {path} is not named by a sha256"
        try:
            actual = file_sha256(path)
        except FileNotFoundError:
            return f"{self.source}: raw object {path} is missing"
        except OSError as exc:
            return f"{self.source}: raw object {path} cannot be read: {exc}"
        if actual != expected[0]:
            return (
                f"{self.source}: raw object {path} does not match the sha256 it is named by "
                f"(its bytes hash to {actual}): changed or damaged after landing"
            )
        return None

    def verify_object(self, path: Path) -> Path:
        """path, after checking its bytes still hash to the sha256 it is named by (ObjectCorrupt otherwise)."""
        problem = self.object_problem(path)
        if problem:
            raise ObjectCorrupt(problem)
        return path

    def _promote(self, download: Download, suffix: str) -> str:
        assert download.path is not None and download.sha256 is not None
        relative = f"objects/{download.sha256[:2]}/{download.sha256}{suffix}"
        target = self.root / relative
        if target.exists():
            download.path.unlink(missing_ok=True)  # same bytes already held
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(download.path, 0o400)  # immutable, owner-only
            os.replace(download.path, target)
        return relative

    def _refuse_block_page(self, url: str, download: Download, suffix: str) -> None:
        """Raise BlockedAnswer when a 200 answer is a block page (its title, or the same HTML body as
        several other URLs' latest content), keeping its bytes under quarantine/blocked/ for
        inspection: it never reaches the manifest, so the URL's last good content stays in use."""
        assert download.path is not None
        head = read_head(download.path)
        title = block_page_title(head, download.content_type)
        if title is not None:
            reason = f"HTTP {download.status} block page {title!r}"
        elif looks_like_html(head, download.content_type):
            same = {e.url for e in self.latest_by_url().values() if e.sha256 == download.sha256 and e.url != url}
            if len(same) < SAME_BODY_URLS:
                return
            reason = f"HTTP {download.status} with the same {download.size}-byte page as {len(same)} other URLs"
        else:
            return
        kept = self.root / "quarantine" / "blocked" / f"{download.sha256}{suffix}"
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(download.path, kept)
        raise BlockedAnswer(self.source, url, f"{reason} (kept as {kept})", download.status)

    def fetch(
        self, client: HttpClient, url: str, *, kind: str, suffix: str = "", release_id: str | None = None
    ) -> ManifestEntry:
        """GET url (conditionally, when its content is already held), land it, record the fetch."""
        previous = self.latest_by_url().get(url)
        held = previous if previous is not None and self.object_path(previous).exists() else None
        download = client.download(
            url,
            self.tmp_dir,
            etag=held.etag if held else None,
            last_modified=held.last_modified if held else None,
        )
        fetch = {
            "source": self.source,
            "url": url,
            "final_url": download.final_url,
            "kind": kind,
            "fetched_at": utc_now(),
        }
        if download.status == 304:
            assert previous is not None
            # Unchanged: the content (and its validators) are the ones already held.
            entry = ManifestEntry(
                **fetch,
                status=304,
                bytes=0,
                sha256=previous.sha256,
                path=previous.path,
                etag=previous.etag,
                last_modified=previous.last_modified,
                content_type=previous.content_type,
                release_id=release_id or previous.release_id,
            )
        else:
            self._refuse_block_page(url, download, suffix)
            entry = ManifestEntry(
                **fetch,
                status=download.status,
                bytes=download.size,
                sha256=download.sha256 or "",
                path=self._promote(download, suffix),
                etag=download.etag,
                last_modified=download.last_modified,
                content_type=download.content_type,
                release_id=release_id,
            )
        self._append(entry)
        return entry

    # -- parsed records ------------------------------------------------------------------------
    def records_path(self, dataset: str, name: str, suffix: str = ".jsonl.gz") -> Path:
        return self.root / "records" / dataset / f"{name}{suffix}"

    def remove_records(self, dataset: str, name: str) -> None:
        for suffix in RECORDS_SUFFIXES:
            self.records_path(dataset, name, suffix).unlink(missing_ok=True)

    def write_staged(self, dataset: str, name: str, write: Callable[[Path], int]) -> int:
        """Write a Parquet records file through write(path) (atomically); returns its count."""
        with atomic_path(self.records_path(dataset, name, ".parquet")) as path:
            count = write(path)
        self.records_path(dataset, name).unlink(missing_ok=True)  # the same records in the older form
        return count

    def write_records(self, dataset: str, name: str, records: Iterable[dict]) -> int:
        """Write records as gzip NDJSON (atomically); returns the count."""
        path = self.records_path(dataset, name)
        count = 0

        def write(out: Any) -> None:
            nonlocal count
            # mtime=0 keeps the bytes identical for identical records.
            with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
                for record in records:
                    gz.write((json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
                    count += 1

        atomic_write(path, write)
        return count

    def write_meta(self, dataset: str, name: str, meta: dict) -> None:
        """What a records file was derived from; written after the records, so a crash between means a re-parse."""
        atomic_write(
            self.meta_path(dataset, name), lambda out: out.write(json.dumps(meta, sort_keys=True, indent=1)), text=True
        )

    def ensure_records_folder(self, dataset: str, write_empty_staged: Callable[[Path], None] | None = None) -> bool:
        """Make sure dbt's glob over a records folder matches a file; True if real records exist.

        A source never extracted gets an empty `_empty.jsonl.gz`, so its models build empty
        instead of failing on "no files found"; a dataset staged as Parquet gets `_empty.parquet`
        from write_empty_staged (rewritten when the declared columns change: it carries them).
        """
        folder = self.root / "records" / dataset
        folder.mkdir(parents=True, exist_ok=True)
        if write_empty_staged is None:
            placeholder = folder / EMPTY_RECORDS
            if not placeholder.exists():
                atomic_write(placeholder, lambda out: out.write(gzip.compress(b"", mtime=0)))
        else:
            placeholder, fresh = folder / EMPTY_STAGED, folder / f".{EMPTY_STAGED}.new"
            fresh.unlink(missing_ok=True)
            try:
                write_empty_staged(fresh)
                if not (placeholder.exists() and placeholder.read_bytes() == fresh.read_bytes()):
                    os.replace(fresh, placeholder)
            finally:
                fresh.unlink(missing_ok=True)
        return any(
            p.name.endswith(RECORDS_SUFFIXES) and p.name not in (EMPTY_RECORDS, EMPTY_STAGED) for p in folder.iterdir()
        )

    def meta_path(self, dataset: str, name: str) -> Path:
        return self.root / "records" / dataset / f"{name}.meta.json"

    def read_meta(self, dataset: str, name: str) -> dict | None:
        try:
            return json.loads(self.meta_path(dataset, name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def write_rejects(self, dataset: str, name: str, rejects: list[dict]) -> Path | None:
        """Rows a parser could not read, kept beside the records so none is dropped silently."""
        path = self.root / "records" / dataset / f"{name}.rejected.jsonl"
        if not rejects:
            path.unlink(missing_ok=True)
            return None
        atomic_write(path, lambda out: out.writelines(json.dumps(r, sort_keys=True) + "\n" for r in rejects), text=True)
        return path

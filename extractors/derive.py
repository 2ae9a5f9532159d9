"""Deriving records files from landed raw files: derive_if_changed (which owns the records'
meta), the parse log a parser reports into, when each content was first landed, and the
quarantine: inputs that cannot be read, set aside with the reason, with the last good content of
their URL kept in use (last_good_content) so that earlier good data stays."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, NamedTuple, TypeVar

from crossborder.core.files import atomic_write, utc_now
from crossborder.core.landing import LandingZone, ManifestEntry
from extractors.base import ExtractContext, ExtractReport
from extractors.schema import check_fields, checked, record_columns
from extractors.staged import staged_fields, write_empty


@dataclass
class ParseLog:
    """What a parse reports beside its records: what it rejected, and facts for the records' meta.

    A parser appends to `rejects` while its records are read; `meta()` is read after them."""

    rejects: list[dict[str, Any]] = field(default_factory=list)
    # Why the whole input was set aside (e.g. a feed that is not XML): it gives no records, and
    # the reason is kept among the rejects; it is not parsed again until it or the parser changes.
    set_aside: str | None = None
    unit: ClassVar[str] = "rows"  # what one reject is, in messages

    def meta(self) -> dict[str, Any]:
        """Facts about the parse kept in the records' meta."""
        return {}


@dataclass(frozen=True)
class StagedWriter:
    """Records a parse writes itself, as a Parquet file (extractors.csv_staging): write(path)
    writes them there and returns their count."""

    write: Callable[[Path], int]


class Derived(NamedTuple):
    """What derive_if_changed did with one input."""

    meta: dict[str, Any] | None  # the records' meta, as held or as just written; None when the input failed
    written: bool  # whether the records were (re)written this time


def derive_if_changed(
    ctx: ExtractContext,
    report: ExtractReport,
    *,
    dataset: str,
    name: str,
    inputs_sha256: str,
    parser_version: int | str,
    parse: Callable[[], Mapping[str, Iterable[dict[str, Any]] | StagedWriter]],
    log: ParseLog,
    label: str,
    about: Mapping[str, Any] | None = None,
    errors: tuple[type[Exception], ...] = (),
    raw_objects: Iterable[Path] | None = None,
) -> Derived:
    """(Re)derive the records files `name` of one input, unless its meta says they were derived
    from these inputs by this parser version.

    parse() gives dataset -> records (read lazily, while written: a parse may stream), or a
    StagedWriter that writes them as Parquet without Python seeing a row; the
    meta and the rejects go beside `dataset`'s file. Every record is checked against the
    declared record schema (extractors.schema). Records files are replaced atomically, so when
    the parse raises one of `errors` (or OSError) the records held stay as they were and the
    input is a failure in the report, named by label. Otherwise the records are counted into
    the report, the rejects written beside them (and their first one said), then the meta:
    `inputs_sha256`, `parser_version`, `about` (what the records derive from), the counts and
    the log's facts. The meta is written last, so a crash before it means a re-parse.

    Before parsing, every raw object the records derive from (raw_objects; by default the ones
    named by inputs_sha256) must still hash to the sha256 it is named by: otherwise the input is a
    failure naming the file, and the records held stay.
    """
    landing = ctx.landing
    held = landing.read_meta(dataset, name)
    if held and held.get("inputs_sha256") == inputs_sha256 and held.get("parser_version") == parser_version:
        return Derived(held, written=False)
    for path in landing.objects_named(inputs_sha256) if raw_objects is None else raw_objects:
        problem = landing.object_problem(path)
        if problem:
            report.failures.append(f"{problem}; {label}: no records derived from it (the records held stay)")
            return Derived(None, written=False)
    counts: dict[str, int] = {}
    try:
        for records_dataset, records in parse().items():
            if isinstance(records, StagedWriter):
                write = partial(_checked_staging, landing.source, records_dataset, records)
                counts[records_dataset] = landing.write_staged(records_dataset, name, write)
                # a staged folder is read with its placeholder, which gives the union every column
                declared = record_columns(landing.source, records_dataset)
                landing.ensure_records_folder(records_dataset, partial(write_empty, declared=declared))
            else:
                counts[records_dataset] = landing.write_records(
                    records_dataset, name, checked(landing.source, records_dataset, records)
                )
    except errors as exc:
        report.failures.append(str(exc))
        return Derived(None, written=False)
    except OSError as exc:
        report.failures.append(f"{landing.source}: {label}: records not derived: {exc}")
        return Derived(None, written=False)
    if log.set_aside:
        for records_dataset in {dataset, *counts}:
            landing.remove_records(records_dataset, name)
        counts = {}
    rejects_path = landing.write_rejects(dataset, name, log.rejects)
    meta = {
        "inputs_sha256": inputs_sha256,
        "parser_version": parser_version,
        **(about or {}),
        "records": counts,
        "rejected": len(log.rejects),
        **log.meta(),
    }
    if log.set_aside:
        meta["set_aside"] = log.set_aside
    for records_dataset, count in counts.items():
        report.records[records_dataset] = report.records.get(records_dataset, 0) + count
    report.rejected_rows += len(log.rejects)
    if log.rejects and not log.set_aside:
        first = log.rejects[0]
        where = f"line {first['line']}: " if "line" in first else ""
        ctx.progress.say(
            f"    {label}: {len(log.rejects)} {log.unit} rejected (first: {where}{first['reason']}); "
            f"listed in {rejects_path}"
        )
    landing.write_meta(dataset, name, meta)
    return Derived(meta, written=True)


def _checked_staging(source: str, dataset: str, staged: StagedWriter, path: Path) -> int:
    """Write staged records to path, then hold their columns to the declaration (RecordShapeError)."""
    count = staged.write(path)
    check_fields(source, dataset, staged_fields(path))
    return count


def first_landings(landing: LandingZone, kinds: Collection[str] | None = None) -> dict[str, list[ManifestEntry]]:
    """sha256 -> the first landing (status 200) of each URL that delivered that content, oldest first.

    When a content was first landed is stable across re-runs, unlike its latest check (a 304)."""
    found: dict[str, dict[str, ManifestEntry]] = {}
    for entry in landing.entries():
        if entry.status == 200 and entry.sha256 and (kinds is None or entry.kind in kinds):
            found.setdefault(entry.sha256, {}).setdefault(entry.url, entry)
    return {sha: list(by_url.values()) for sha, by_url in found.items()}


T = TypeVar("T")


def last_good_content(
    landing: LandingZone,
    entry: ManifestEntry,
    read: Callable[[Path], T],
    unreadable: tuple[type[Exception], ...],
) -> tuple[ManifestEntry, T] | None:
    """The newest earlier content of entry's URL that can still be read: (its first landing, what
    read(raw path) made of it), or None when no earlier content is held, intact and readable.

    What an input that stops parsing falls back on, so that its earlier good data stays in use
    instead of vanishing from the warehouse. A content whose bytes no longer match its sha256 is
    never read."""
    earlier: dict[str, ManifestEntry] = {}
    for landed in landing.entries():
        if landed.url == entry.url and landed.status == 200 and landed.sha256 and landed.sha256 != entry.sha256:
            earlier.setdefault(landed.sha256, landed)
    for candidate in sorted(earlier.values(), key=lambda e: e.fetched_at, reverse=True):
        path = landing.object_path(candidate)
        if landing.object_problem(path):
            continue
        try:
            return candidate, read(path)
        except unreadable:
            continue
    return None


def quarantine_item(
    landing: LandingZone, url: str, entry: ManifestEntry, reason: str, kept: ManifestEntry | None, **about: Any
) -> dict[str, Any]:
    """One quarantined input: its URL, the raw file that could not be read and why, and the earlier
    content kept in use in its place (None: the input gives no records)."""
    item = {
        "url": url,
        **about,
        "reason": reason,
        "raw_sha256": entry.sha256,
        "raw_path": str(landing.object_path(entry)),
        "quarantined_at": utc_now(),
    }
    if kept is not None:
        item |= {
            "kept_raw_sha256": kept.sha256,
            "kept_raw_path": str(landing.object_path(kept)),
            "kept_fetched_at": kept.fetched_at,
        }
    return item


def quarantine_path(landing: LandingZone, name: str) -> Path:
    return landing.root / "quarantine" / f"{name}.jsonl"


def write_quarantine(landing: LandingZone, name: str, items: list[dict[str, Any]]) -> None:
    """Replace the quarantine list `name` (removed when empty)."""
    path = quarantine_path(landing, name)
    if not items:
        path.unlink(missing_ok=True)
        return
    atomic_write(path, lambda out: out.writelines(json.dumps(i, sort_keys=True) + "\n" for i in items), text=True)


def quarantined(landing: LandingZone) -> list[dict[str, Any]]:
    """Every input of the source in quarantine (raw/<source>/quarantine/*.jsonl)."""
    items = []
    for path in sorted((landing.root / "quarantine").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict):
                items.append(item)
    return items


def kept_in_use(landing: LandingZone) -> list[dict[str, Any]]:
    """The quarantined inputs that read before and stopped: their last good content is in use, and
    the run fails (after publishing) naming them until they read again."""
    return [item for item in quarantined(landing) if item.get("kept_raw_sha256")]

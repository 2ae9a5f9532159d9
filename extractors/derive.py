"""Deriving records files from landed raw files: derive_if_changed (which owns the records'
meta), the parse log a parser reports into, and when each content was first landed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from crossborder.core.landing import LandingZone, ManifestEntry
from extractors.base import ExtractContext, ExtractReport
from extractors.schema import checked


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
    parse: Callable[[], Mapping[str, Iterable[dict[str, Any]]]],
    log: ParseLog,
    label: str,
    about: Mapping[str, Any] | None = None,
    errors: tuple[type[Exception], ...] = (),
) -> Derived:
    """(Re)derive the records files `name` of one input, unless its meta says they were derived
    from these inputs by this parser version.

    parse() gives dataset -> records (read lazily, while written: a parse may stream); the
    meta and the rejects go beside `dataset`'s file. Every record is checked against the
    declared record schema (extractors.schema). Records files are replaced atomically, so when
    the parse raises one of `errors` (or OSError) the records held stay as they were and the
    input is a failure in the report, named by label. Otherwise the records are counted into
    the report, the rejects written beside them (and their first one said), then the meta:
    `inputs_sha256`, `parser_version`, `about` (what the records derive from), the counts and
    the log's facts. The meta is written last, so a crash before it means a re-parse.
    """
    landing = ctx.landing
    held = landing.read_meta(dataset, name)
    if held and held.get("inputs_sha256") == inputs_sha256 and held.get("parser_version") == parser_version:
        return Derived(held, written=False)
    counts: dict[str, int] = {}
    try:
        for records_dataset, records in parse().items():
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
            landing.records_path(records_dataset, name).unlink(missing_ok=True)
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


def first_landings(landing: LandingZone, kinds: Collection[str] | None = None) -> dict[str, list[ManifestEntry]]:
    """sha256 -> the first landing (status 200) of each URL that delivered that content, oldest first.

    When a content was first landed is stable across re-runs, unlike its latest check (a 304)."""
    found: dict[str, dict[str, ManifestEntry]] = {}
    for entry in landing.entries():
        if entry.status == 200 and entry.sha256 and (kinds is None or entry.kind in kinds):
            found.setdefault(entry.sha256, {}).setdefault(entry.url, entry)
    return {sha: list(by_url.values()) for sha, by_url in found.items()}

"""Deriving TIP's records: per edition, the three records files of its country pages, re-derived
when any page of the edition, its index or the parser changed. Pages that cannot be read are
quarantined (`quarantine/<year>.jsonl`, with the reason), not guessed; a page that read before
keeps its last good content in use (extractors.derive.last_good_content), and the run then fails
after publishing, naming it. Mapping country names to ISO codes is dbt's job (int_country__aliases)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crossborder.core.errors import CrossborderError
from crossborder.core.landing import ManifestEntry
from extractors.base import ExtractContext, ExtractReport
from extractors.derive import (
    ParseLog,
    derive_if_changed,
    first_landings,
    last_good_content,
    quarantine_item,
    write_quarantine,
)
from extractors.tip.discover import discover_country_pages
from extractors.tip.fetch import not_found_log
from extractors.tip.parse import PageUnreadable, page_records, parse_html
from extractors.tip.schema import DATASETS, PARSER_VERSION
from extractors.tip.urls import locate


class EditionUnreadable(CrossborderError):
    """Too many of an edition's pages cannot be read (or answer 404): the site has changed."""


@dataclass
class EditionLog(ParseLog):
    """The pages of an edition that could not be read, each with the reason."""

    quarantine: list[dict[str, Any]] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        return {
            "quarantined": len(self.quarantine),
            "kept_last_good": sum(1 for item in self.quarantine if item.get("kept_raw_sha256")),
        }


@dataclass(frozen=True)
class Edition:
    """One edition as landed: where its index was served from, its country pages and their state."""

    year: int
    where: dict[str, Any]  # locate() of the index URL
    index: ManifestEntry
    pages: list[str]  # every country page the index links to
    held: dict[str, ManifestEntry]  # page URL -> its landed copy
    not_evaluated: list[str]  # pages answering 404

    def inputs_sha256(self) -> str:
        """A digest of everything the edition's records derive from."""
        inputs = {
            "index": self.index.sha256,
            "pages": {url: entry.sha256 for url, entry in sorted(self.held.items())},
            "not_evaluated": sorted(self.not_evaluated),
        }
        return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _read_page(raw: Path) -> Any:
    return parse_html(raw.read_bytes())


def _editions_landed(
    ctx: ExtractContext, latest: dict[str, ManifestEntry], missing: dict[str, str]
) -> dict[int, tuple[dict[str, Any], ManifestEntry]]:
    """Per edition, the index page fetched most recently (whichever host served it, unless it now answers 404)."""
    editions: dict[int, tuple[dict[str, Any], ManifestEntry]] = {}
    for url, entry in latest.items():
        where = locate(ctx.source, url)
        if where is None or where["page"] is not None or not ctx.landing.object_path(entry).exists():
            continue
        if missing.get(url, "") > entry.fetched_at:
            continue
        current = editions.get(where["year"])
        if current is None or entry.fetched_at >= current[1].fetched_at:
            editions[where["year"]] = (where, entry)
    return editions


def _parse_edition(
    ctx: ExtractContext, edition: Edition, first_landed: dict[str, str], log: EditionLog
) -> dict[str, list[dict[str, Any]]]:
    """The records of an edition's readable pages, by dataset; unreadable pages go to the quarantine.

    A few 404s (countries not evaluated) and unreadable pages are normal; more than
    max_failed_page_share of them means the site has changed, and an edition read from what is
    left would be wrong: EditionUnreadable, before anything is written."""
    index = edition.where["index_url"]
    provenance = {
        "report_year": edition.year,
        "report_slug": edition.where["slug"],
        "index_url": index,
        "served_by": edition.where["role"],
        "source_host": urlsplit(index).hostname,
    }
    rows: dict[str, list[dict[str, Any]]] = {dataset: [] for dataset in DATASETS}
    for page, entry in edition.held.items():
        try:
            narrative = _read_page(ctx.landing.object_path(entry))
        except PageUnreadable as exc:
            # A page that read before keeps its last good content in use: its placement stays.
            kept = last_good_content(ctx.landing, entry, _read_page, (PageUnreadable,))
            log.quarantine.append(
                quarantine_item(ctx.landing, page, entry, str(exc), kept[0] if kept else None, report_year=edition.year)
            )
            if kept is None:
                continue
            entry, narrative = kept
        records = page_records(
            narrative,
            edition=provenance,
            page_url=page,
            page_slug=page[len(index) :].strip("/"),
            raw_sha256=entry.sha256,
            fetched_at=first_landed.get(entry.sha256, entry.fetched_at),
        )
        for dataset, page_rows in records.items():
            rows[dataset].extend(page_rows)

    quarantined, not_evaluated, pages = log.quarantine, edition.not_evaluated, edition.pages
    if len(quarantined) + len(not_evaluated) > float(ctx.source.option("max_failed_page_share")) * len(pages):
        first = (
            f"first unreadable: {quarantined[0]['url']}: {quarantined[0]['reason']}"
            if quarantined
            else f"first: {not_evaluated[0]}"
        )
        raise EditionUnreadable(
            f"tip: edition {edition.year}: {len(quarantined)} of {len(pages)} country pages have no readable heading "
            f"and tier and {len(not_evaluated)} answer 404 ({first}); has the site changed? "
            f"Records of this edition are left as they were"
        )
    write_quarantine(ctx.landing, str(edition.year), quarantined)
    for item in quarantined:
        kept_note = (
            f" (its last good copy, landed {item['kept_fetched_at']}, stays in use)"
            if "kept_fetched_at" in item
            else ""
        )
        ctx.progress.say(f"    QUARANTINED {item['url']}: {item['reason']}{kept_note}")
    return rows


def refresh_records(ctx: ExtractContext, report: ExtractReport) -> None:
    """(Re)derive the records of every landed edition whose pages or parser changed. Offline.

    An edition with pages not landed yet, or where more than max_failed_page_share of the pages
    cannot be read, is a failure: its records are left as they were.
    """
    latest = ctx.landing.latest_by_url()
    missing = not_found_log(ctx)
    first_landed = {sha: entries[0].fetched_at for sha, entries in first_landings(ctx.landing).items()}

    for year, (where, index_entry) in sorted(_editions_landed(ctx, latest, missing).items()):
        index = where["index_url"]
        pages = discover_country_pages(ctx.landing.object_path(index_entry).read_bytes(), index, ctx.source)
        held: dict[str, ManifestEntry] = {}
        not_evaluated, not_landed = [], []
        for page in pages:
            entry = latest.get(page)
            gone_at = missing.get(page)
            if gone_at and (entry is None or gone_at > entry.fetched_at):
                not_evaluated.append(page)
            elif entry and ctx.landing.object_path(entry).exists():
                held[page] = entry
            else:
                not_landed.append(page)
        if not_landed:
            report.failures.append(
                f"tip: edition {year}: {len(not_landed)} of {len(pages)} country pages not landed yet "
                f"(first: {not_landed[0]}); run `crossborder extract --source tip` again to resume"
            )
            continue
        edition = Edition(year, where, index_entry, pages, held, not_evaluated)
        log = EditionLog()
        result = derive_if_changed(
            ctx,
            report,
            dataset=DATASETS[0],
            name=str(year),
            inputs_sha256=edition.inputs_sha256(),
            parser_version=PARSER_VERSION,
            parse=partial(_parse_edition, ctx, edition, first_landed, log),
            log=log,
            label=f"edition {year}",
            about={
                "index_url": index,
                "served_by": where["role"],
                "pages": len(pages),
                "not_evaluated": len(not_evaluated),
            },
            errors=(EditionUnreadable,),
            raw_objects=[ctx.landing.object_path(e) for e in (index_entry, *held.values())],
        )
        if result.meta:  # the pages quarantined stay quarantined until the edition changes
            report.quarantined += result.meta.get("quarantined", 0)
            report.kept_last_good += result.meta.get("kept_last_good", 0)

"""Statistics Canada: police-reported trafficking in persons (table 35-10-0177-01).

Table 35-10-0177-01 (Uniform Crime Reporting survey, incident-based crime statistics by detailed
violation, Canada, provinces, territories, census metropolitan areas and the Canadian Forces
Military Police) comes from the Web Data Service (WDS) as a full-table CSV in a zip:

1. plan: GET {base_url}/t1/wds/rest/getFullTableDownloadCSV/35100177/en, a small JSON answer
   `{"status": "SUCCESS", "object": "<zip URL>"}` (landed, kind "page"); the zip URL is the one
   work item. When base_url is a mirror and the answer names an official host, the zip URL is
   rewritten onto the mirror (same path), so a mirror never sends the client to the real site.
2. fetch: land the zip (kind "file"; conditional GET, size cap, streamed to disk by HttpClient).
3. refresh_records: stream the zip's `35100177.csv` member row by row (zipfile + csv reader, memory
   flat whatever the table's size) and keep the rows of the trafficking-related violations
   (`is_trafficking_violation`), every geography and statistic, status and symbol as published.

Why the full-table download and not the vector API: see docs/statcan.md.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from crossborder.core.errors import CrossborderError
from crossborder.core.http import FetchError
from extractors.base import ExtractContext, ExtractReport, extract_all

DATASETS = ("incidents",)
# Records are parsed into this folder (not read by dbt) and renamed into records/incidents/.
STAGING = ".staging"
PARSER_VERSION = 1

# CSV header of a WDS full-table download, mapped to record field names.
COLUMNS = {
    "REF_DATE": "ref_date",
    "GEO": "geography",
    "DGUID": "dguid",
    "Violations": "violation",
    "Statistics": "statistic",
    "UOM": "uom",
    "UOM_ID": "uom_id",
    "SCALAR_FACTOR": "scalar_factor",
    "SCALAR_ID": "scalar_id",
    "VECTOR": "vector",
    "COORDINATE": "coordinate",
    "VALUE": "value",
    "STATUS": "status",
    "SYMBOL": "symbol",
    "TERMINATED": "terminated",
    "DECIMALS": "decimals",
}
REQUIRED = tuple(COLUMNS)

_CODE = re.compile(r"^(?P<name>.*?)\s*\[(?P<code>[^\[\]]+)\]\s*$")
_YEAR = re.compile(r"^(?P<year>\d{4})(?:-\d{2}(?:-\d{2})?)?$")
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml)", re.IGNORECASE)

# The trafficking-related violations (docs/statcan.md): trafficking in persons under the Criminal
# Code (s. 279.01 to 279.04: trafficking, of persons under 18, material benefit, withholding or
# destroying documents) and human trafficking under the Immigration and Refugee Protection Act
# (s. 118). Drug, firearm and other "trafficking" is not trafficking in persons and is left out.
_PERSONS = re.compile(
    r"trafficking in persons|human trafficking|trafficking of persons|traite des personnes", re.IGNORECASE
)
_ANCILLARY = re.compile(r"material benefit|withhold|destroy|document", re.IGNORECASE)
_TRAFFICKING = re.compile(r"trafficking", re.IGNORECASE)
_NOT_PERSONS = re.compile(
    r"drug|cannabis|cocaine|heroin|methamphetamine|ecstasy|opioid|substance|firearm|weapon|"
    r"property|stolen|tobacco",
    re.IGNORECASE,
)


class SchemaError(CrossborderError):
    """A StatCan file that is not the table this parser knows."""


def split_code(label: str) -> tuple[str, str | None]:
    """`Alberta [48]` -> (`Alberta`, `48`); `Canada` -> (`Canada`, None)."""
    match = _CODE.match(label)
    if not match:
        return label.strip(), None
    return match["name"].strip(), match["code"].strip()


def is_trafficking_violation(violation: str) -> bool:
    """Whether a violation of table 35-10-0177-01 is trafficking in persons (or ancillary to it)."""
    name, _code = split_code(violation)
    if _NOT_PERSONS.search(name):
        return False
    if _PERSONS.search(name):
        return True
    return bool(_TRAFFICKING.search(name) and _ANCILLARY.search(name))


def zip_url_from_wds(body: bytes, wds_url: str) -> str:
    """The zip URL a getFullTableDownloadCSV answer names (pure). Raises naming the URL."""
    try:
        answer = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        head = body[:80].decode("utf-8", errors="replace")
        raise SchemaError(f"statcan: {wds_url}: the answer is not JSON ({exc}); it starts {head!r}") from None
    if not isinstance(answer, dict) or answer.get("status") != "SUCCESS" or not isinstance(answer.get("object"), str):
        raise SchemaError(
            f"statcan: {wds_url}: the answer is not a successful WDS reply with a zip URL: {str(answer)[:200]}"
        )
    url = answer["object"].strip()
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).path.lower().endswith(".zip"):
        raise SchemaError(f"statcan: {wds_url}: the WDS reply names {url!r}, not an http(s) URL of a .zip file")
    return url


def onto_base_url(url: str, base_url: str, official_hosts: tuple[str, ...]) -> str:
    """url unchanged, or, when it is on an official host and base_url is another host (a
    mirror), the same path on base_url: a mirror's WDS answer written for the real site still
    leads to the mirror."""
    parts, base = urlsplit(url), urlsplit(base_url)
    official = {h.lower() for h in official_hosts}
    if (parts.hostname or "").lower() in official and (base.hostname or "").lower() not in official:
        prefix = base.path.rstrip("/")
        return urlunsplit((base.scheme, base.netloc, prefix + parts.path, parts.query, ""))
    return url


# -- parsing -------------------------------------------------------------------------------------
@dataclass
class ParseStats:
    rows: int = 0  # rows read (every violation)
    kept: int = 0
    rejects: list[dict] = field(default_factory=list)
    violations_kept: set[str] = field(default_factory=set)

    def reject(self, line: int, reason: str, row: list[str]) -> None:
        self.rejects.append({"line": line, "reason": reason, "row": row})


def parse_table_csv(
    stream: IO[bytes], *, table_id: str, source_url: str, raw_sha256: str, stats: ParseStats, name: str = ""
) -> Iterator[dict]:
    """Records of the trafficking violations of one full-table CSV (pure: a byte stream in,
    records out, one row in memory at a time). Unreadable rows of kept violations go to stats.rejects."""
    name = name or source_url
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise SchemaError(f"statcan: {name}: the CSV is empty (no header row)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise SchemaError(f"statcan: {name}: unreadable header: {exc}") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SchemaError(f"statcan: {name}: header lacks columns {missing} (found {header[:20]})")
    index = {COLUMNS[c]: header.index(c) for c in REQUIRED}
    violation_at = index["violation"]
    decided: dict[str, bool] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            stats.reject(reader.line_num, f"malformed CSV: {exc}", [])
            break
        except UnicodeDecodeError as exc:
            raise SchemaError(f"statcan: {name}: not valid UTF-8 after line {reader.line_num}: {exc}") from None
        if not row or all(not cell.strip() for cell in row):
            continue
        stats.rows += 1
        line = reader.line_num
        if len(row) != len(header):
            # Keep the row's trouble only if it may be a trafficking row (it names one).
            if any(is_trafficking_violation(cell) for cell in row if "traffick" in cell.lower()):
                stats.reject(line, f"expected {len(header)} fields, found {len(row)}", row)
            continue
        violation = row[violation_at].strip()
        keep = decided.get(violation)
        if keep is None:
            keep = decided[violation] = is_trafficking_violation(violation)
        if not keep:
            continue
        record = {field_name: row[i].strip() for field_name, i in index.items()}
        problem = _type_record(record)
        if problem:
            stats.reject(line, problem, row)
            continue
        stats.kept += 1
        stats.violations_kept.add(violation)
        yield {**record, "table_id": table_id, "source_url": source_url, "raw_sha256": raw_sha256, "source_row": line}
    if stats.rows == 0:
        raise SchemaError(f"statcan: {name}: no data rows after the header")


def _type_record(record: dict) -> str | None:
    year = _YEAR.match(record["ref_date"])
    if not year:
        return f"REF_DATE {record['ref_date']!r} is not a year"
    record["ref_year"] = int(year["year"])
    record["geography_name"], record["geography_code"] = split_code(record["geography"])
    record["violation_name"], record["violation_code"] = split_code(record["violation"])
    value = record["value"]
    if value == "":
        record["value"] = None  # not available: STATUS says why (e.g. "..", "x")
    elif _NUMBER.match(value):
        record["value"] = float(value)
    else:
        return f"VALUE {value!r} is not a number"
    decimals = record["decimals"]
    if decimals and not decimals.isdigit():
        return f"DECIMALS {decimals!r} is not a whole number"
    record["decimals"] = int(decimals) if decimals else None
    for key in ("geography", "violation", "statistic"):
        if not record[key]:
            return f"{key} is empty"
    for key in ("dguid", "uom_id", "scalar_id", "status", "symbol", "terminated"):
        record[key] = record[key] or None
    return None


def parse_zip(
    path, *, table_id: str, source_url: str, raw_sha256: str, stats: ParseStats, name: str = ""
) -> Iterator[dict]:
    """Records of the table's CSV member of a full-table zip, streamed (never read whole)."""
    name = name or source_url
    with open(path, "rb") as handle:
        head = handle.read(512)
    if _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")):
        raise SchemaError(f"statcan: {name}: the server sent an HTML page, not a zip file (an error page?)")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise SchemaError(f"statcan: {name}: not a zip file: {exc}") from None
    with archive:
        members = [m for m in archive.namelist() if m.lower().endswith(".csv") and "metadata" not in m.lower()]
        wanted = f"{table_id}.csv"
        member = wanted if wanted in members else (members[0] if len(members) == 1 else None)
        if member is None:
            raise SchemaError(f"statcan: {name}: the zip has no {wanted} (members: {archive.namelist()})")
        try:
            with archive.open(member) as stream:
                yield from parse_table_csv(
                    stream,
                    table_id=table_id,
                    source_url=source_url,
                    raw_sha256=raw_sha256,
                    stats=stats,
                    name=f"{name} member {member}",
                )
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
            raise SchemaError(f"statcan: {name}: the zip is damaged: {exc}") from None
        except OSError as exc:
            if "CRC" in str(exc) or "zlib" in str(exc).lower() or "Error -3" in str(exc):
                raise SchemaError(f"statcan: {name}: the zip is damaged: {exc}") from None
            raise


# -- extraction ----------------------------------------------------------------------------------
def _table_id(ctx: ExtractContext) -> str:
    return str(ctx.source.option("table_id"))


def wds_url(ctx: ExtractContext) -> str:
    return ctx.source.url(ctx.source.option("wds_path").format(table_id=_table_id(ctx)))


def plan(ctx: ExtractContext, report: ExtractReport) -> list[str]:
    """Ask the WDS where the full-table zip is; the zip URL is the one work item."""
    url = wds_url(ctx)
    try:
        entry = ctx.fetch(url, kind="page", suffix=".json", report=report)
        zip_url = zip_url_from_wds(ctx.landing.object_path(entry).read_bytes(), url)
    except (FetchError, SchemaError) as exc:
        report.failures.append(str(exc))
        return []
    zip_url = onto_base_url(zip_url, ctx.source.base_url, ctx.source.official_hosts)
    try:
        ctx.client.check_url(zip_url)
    except FetchError as exc:
        report.failures.append(f"statcan: {url}: the WDS reply names a zip on a host that is not allowed: {exc.reason}")
        return []
    return [zip_url]


def fetch(ctx: ExtractContext, item: str, report: ExtractReport) -> None:
    """Land the full-table zip (conditional GET)."""
    if not urlsplit(item).path.lower().endswith(".zip"):
        raise CrossborderError(f"statcan: {item} is not a full-table zip URL")
    ctx.fetch(item, kind="file", suffix=".zip", release_id=_table_id(ctx), report=report)


def extract(ctx: ExtractContext) -> ExtractReport:
    """plan, fetch every item, then refresh the records: the whole extract in one call."""
    return extract_all(ctx, "statcan", plan, fetch, refresh_records)


def refresh_records(ctx: ExtractContext, report: ExtractReport) -> None:
    """(Re)derive the records of the newest zip landed for the table, if it or the parser changed. Offline."""
    table_id = _table_id(ctx)
    zips = [
        (url, entry) for url, entry in ctx.landing.latest_by_url(kind="file").items() if entry.release_id == table_id
    ]
    if not zips:
        return
    url, entry = max(zips, key=lambda pair: pair[1].fetched_at)
    dataset, name = "incidents", table_id
    meta = ctx.landing.read_meta(dataset, name)
    if meta and meta.get("raw_sha256") == entry.sha256 and meta.get("parser_version") == PARSER_VERSION:
        return
    raw_path = ctx.landing.object_path(entry)
    stats = ParseStats()
    # Written beside the records folder first: a file that fails to parse, or yields no
    # trafficking row, leaves the records held from an earlier zip as they were.
    staging = ctx.landing.records_path(STAGING, name)
    try:
        count = ctx.landing.write_records(
            STAGING,
            name,
            parse_zip(
                raw_path,
                table_id=table_id,
                source_url=url,
                raw_sha256=entry.sha256,
                stats=stats,
                name=f"{url} (raw copy {raw_path})",
            ),
        )
    except (SchemaError, OSError) as exc:
        report.failures.append(str(exc))
        return
    if count == 0:
        staging.unlink(missing_ok=True)
        report.failures.append(
            f"statcan: {url} (raw copy {raw_path}): {stats.rows} rows read, none of a "
            f"trafficking-in-persons violation (has the table changed?); earlier records kept"
        )
        return
    target = ctx.landing.records_path(dataset, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging, target)
    ctx.landing.write_rejects(dataset, name, stats.rejects)
    ctx.landing.write_meta(
        dataset,
        name,
        {
            "raw_sha256": entry.sha256,
            "parser_version": PARSER_VERSION,
            "table_id": table_id,
            "url": url,
            "records": count,
            "rows_read": stats.rows,
            "rejected_rows": len(stats.rejects),
            "violations": sorted(stats.violations_kept),
        },
    )
    report.records[dataset] = report.records.get(dataset, 0) + count
    report.rejected_rows += len(stats.rejects)
    ctx.progress.say(f"    {url}: {stats.rows} rows read, {count} kept ({', '.join(sorted(stats.violations_kept))})")

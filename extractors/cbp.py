"""U.S. Customs and Border Protection (CBP): nationwide encounters and drug seizures.

The landing pages list CSV releases; each release re-publishes three or four fiscal years.
This module finds the release links, lands every file, and parses them into records
(see docs/cbp-records.md). Choosing which release wins each fiscal year is dbt's job.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import BinaryIO
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from crossborder.core.errors import CrossborderError
from crossborder.core.http import FetchError
from extractors.base import ExtractContext, ExtractReport, extract_all

# The records folders this source writes (raw/cbp/records/<dataset>/), which dbt reads.
DATASETS = ("encounters", "drug_seizures")
# Bump when parsing changes: records are then re-derived from the raw files already held.
PARSER_VERSION = 1

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
FILES_PREFIX = "/sites/default/files/"

# CBP's published headers, mapped to record field names.
ENCOUNTER_COLUMNS = {
    "Fiscal Year": "fiscal_year_label",
    "Month Grouping": "month_grouping",
    "Month (abbv)": "month_abbv",
    "Component": "component",
    "Land Border Region": "land_border_region",
    "Area of Responsibility": "area_of_responsibility",
    "AOR (Abbv)": "aor_abbv",
    "Demographic": "demographic",
    "Citizenship": "citizenship",
    "Title of Authority": "title_of_authority",
    "Encounter Type": "encounter_type",
    "Encounter Count": "encounter_count",
}
DRUG_COLUMNS = {
    "FY": "fiscal_year_label",
    "Month (abbv)": "month_abbv",
    "Component": "component",
    "Region": "region",
    "Land Filter": "land_filter",
    "Area of Responsibility": "area_of_responsibility",
    "Drug Type": "drug_type",
    "Count of Event": "event_count",
    "Sum Qty (lbs)": "quantity_lbs",
}
# The Air and Marine Operations files name their unit "Branch" where the others say AOR.
AMO_DRUG_COLUMNS = {("Branch" if k == "Area of Responsibility" else k): v for k, v in DRUG_COLUMNS.items()}

SERIES = {
    # series -> (dataset, schema, landing page option)
    "nationwide-encounters": ("encounters", ENCOUNTER_COLUMNS, "encounters_page"),
    "nationwide-drugs": ("drug_seizures", DRUG_COLUMNS, "drug_seizures_page"),
    "amo-drug-seizures": ("drug_seizures", AMO_DRUG_COLUMNS, "drug_seizures_page"),
}
INTEGER_FIELDS = {"encounter_count", "event_count"}
DECIMAL_FIELDS = {"quantity_lbs"}

_FILE_NAME = re.compile(
    r"^(?P<series>nationwide-encounters|nationwide-drugs|amo-drug-seizures)"
    r"-fy(?P<first>\d{2})-fy(?P<last>\d{2})"
    r"(?:-(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))?"
    r"(?P<aor>-aor)?\.csv$",
    re.IGNORECASE,
)
_FOLDER_MONTH = re.compile(r"(?P<year>20\d\d)-(?P<month>\d{1,2}|[A-Za-z]{3})(?![0-9A-Za-z])")
_FISCAL_YEAR = re.compile(r"^(?P<year>\d{4})(?:\s*\(FYTD\))?$", re.IGNORECASE)
_INTEGER = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


class SchemaError(CrossborderError):
    """A CBP file whose header is not the schema this parser knows."""


@dataclass(frozen=True)
class Release:
    """One CSV file on the CBP site, identified by its upload folder and file name."""

    url: str
    series: str
    dataset: str
    release_id: str  # e.g. "2024-10/nationwide-encounters-fy21-fy24-aor"
    release_folder: str
    release_published: str | None  # YYYY-MM-01 of the upload folder's month
    release_first_fy: int
    release_last_fy: int
    release_month: str | None

    @property
    def slug(self) -> str:
        return self.release_id.replace("/", "__")

    def provenance(self) -> dict:
        fields = asdict(self)
        fields["source_url"] = fields.pop("url")
        del fields["dataset"]
        return fields


def _folder_month(folder: str) -> str | None:
    matches = list(_FOLDER_MONTH.finditer(folder))
    if not matches:
        return None
    year, month = matches[-1]["year"], matches[-1]["month"]
    if month.isdigit():
        number = int(month)
    elif month.upper() in MONTHS:
        number = MONTHS.index(month.upper()) + 1
    else:
        return None
    return date(int(year), number, 1).isoformat() if 1 <= number <= 12 else None


def release_from_url(url: str) -> Release | None:
    """The release a CSV link names, or None when the link is not a nationwide AOR/drug file."""
    path = unquote(urlsplit(url).path)
    folder_path, _, file_name = path.rpartition("/")
    match = _FILE_NAME.match(file_name)
    if not match:
        return None
    series = match["series"].lower()
    dataset = SERIES[series][0]
    if dataset == "encounters" and not match["aor"]:
        return None  # encounters come as -aor and -state files; the AOR file is the one wanted
    if dataset == "drug_seizures" and match["aor"]:
        return None
    folder = (
        folder_path[len(FILES_PREFIX) :] if (folder_path + "/").startswith(FILES_PREFIX) else folder_path.strip("/")
    )
    stem = file_name[: -len(".csv")]
    return Release(
        url=url,
        series=series,
        dataset=dataset,
        release_id=f"{folder}/{stem}" if folder else stem,
        release_folder=folder,
        release_published=_folder_month(folder),
        release_first_fy=2000 + int(match["first"]),
        release_last_fy=2000 + int(match["last"]),
        release_month=match["month"].lower() if match["month"] else None,
    )


def discover_releases(html: bytes, page_url: str) -> list[Release]:
    """Every nationwide release linked from a CBP landing page (pure: HTML in, releases out)."""
    soup = BeautifulSoup(html, "lxml")
    seen: dict[str, Release] = {}
    for link in soup.find_all("a", href=True):
        url = urljoin(page_url, link["href"].strip())
        release = release_from_url(url)
        if release and release.release_id not in seen:
            seen[release.release_id] = release
    return sorted(seen.values(), key=lambda r: r.release_id)


# -- parsing -------------------------------------------------------------------------------------
@dataclass
class ParseStats:
    rows: int = 0
    rejects: list[dict] | None = None

    def reject(self, line: int, reason: str, row: list[str]) -> None:
        if self.rejects is None:
            self.rejects = []
        self.rejects.append({"line": line, "reason": reason, "row": row})


_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml|<!--)", re.IGNORECASE)


def _refuse_html(data: BinaryIO, name: str) -> None:
    """A 200 answer that is an error, login or "access denied" page instead of the CSV."""
    head = data.read(512).lstrip(b"\xef\xbb\xbf")
    data.seek(0)
    if _HTML_START.match(head):
        raise SchemaError(
            f"cbp: {name}: the server sent an HTML page, not a CSV file (an error or access-denied page?)"
        )


def _text_stream(data: BinaryIO, name: str) -> io.TextIOBase:
    """Decode UTF-8 (BOM or not); fall back to cp1252 when the start is not UTF-8."""
    head = data.read(1 << 20)
    data.seek(0)
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) < (1 << 20))
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return io.TextIOWrapper(data, encoding=encoding, newline="")


def parse_release_csv(
    data: BinaryIO | bytes, release: Release, raw_sha256: str, stats: ParseStats, name: str = ""
) -> Iterator[dict]:
    """Records of one CBP CSV file (pure: bytes in, records out). Bad rows go to stats.rejects."""
    name = name or release.url
    stream = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    _refuse_html(stream, name)
    text = _text_stream(stream, name)
    reader = csv.reader(text, strict=True)
    schema = SERIES[release.series][1]
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise SchemaError(f"cbp: {name}: the file is empty (no header row)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise SchemaError(f"cbp: {name}: unreadable header: {exc}") from None
    missing = [c for c in schema if c not in header]
    unexpected = [c for c in header if c not in schema]
    if missing or unexpected or len(set(header)) != len(header):
        parts = []
        if missing:
            parts.append(f"missing columns {missing}")
        if unexpected:
            parts.append(f"unexpected columns {unexpected}")
        if not parts:
            parts.append("duplicate column names")
        raise SchemaError(f"cbp: {name}: header does not match the {release.series} schema: {'; '.join(parts)}")
    fields = [schema[c] for c in header]
    provenance = release.provenance()
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            stats.reject(reader.line_num, f"malformed CSV: {exc}", [])
            break  # the reader cannot resynchronise after a broken quote
        except UnicodeDecodeError as exc:
            raise SchemaError(f"cbp: {name}: not valid UTF-8 after line {reader.line_num}: {exc}") from None
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(fields):
            stats.reject(line, f"expected {len(fields)} fields, found {len(row)}", row)
            continue
        record = dict(zip(fields, (cell.strip() for cell in row)))
        problem = _type_record(record)
        if problem:
            stats.reject(line, problem, row)
            continue
        stats.rows += 1
        yield {**provenance, **record, "raw_sha256": raw_sha256, "source_row": line}
    if stats.rows == 0 and not stats.rejects:
        raise SchemaError(f"cbp: {name}: no data rows after the header")


def _type_record(record: dict) -> str | None:
    """Type the numeric fields in place; return why the row is unreadable, or None."""
    year = _FISCAL_YEAR.match(record["fiscal_year_label"])
    if not year:
        return f"fiscal year {record['fiscal_year_label']!r} is not a year"
    record["fiscal_year"] = int(year["year"])
    if record["month_abbv"].upper() not in MONTHS:
        return f"month {record['month_abbv']!r} is not a month abbreviation"
    for key in INTEGER_FIELDS & record.keys():
        if not _INTEGER.match(record[key]):
            return f"{key} {record[key]!r} is not a whole number"
        record[key] = int(record[key])
    for key in DECIMAL_FIELDS & record.keys():
        if not _DECIMAL.match(record[key]):
            return f"{key} {record[key]!r} is not a number"
        record[key] = float(record[key])
    for key, value in record.items():
        if isinstance(value, str) and not value and key not in ("aor_abbv", "month_grouping", "land_filter"):
            return f"{key} is empty"
    return None


# -- extraction ----------------------------------------------------------------------------------
def plan(ctx: ExtractContext, report: ExtractReport) -> list[str]:
    """Fetch both landing pages and return the URL of every release they list (the work items)."""
    releases: dict[str, Release] = {}
    for page_option in ("encounters_page", "drug_seizures_page"):
        page_url = ctx.source.url(ctx.source.option(page_option))
        try:
            entry = ctx.fetch(page_url, kind="page", suffix=".html", report=report)
        except FetchError as exc:
            report.failures.append(str(exc))
            continue
        found = discover_releases(ctx.landing.object_path(entry).read_bytes(), page_url)
        wanted = [r for r in found if SERIES[r.series][2] == page_option]
        if not wanted:
            report.failures.append(
                f"cbp: {page_url}: no release CSV links found on the page (has the page layout changed?)"
            )
        for release in wanted:
            releases.setdefault(release.url, release)
    return list(releases)


def fetch(ctx: ExtractContext, item: str, report: ExtractReport) -> None:
    """Land one release file (a work item from plan)."""
    release = release_from_url(item)
    if release is None:
        raise CrossborderError(f"cbp: {item} is not a CBP release URL")
    ctx.fetch(item, kind="file", suffix=".csv", release_id=release.release_id, report=report)


def extract(ctx: ExtractContext) -> ExtractReport:
    """plan, fetch every item, then refresh the records: the whole extract in one call."""
    return extract_all(ctx, "cbp", plan, fetch, refresh_records)


def refresh_records(ctx: ExtractContext, report: ExtractReport) -> None:
    """(Re)derive records for every landed release whose raw file or parser changed. Offline."""
    for url, entry in ctx.landing.latest_by_url(kind="file").items():
        release = release_from_url(url)
        if release is None:
            continue
        meta = ctx.landing.read_meta(release.dataset, release.slug)
        if meta and meta.get("raw_sha256") == entry.sha256 and meta.get("parser_version") == PARSER_VERSION:
            continue
        raw_path = ctx.landing.object_path(entry)
        stats = ParseStats()
        try:
            with raw_path.open("rb") as raw:
                count = ctx.landing.write_records(
                    release.dataset,
                    release.slug,
                    parse_release_csv(raw, release, entry.sha256, stats, name=f"{url} (raw copy {raw_path})"),
                )
        except (SchemaError, OSError) as exc:
            report.failures.append(str(exc))
            continue
        rejects = stats.rejects or []
        ctx.landing.write_rejects(release.dataset, release.slug, rejects)
        ctx.landing.write_meta(
            release.dataset,
            release.slug,
            {
                "raw_sha256": entry.sha256,
                "parser_version": PARSER_VERSION,
                "release_id": release.release_id,
                "url": url,
                "records": count,
                "rejected_rows": len(rejects),
            },
        )
        report.records[release.dataset] = report.records.get(release.dataset, 0) + count
        report.rejected_rows += len(rejects)
        if rejects:
            first = rejects[0]
            ctx.progress.say(
                f"    {url}: {len(rejects)} rows rejected (first: line {first['line']}: {first['reason']}); "
                f"listed in {ctx.landing.root / 'records' / release.dataset / (release.slug + '.rejected.jsonl')}"
            )

"""Benchmark: `crossborder run --source cbp` on CBP-shaped encounter files of 1, 4 and 10 million
rows, against bare DuckDB on the same file, in the same run.

    .venv/bin/python benchmarks/cbp_scale.py [--rows 1M,4M,10M] [--memory-limit 2GB] [--keep]

Per size:
1. writes a CBP-shaped `nationwide-encounters-fyXX-fyYY-aor.csv` (the real header; the real
   areas of responsibility with their components and regions, 200 citizenships from the country
   seed, four demographics, each component's titles and encounter types, every month of the
   months the rows fill, back from last month; unique keys) into a local mirror of cbp.gov's two
   landing pages, beside a small drug seizures release (untimed, by DuckDB);
2. serves the mirror on 127.0.0.1 and runs `crossborder run --source cbp` against it, in a fresh
   data directory, with [duckdb] memory_limit set (CROSSBORDER_DUCKDB_MEMORY_LIMIT) and the size
   caps raised to twice the file (CROSSBORDER_HTTP_MAX_BYTES, CROSSBORDER_CBP_MAX_BYTES): extract
   (download, landing, hashing, staging), build (dbt), validate (the gate), publish, report;
3. runs the baseline: bare DuckDB (`read_csv` into a staging table, a fact table shaped like
   fct_border_encounters, an aggregate of it) in its own process, on the same file;
4. measures each side's wall time and peak memory (the resident memory of the process and all
   its children, summed, sampled every 50 ms).

Prints a table per size (and the steps of the run), then whether the targets of
docs/performance.md hold: the run at the largest size within 2x of the baseline, its peak memory
under 4 GB and no more than 1.2x the smallest size's plus the memory limit. A benchmark, not a
test: it takes several minutes and a few GB of disk in the temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crossborder.core.config import load_settings  # noqa: E402
from crossborder.pipeline.demo import MIRROR_DIR, mirror_environment, serve_mirror  # noqa: E402

BIN = Path(sys.executable).parent
REAL_AORS = [
    # (component, land border region, area of responsibility, AOR abbreviation): CBP's own
    ("Office of Field Operations", "Northern Land Border", f"{city} Field Office", city)
    for city in ("Boston", "Buffalo", "Detroit", "Portland", "Seattle")
] + [
    ("Office of Field Operations", "Other", f"{city} Field Office", city)
    for city in (
        "Atlanta", "Baltimore", "Boston", "Buffalo", "Chicago", "Detroit", "El Paso", "Houston", "Laredo",
        "Los Angeles", "Miami", "New Orleans", "New York", "Portland", "Preclearance", "San Diego",
        "San Francisco", "San Juan", "Seattle", "Tampa", "Tucson",
    )
] + [
    ("Office of Field Operations", "Southwest Land Border", f"{city} Field Office", city)
    for city in ("El Paso", "Laredo", "San Diego", "Tucson")
] + [
    ("U.S. Border Patrol", region, f"{sector} Sector", abbv)
    for region, sector, abbv in (
        ("Northern Land Border", "Blaine", "BLW"), ("Northern Land Border", "Buffalo", "BUN"),
        ("Northern Land Border", "Detroit", "DTM"), ("Northern Land Border", "Grand Forks", "GFN"),
        ("Northern Land Border", "Havre", "HVM"), ("Northern Land Border", "Houlton", "HLT"),
        ("Northern Land Border", "Spokane", "SPW"), ("Northern Land Border", "Swanton", "SWB"),
        ("Other", "Miami", "MIP"), ("Other", "New Orleans", "NLL"), ("Other", "Ramey", "RMY"),
        ("Southwest Land Border", "Big Bend", "BBT"), ("Southwest Land Border", "Del Rio", "DRT"),
        ("Southwest Land Border", "El Centro", "ELC"), ("Southwest Land Border", "El Paso", "EPT"),
        ("Southwest Land Border", "Laredo", "LRT"), ("Southwest Land Border", "Rio Grande Valley", "RGV"),
        ("Southwest Land Border", "San Diego", "SDC"), ("Southwest Land Border", "Tucson", "TCA"),
        ("Southwest Land Border", "Yuma", "YUM"),
    )
]  # fmt: skip
DEMOGRAPHICS = ("Accompanied Minors", "Single Adults", "FMUA", "UC / Single Minors")
FISCAL_MONTHS = ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP")
CITIZENSHIPS = 200
DEMO_DRUGS = MIRROR_DIR / "sites/default/files/2024-10/nationwide-drugs-fy21-fy24.csv"
DRUG_MONTHS = 24
SAMPLE_EVERY_S = 0.05
TARGET_RATIO = 2.0
TARGET_PEAK_BYTES = 4 * 1024**3
TARGET_FLAT_FACTOR = 1.2


def _rows(text: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a row count (e.g. 1M, 250k, 4000000)")
    return int(float(match[1]) * {"": 1, "k": 10**3, "m": 10**6}[match[2].lower()])


def _label(rows: int) -> str:
    return f"{rows / 10**6:g}M" if rows >= 10**6 else f"{rows / 10**3:g}k"


def _citizenships() -> list[str]:
    with (ROOT / "dbt_project" / "seeds" / "country_codes.csv").open(encoding="utf-8") as seed:
        names = [row["country_name"].upper() for row in csv.DictReader(seed) if row["is_territory"] == "false"]
    return names[:CITIZENSHIPS]


def newest_fiscal_month() -> int:
    """The last full month, as fiscal year x 12 + fiscal month - 1 (OCT = 0): the data is fresh,
    so the run's freshness step passes."""
    today = date.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    fiscal_year = year + 1 if month >= 10 else year
    return fiscal_year * 12 + (month - 10) % 12


def _month_sql(months_back: str, newest: int) -> tuple[str, str]:
    """SQL: the fiscal year label and month abbreviation `months_back` months before newest."""
    months = ", ".join(f"'{m}'" for m in FISCAL_MONTHS)
    return f"(({newest} - {months_back}) // 12)::varchar", f"[{months}][({newest} - {months_back}) % 12 + 1]"


def write_drugs(path: Path, newest: int) -> tuple[int, int]:
    """A small drug seizures release: the demo's offices and drugs, every one of the last
    DRUG_MONTHS months. Returns its first and last fiscal year."""
    import duckdb

    year, month = _month_sql("r.m", newest)
    with duckdb.connect() as con:
        con.execute(f"""
            copy (
                select {year} as "FY", {month} as "Month (abbv)", cells.*,
                    1 + hash(r.m, cells."Area of Responsibility", cells."Drug Type", cells."Land Filter") % 40
                        as "Count of Event",
                    round((hash(cells."Drug Type", r.m, cells."Area of Responsibility") % 100000) / 100.0, 2)
                        as "Sum Qty (lbs)"
                from (select distinct "Component", "Region", "Land Filter", "Area of Responsibility", "Drug Type"
                      from read_csv('{DEMO_DRUGS}')) as cells, range({DRUG_MONTHS}) as r(m)
                order by r.m, cells.*
            ) to '{path}' (header, delimiter ',')
        """)
    return (newest - DRUG_MONTHS + 1) // 12, newest // 12


def write_encounters(path: Path, rows: int, newest: int) -> tuple[int, int]:
    """A CBP-shaped encounters file of `rows` rows, from the newest month back (the oldest fiscal
    year, when partly filled, has its last months: no gap); returns its first and last fiscal
    year. Each row is one key (month x AOR x demographic x citizenship x title)."""
    import duckdb

    citizenships = _citizenships()
    per_month = len(citizenships) * len(DEMOGRAPHICS) * len(REAL_AORS) * 2
    year, month = _month_sql(f"i // {per_month}", newest)
    with duckdb.connect() as con:
        con.execute("create table citizenship as select unnest(?) as name, generate_subscripts(?, 1) - 1 as k",
                    [citizenships, citizenships])  # fmt: skip
        con.execute("create table aor (k integer, component varchar, region varchar, aor varchar, abbv varchar)")
        con.executemany("insert into aor values (?, ?, ?, ?, ?)", [(k, *aor) for k, aor in enumerate(REAL_AORS)])
        c, d, a = len(citizenships), len(DEMOGRAPHICS), len(REAL_AORS)
        demographics = ", ".join(f"'{x}'" for x in DEMOGRAPHICS)
        con.execute(f"""
            copy (
                select
                    {year} as "Fiscal Year",
                    'FYTD' as "Month Grouping",
                    {month} as "Month (abbv)",
                    aor.component as "Component",
                    aor.region as "Land Border Region",
                    aor.aor as "Area of Responsibility",
                    aor.abbv as "AOR (Abbv)",
                    [{demographics}][(i // {c}) % {d} + 1] as "Demographic",
                    citizenship.name as "Citizenship",
                    if((i // {c * d * a}) % 2 = 0, 'Title 8', 'Title 42') as "Title of Authority",
                    case
                        when (i // {c * d * a}) % 2 = 1 then 'Expulsions'
                        when aor.component = 'U.S. Border Patrol' then 'Apprehensions'
                        else 'Inadmissibles'
                    end as "Encounter Type",
                    1 + hash(i) % 500 as "Encounter Count"
                from range({rows}) as r(i)
                join citizenship on citizenship.k = i % {c}
                join aor on aor.k = (i // {c * d}) % {a}
                order by i
            ) to '{path}' (header, delimiter ',')
        """)
    return (newest - (rows - 1) // per_month) // 12, newest // 12


def write_mirror(folder: Path, rows: int) -> Path:
    """A mirror of cbp.gov's two landing pages, uploaded this month: one encounters release of
    `rows` rows and a small drug seizures release. Returns the encounters file."""
    shutil.rmtree(folder, ignore_errors=True)
    newest = newest_fiscal_month()
    uploads = folder / "sites" / "default" / "files" / date.today().strftime("%Y-%m")
    uploads.mkdir(parents=True)
    encounters, drugs = uploads / "encounters.csv.tmp", uploads / "drugs.csv.tmp"
    first, last = write_encounters(encounters, rows, newest)
    encounters = encounters.rename(uploads / f"nationwide-encounters-fy{first % 100:02d}-fy{last % 100:02d}-aor.csv")
    first, last = write_drugs(drugs, newest)
    drugs = drugs.rename(uploads / f"nationwide-drugs-fy{first % 100:02d}-fy{last % 100:02d}.csv")
    shutil.copyfile(MIRROR_DIR / "robots.txt", folder / "robots.txt")
    pages = folder / "document" / "stats"
    pages.mkdir(parents=True)
    for page, title, href in (
        ("nationwide-encounters", "Nationwide Encounters", f"/{encounters.relative_to(folder)}"),
        ("nationwide-drug-seizures", "Nationwide Drug Seizures", f"/{drugs.relative_to(folder)}"),
    ):
        (pages / f"{page}.html").write_text(
            f"<!DOCTYPE html><html><head><title>{title} (benchmark mirror)</title></head><body><h1>{title}</h1>"
            f'<div class="field--name-field-file-attachments"><p><a href="{href}">{Path(href).name}</a></p></div>'
            "</body></html>",
            encoding="utf-8",
        )
    return encounters


@dataclass
class Measured:
    wall_s: float
    peak_bytes: int
    output: str = ""
    steps: dict[str, float] = field(default_factory=dict)


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def measure(args: list[str], env: dict[str, str], log: Path) -> Measured:
    """Run a command (output into log), sampling its process tree's memory; exit on failure."""
    peak = 0
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(SAMPLE_EVERY_S)
        wall = time.perf_counter() - started
    output = log.read_text(encoding="utf-8", errors="replace")
    if process.returncode != 0:
        sys.exit(f"{' '.join(args)} failed (exit {process.returncode}); see {log}:\n{output[-3000:]}")
    steps = {m[1]: float(m[2]) for m in re.finditer(r"^\s+(\w[\w ()]*?): done in ([\d.]+)s", output, re.M)}
    return Measured(wall, peak, output, steps)


BASELINE = """
import sys, duckdb
path = sys.argv[1]
con = duckdb.connect(sys.argv[2])
columns = {columns}
scan = f"read_csv('{{path}}', header = true, columns = {{columns}}, auto_detect = false)"
con.execute(f"create table stg as select * from {{scan}}")
con.execute('''create table fct as
    select fiscal_year, month_abbv, component, land_border_region, area_of_responsibility, aor_abbv,
           demographic, citizenship, title_of_authority, encounter_type, sum(encounter_count) as encounter_count
    from stg group by all''')
print(con.execute('select fiscal_year, land_border_region, sum(encounter_count) from fct group by all').fetchall()[:3])
"""
BASELINE_COLUMNS = {
    "fiscal_year": "INTEGER", "month_grouping": "VARCHAR", "month_abbv": "VARCHAR", "component": "VARCHAR",
    "land_border_region": "VARCHAR", "area_of_responsibility": "VARCHAR", "aor_abbv": "VARCHAR",
    "demographic": "VARCHAR", "citizenship": "VARCHAR", "title_of_authority": "VARCHAR",
    "encounter_type": "VARCHAR", "encounter_count": "BIGINT",
}  # fmt: skip


def run_size(rows: int, work: Path, memory_limit: str, keep: bool) -> tuple[Measured, Measured, int]:
    mirror = work / f"mirror-{_label(rows)}"
    print(f"--- {_label(rows)} rows: writing the file ...", flush=True)
    encounters = write_mirror(mirror, rows)
    size = encounters.stat().st_size
    data = work / f"data-{_label(rows)}"
    shutil.rmtree(data, ignore_errors=True)
    env = {
        **os.environ,
        "CROSSBORDER_DATA_DIR": str(data),
        "CROSSBORDER_DUCKDB_MEMORY_LIMIT": memory_limit,
        # the 10M-row file is 1.3 GB: above the configured size caps of a CBP file and of any body
        "CROSSBORDER_HTTP_MAX_BYTES": str(max(size * 2, 1 << 30)),
        "CROSSBORDER_CBP_MAX_BYTES": str(max(size * 2, 1 << 28)),
    }
    with serve_mirror(mirror, port=0) as base_url:
        env.update(mirror_environment(load_settings(), base_url, ["cbp"]))
        print(f"    {size / 10**6:,.0f} MB; crossborder run --source cbp ...", flush=True)
        run = measure([str(BIN / "crossborder"), "run", "--source", "cbp"], env, work / f"run-{_label(rows)}.log")
    print("    bare DuckDB ...", flush=True)
    script = BASELINE.format(columns=BASELINE_COLUMNS)
    baseline_db = work / f"baseline-{_label(rows)}.duckdb"
    baseline_db.unlink(missing_ok=True)
    baseline = measure(
        [sys.executable, "-c", script, str(encounters), str(baseline_db)], dict(os.environ), work / "baseline.log"
    )
    baseline_db.unlink(missing_ok=True)
    shutil.rmtree(mirror, ignore_errors=True)
    if not keep:
        shutil.rmtree(data, ignore_errors=True)
    return run, baseline, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1M,4M,10M", help="sizes, comma-separated (default 1M,4M,10M)")
    parser.add_argument("--memory-limit", default="2GB", help="[duckdb] memory_limit of the run (default 2GB)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, data) and print its path")
    args = parser.parse_args()
    sizes = sorted(_rows(size) for size in args.rows.split(","))
    work = Path(tempfile.mkdtemp(prefix="crossborder-scale-"))
    results = []
    try:
        for rows in sizes:
            run, baseline, size = run_size(rows, work, args.memory_limit, args.keep)
            results.append((rows, size, run, baseline))
            steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.steps.items())
            print(f"    run {run.wall_s:.1f} s, peak {run.peak_bytes / 1024**3:.2f} GB ({steps})")
            print(f"    bare DuckDB {baseline.wall_s:.1f} s, peak {baseline.peak_bytes / 1024**3:.2f} GB", flush=True)
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    _report(results, args.memory_limit)


def _bytes(text: str) -> int:
    match = re.fullmatch(r"([\d.]+)\s*([KMGT]i?B)", text.strip(), re.IGNORECASE)
    if not match:
        raise SystemExit(f"--memory-limit {text!r} is not a size like 2GB")
    unit = match[2].upper().replace("I", "")
    return int(float(match[1]) * 1024 ** ("KMGT".index(unit[0]) + 1))


def _report(results: list, memory_limit: str) -> None:
    print()
    print("| rows | CSV | crossborder run | peak memory | bare DuckDB (staging) | its peak | ratio |")
    print("|---|---|---|---|---|---|---|")
    for rows, size, run, baseline in results:
        print(
            f"| {_label(rows)} | {size / 10**6:,.0f} MB | {run.wall_s:.1f} s | {run.peak_bytes / 1024**3:.2f} GB "
            f"| {baseline.wall_s:.1f} s | {baseline.peak_bytes / 1024**3:.2f} GB | {run.wall_s / baseline.wall_s:.2f} |"
        )
    print()
    print("| rows | " + " | ".join(results[-1][2].steps) + " |")
    print("|---|" + "---|" * len(results[-1][2].steps))
    for rows, _, run, _ in results:
        print(f"| {_label(rows)} | " + " | ".join(f"{s:.1f} s" for s in run.steps.values()) + " |")
    smallest, largest = results[0], results[-1]
    ratio = largest[2].wall_s / largest[3].wall_s
    flat_bound = TARGET_FLAT_FACTOR * smallest[2].peak_bytes + _bytes(memory_limit)
    checks = [
        (f"{_label(largest[0])}: run within {TARGET_RATIO:g}x of bare DuckDB", ratio <= TARGET_RATIO, f"{ratio:.2f}x"),
        (
            f"{_label(largest[0])}: peak memory under 4 GB",
            largest[2].peak_bytes < TARGET_PEAK_BYTES,
            f"{largest[2].peak_bytes / 1024**3:.2f} GB",
        ),
        (
            f"peak memory flat: {_label(largest[0])} <= {TARGET_FLAT_FACTOR}x {_label(smallest[0])} + {memory_limit}",
            largest[2].peak_bytes <= flat_bound,
            f"{largest[2].peak_bytes / 1024**3:.2f} GB <= {flat_bound / 1024**3:.2f} GB",
        ),
    ]
    print()
    for what, held, figure in checks:
        print(f"{'MET    ' if held else 'NOT MET'} {what} ({figure})")


if __name__ == "__main__":
    main()

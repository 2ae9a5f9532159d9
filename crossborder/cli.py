"""The `crossborder` command."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from crossborder import __version__
from crossborder.catalog import describe_table, list_tables, query, render_description, render_tables
from crossborder.core.config import load_settings
from crossborder.core.errors import CrossborderError, GateFailed
from crossborder.core.progress import Progress
from crossborder.docs_site import serve_docs, write_docs
from crossborder.pipeline import build, demo, extract, probe, publish, releases, steps, validate, verify
from crossborder.status import problems, render_status
from extractors import SOURCES
from extractors.tip.editions import parse_editions

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_GATE_FAILED = 0, 1, 2, 3

EPILOG = """\
environment:
  CROSSBORDER_DATA_DIR      where raw files, the warehouse, docs and reports live (default ./data)
  CROSSBORDER_CONFIG        another configuration file (default config/crossborder.toml)
  CROSSBORDER_CBP_BASE_URL  fetch CBP from this base URL, e.g. a mirror (default https://www.cbp.gov)
  CROSSBORDER_TIP_BASE_URL, CROSSBORDER_TIP_ARCHIVE_BASE_URL  the TIP report's main site and archive host
  Any config key: [section] key -> CROSSBORDER_<SECTION>_<KEY>, e.g. CROSSBORDER_HTTP_READ_TIMEOUT_S.

exit codes: 0 ok; 1 a step failed, a source is stale or `status --check` found a problem (one-line reason
  on stderr); 2 usage error; 3 quality gate failed
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossborder",
        description="Collect public data on trafficking and border security into a quality-gated DuckDB warehouse.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"crossborder {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and results")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def source_option(p: argparse.ArgumentParser, required: bool) -> None:
        p.add_argument(
            "--source",
            action="append",
            choices=sorted(SOURCES),
            required=required,
            metavar="NAME",
            help=f"a source to extract ({', '.join(sorted(SOURCES))}); repeatable"
            + ("" if required else "; default: all"),
        )

    def years_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--years",
            type=_years,
            metavar="YEARS",
            help="TIP editions, e.g. 2019-2021, 2017,2020 or 2017-latest (default: [sources.tip] editions)",
        )

    run = commands.add_parser(
        "run",
        help="extract, build, validate and publish",
        description=(
            "Extract the sources, build the warehouse with dbt, validate it with the quality gate, and publish it "
            "(an atomic rename to <data>/warehouse.duckdb). A failed gate leaves the published warehouse as it was. "
            "When nothing a build reads changed since the published warehouse was built (records, dbt project, code, "
            "settings), build, validate and publish are skipped; --rebuild runs them anyway."
        ),
    )
    source_option(run, required=False)
    years_option(run)
    run.add_argument(
        "--demo", action="store_true", help="fetch from the bundled offline demo mirror (SAMPLE DATA) on a local port"
    )
    run.add_argument(
        "--rebuild",
        action="store_true",
        help="build, validate and publish even when nothing changed since the published warehouse was built",
    )

    extract = commands.add_parser(
        "extract",
        help="fetch new files into the landing zone",
        description=(
            "Fetch what is new from a source into <data>/raw/<source>/ (raw files, manifest, parsed records). "
            "Never writes the warehouse."
        ),
    )
    source_option(extract, required=True)
    years_option(extract)

    commands.add_parser(
        "build",
        help="build a working warehouse from the landing zone (dbt; no network)",
        description=(
            "Re-derive records from raw files if needed and run dbt build and dbt docs generate "
            "into <data>/work/warehouse.duckdb."
        ),
    )
    commands.add_parser(
        "validate",
        help="run the quality gate over the working warehouse",
        description=(
            "Validate <data>/work/warehouse.duckdb with the Great Expectations suites; "
            "Data Docs go to <data>/gx/data_docs/."
        ),
    )
    commands.add_parser(
        "publish",
        help="publish the validated working warehouse",
        description=("Move the working warehouse that passed the gate to <data>/warehouse.duckdb (atomic rename)."),
    )
    commands.add_parser(
        "verify",
        help="check every raw file against its sha256 and every manifest line against its file",
        description="Offline and read-only: every raw object under <data>/raw/<source>/objects/ must still hash "
        "to the sha256 it is named by, and every manifest line must point at an existing object of its sha256. "
        "Prints one line per problem; exits 1 if there is any.",
    )
    commands.add_parser(
        "release",
        help="write a dated release of the published warehouse (every publish writes one too)",
        description="Write <data>/releases/<UTC time>/: the warehouse, one Parquet file per table of marts and main, "
        "dictionary.csv and .md, release.json and SHA256SUMS; <data>/releases/latest points at it. The newest "
        "[releases] keep stay, plus latest and any release holding a PINNED file.",
    )
    commands.add_parser("releases", help="list the dated releases", description="One line per release, oldest first.")
    rollback_command = commands.add_parser(
        "rollback",
        help="republish a release's warehouse (checked against its SHA256SUMS)",
        description="Republish the warehouse of RELEASE (default: the release before the newest) with the same atomic "
        "rename as publish, after checking every file of the release against its SHA256SUMS. The next run builds "
        "from the landing zone again.",
    )
    rollback_command.add_argument("release", nargs="?", help="a release name from `crossborder releases`")
    probe_command = commands.add_parser(
        "probe",
        help="live check of each source's entry pages against the last good fetch (changes nothing)",
        description=(
            "One request per entry page of each source (CBP's landing pages and the newest release file each lists, "
            "the newest TIP edition's index and one country page, each news feed and GDELT query, the StatCan WDS "
            "call), parsed with the real parsers and compared with the last successful fetch: links found, CSV "
            "header, narrative layout, feed items, block pages. Writes nothing (no raw file, manifest, ledger or "
            "warehouse). One line per source; exits 1 on drift or failure."
        ),
    )
    source_option(probe_command, required=False)
    status = commands.add_parser(
        "status",
        help="what was fetched when, freshness (fetch time and data coverage), tables, row counts, last gate",
        description=(
            "Show each source's fetches and freshness twice: by fetch time (when new content last landed; "
            "[sources.X] freshness_warn_days, freshness_error_days) and by data coverage (the newest month, "
            "year, edition or article the published warehouse holds; coverage_warn_days, coverage_error_days), "
            "then the published tables and the last quality gate."
        ),
    )
    status.add_argument(
        "--check",
        action="store_true",
        help="exit 1 (naming why) when a source never landed anything or is past an error threshold (fetch time "
        "or data coverage), nothing is published, or the quality gate never ran or last failed",
    )

    query = commands.add_parser(
        "query",
        help="run a read-only SQL query on the published warehouse",
        description=(
            "Run SQL against <data>/warehouse.duckdb opened read-only and print the result as a table. "
            "Unqualified names are looked up in schema marts, then main, then report "
            "(fct_border_encounters is marts.fct_border_encounters). The SQL cannot read or write files, "
            "install or load extensions, or change settings: --output FILE saves a result."
        ),
    )
    query.add_argument(
        "sql",
        nargs="?",
        help='the SQL, e.g. "select * from fct_drug_seizures limit 5"; - reads it from standard input',
    )
    query.add_argument("--file", type=Path, metavar="PATH", help="read the SQL from PATH instead")
    query.set_defaults(usage_error=query.error)  # usage errors found after parsing print this command's usage
    query.add_argument(
        "--max-rows",
        type=_positive_int,
        default=40,
        help="rows to print at most (default 40; format table only; says how many rows and columns were left out)",
    )
    query.add_argument(
        "--format",
        choices=("table", "csv", "json", "parquet"),
        default="table",
        help="table (default), csv (with a header row), json (an array of objects) or parquet (needs --output)",
    )
    query.add_argument("--output", type=Path, metavar="FILE", help="write the result to FILE instead of printing it")

    tables = commands.add_parser("tables", help="list the published tables with a one-line description and row count")
    tables.add_argument(
        "--all",
        action="store_true",
        help="every schema (staging, intermediate, reference, report), views included, not only marts",
    )
    describe = commands.add_parser(
        "describe",
        help="a table's columns, types and descriptions, its grain and row count",
        description="Describe a published table or view: its description, grain (from the dbt docs), row count, "
        "and every column with its type and description.",
    )
    describe.add_argument("table", help="e.g. fct_border_encounters or marts.fct_border_encounters")
    commands.add_parser(
        "report",
        help="write the briefing report (one self-contained HTML file) of the published warehouse",
        description="Write <data>/reports/briefing.html: charts of every source in the published warehouse, "
        "with provenance and the quality gate result. Opens offline; loads nothing from the network.",
    )
    docs = commands.add_parser(
        "docs",
        help="serve (or write) the dbt docs site: every table and column, with lineage",
        description="Serve the dbt docs of the last build on http://127.0.0.1:PORT, or with --output "
        "write them as one self-contained index.html into DIR.",
    )
    docs.add_argument("--output", type=Path, metavar="DIR", help="write DIR/index.html and exit instead of serving")
    docs.add_argument(
        "--port", type=int, default=8580, help="port on 127.0.0.1 to serve on (default 8580; 0 = any free port)"
    )
    mirror = commands.add_parser(
        "demo-mirror",
        help="serve the bundled demo mirror (SAMPLE DATA) and print the exports that point the DAGs at it",
        description="Serve the offline demo mirror demo/mirror (SAMPLE DATA) on http://127.0.0.1:PORT until "
        "Ctrl-C, mark CROSSBORDER_DATA_DIR as the demo's sample data, and print the CROSSBORDER_* exports "
        "(the data dir, base URLs, demo overrides) that point the Airflow DAGs (extract_*, warehouse) at the "
        "mirror. Paste them into the shells that run Airflow (docs/airflow.md).",
    )
    mirror.add_argument(
        "--port", type=int, default=None, help=f"port on 127.0.0.1 (default {demo.PREFERRED_PORT}; 0 = any free port)"
    )
    serve = commands.add_parser(
        "serve",
        help="browse a release in a local read-only web explorer (Datasette): filter, facet, download",
        description="Check RELEASE (default: latest) against its SHA256SUMS, copy its Parquet tables into SQLite "
        "once (in DIR/<release>/, default <data>/explorer), and serve them with Datasette, opened immutable: every "
        "table with filters, facets, sort, row counts and CSV/JSON download of the current view, descriptions from "
        "the data dictionary, the examples of docs/analyst-marts.md as canned questions, and links to the briefing "
        "report, the dbt docs and the gate's Data Docs.",
    )
    serve.add_argument("release", nargs="?", help="a release name from `crossborder releases` (default: latest)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8001, help="port (default 8001; 0 = any free port)")
    serve.add_argument(
        "--cache-dir", type=Path, metavar="DIR", help="where the SQLite copies go (default <data>/explorer)"
    )
    return parser


@contextmanager
def _stopped_by_ctrl_c_or_sigterm() -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt in this block, even when whoever started this process
    left them blocked or ignored (a parent's signal mask and ignored signals survive exec: seen under a
    pytest worker that had run Airflow, where Ctrl-C never reached the mirror). Restored afterwards."""
    if threading.current_thread() is not threading.main_thread():  # signal handlers: main thread only
        yield
        return
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    previous = {signum: signal.signal(signum, signal.default_int_handler) for signum in stop_signals}
    mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _serve_demo_mirror(settings, port: int | None, progress: Progress) -> None:
    """Serve the demo mirror until interrupted, after printing the exports that point a process at it."""
    demo.check_data_dir_kind(settings, demo=True)  # the DAGs then read it as sample data
    try:
        with _stopped_by_ctrl_c_or_sigterm(), demo.serve_mirror(port=port) as base_url:
            print(f"# demo mirror (SAMPLE DATA) serving {demo.MIRROR_DIR} at {base_url}; Ctrl-C stops it")
            print(f"export CROSSBORDER_DATA_DIR={settings.data_dir}")
            for key, value in demo.mirror_environment(settings, base_url).items():
                print(f"export {key}={value}")
            sys.stdout.flush()
            while True:
                time.sleep(3600)
    except OSError as exc:
        raise CrossborderError(f"cannot serve the demo mirror on port {port}: {exc}") from exc
    except KeyboardInterrupt:
        progress.say("demo mirror stopped")


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} is less than 1")
    return number


def _query_sql(args: argparse.Namespace) -> str:
    """The SQL of `crossborder query`: the argument, standard input (-) or --file; a usage error (exit 2) otherwise."""
    if args.format == "parquet" and args.output is None:
        args.usage_error("--format parquet writes a binary file: give --output FILE")
    if (args.sql is None) == (args.file is None):
        args.usage_error("give the SQL as an argument, - for standard input, or --file PATH (one of them)")
    if args.file is not None:
        try:
            sql = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            args.usage_error(f"--file {args.file}: cannot read it: {exc}")
    else:
        sql = sys.stdin.read() if args.sql == "-" else args.sql
    if not sql.strip():
        args.usage_error(f"the SQL{' in ' + str(args.file) if args.file else ''} is empty")
    return sql


def _years(value: str) -> str:
    try:
        parse_editions(value)
    except CrossborderError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _with_years(settings, years: str | None):
    """Settings whose TIP editions are the --years given."""
    if not years:
        return settings
    tip = settings.source("tip")
    return replace(
        settings, sources={**settings.sources, "tip": replace(tip, options={**tip.options, "editions": [years]})}
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    progress = Progress(quiet=args.quiet)
    started = time.monotonic()
    try:
        settings = _with_years(load_settings(), getattr(args, "years", None))
        if args.command == "run":
            target = steps.run(settings, args.source or [], progress, demo_mirror=args.demo, rebuild=args.rebuild)
            progress.say(f"==> done in {time.monotonic() - started:.1f}s: {target}")
            print(f"report: {settings.report_path}")
        elif args.command == "extract":
            demo.check_data_dir_kind(settings, demo=False)
            extract.extract(settings, args.source, progress)
        elif args.command == "build":
            build.build(settings, progress)
        elif args.command == "validate":
            validate.validate(settings, progress)
        elif args.command == "publish":
            publish.publish(settings, progress)
        elif args.command == "verify":
            checked = verify.verify(settings)
            for problem in checked.problems:
                print(problem)
            progress.say(checked.summary())
            if not checked.ok:
                return EXIT_FAILED
        elif args.command == "release":
            print(releases.write_release(settings, progress))
        elif args.command == "releases":
            for item in releases.list_releases(settings):
                print(releases.describe_release(item))
        elif args.command == "rollback":
            print(releases.rollback(settings, args.release, progress))
        elif args.command == "probe":
            results = probe.probe(settings, args.source)
            for result in results:
                print(result.line())
            if not all(r.healthy for r in results):
                return EXIT_FAILED
        elif args.command == "status":
            print(render_status(settings))
            found = problems(settings) if args.check else []
            if found:
                raise CrossborderError("status --check: " + "; ".join(found))
        elif args.command == "query":
            written = query(settings, _query_sql(args), args.format, args.output, args.max_rows)
            if written:
                progress.say(f"wrote {written}")
        elif args.command == "tables":
            print(render_tables(list_tables(settings, all_schemas=args.all)))
        elif args.command == "describe":
            print(render_description(describe_table(settings, args.table)))
        elif args.command == "report":
            # Imported here: matplotlib takes about a second to import.
            from crossborder.report import write_report

            print(write_report(settings, progress))
        elif args.command == "docs":
            if args.output:
                print(write_docs(settings, args.output, progress))
            else:
                serve_docs(settings, args.port, progress)
        elif args.command == "serve":
            from crossborder.explorer.server import serve as serve_explorer  # Datasette loads only here

            serve_explorer(settings, args.release, args.host, args.port, args.cache_dir, progress)
        elif args.command == "demo-mirror":
            _serve_demo_mirror(settings, args.port, progress)
    except GateFailed as exc:
        print(f"crossborder: {exc}", file=sys.stderr)
        return EXIT_GATE_FAILED
    except CrossborderError as exc:
        print(f"crossborder: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(
            "crossborder: interrupted; the published warehouse is unchanged and the run can be retried", file=sys.stderr
        )
        return 130
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""`crossborder serve`: a read-only explorer over a dated release, served by Datasette.

Datasette reads SQLite, and the release's `warehouse.duckdb` is a DuckDB 2.0 file that neither
SQLite nor DuckDB 1.x opens: the release's Parquet files are the bridge. `database` copies them
into one SQLite file per release (built once, in a cache folder, opened immutable), `questions`
turns the example queries of docs/analyst-marts.md into canned questions answered by DuckDB on
the release, `metadata` says what Datasette shows (descriptions from the data dictionary,
facets, links), and `server` checks the release against its SHA256SUMS and starts Datasette.
"""

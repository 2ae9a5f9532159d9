"""crossborder: public data on trafficking and border security, in a quality-gated DuckDB warehouse.

Layers, lowest first (each imports only those below it; .importlinter checks it):
  crossborder.core      config, errors, files, HTTP client, landing zone, progress, dbt runner
  extractors            one package per source (discover / fetch / parse / schema)
  expectations          the quality gate (Great Expectations suites)
  crossborder.report    the briefing report
  crossborder.pipeline  the step list (extract, build, validate, publish, report, freshness)
  entry points          crossborder.cli, crossborder.status, crossborder.catalog,
                        crossborder.docs_site, crossborder.airflow_support (and dags/)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("crossborder")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"

"""crossborder: public data on trafficking and border security, in a quality-gated DuckDB warehouse."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("crossborder")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"


class CrossborderError(Exception):
    """An expected failure: the CLI prints its message on one line and exits non-zero."""

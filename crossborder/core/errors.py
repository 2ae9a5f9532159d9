"""The errors every layer raises; the CLI maps them to exit codes."""


class CrossborderError(Exception):
    """An expected failure: the CLI prints its message on one line and exits non-zero."""


class GateFailed(CrossborderError):
    """The quality gate rejected the working warehouse; the published one was left as it was."""


class StaleSource(CrossborderError):
    """A source published nothing new for longer than its error threshold."""


class SourceBlocked(CrossborderError):
    """A source's server refuses this client; its last good data stays published."""


class ReportFailed(CrossborderError):
    """The briefing report could not be written; the warehouse was published all the same."""


class FetchError(CrossborderError):
    """A URL could not be fetched; the message names the source and URL."""

    def __init__(self, source: str, url: str, reason: str, status: int | None = None):
        super().__init__(f"{source}: GET {url}: {reason}")
        self.source, self.url, self.reason, self.status = source, url, reason, status


class NotFound(FetchError):
    """The server answered 404 or 410: for some sources a meaningful answer, not a failure."""


class RefusedURL(FetchError):
    """The URL is not one this client may fetch (scheme, host, or robots.txt)."""

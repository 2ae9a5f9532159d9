"""The errors every layer raises; the CLI maps them to exit codes."""


class CrossborderError(Exception):
    """An expected failure: the CLI prints its message on one line and exits non-zero."""


class GateFailed(CrossborderError):
    """The quality gate rejected the working warehouse; the published one was left as it was."""


class StaleSource(CrossborderError):
    """A source published nothing new for longer than its error threshold."""


class ReportFailed(CrossborderError):
    """The briefing report could not be written; the warehouse was published all the same."""

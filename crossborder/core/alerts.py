"""Failure alerts: a short message naming the DAG, the task and the first line of the error, sent
to the log (always), and to a webhook or by e-mail when the environment configures one.

No Airflow here (the core imports none): the adapter in `crossborder.airflow_support` turns an
Airflow context into the fields `build_alert` takes. Sending never raises: an alert that cannot
be sent is logged, so a broken mail server never turns one failed task into two.

Configuration, from the environment only (the password never lives in a file):

    CROSSBORDER_ALERT_WEBHOOK_URL    JSON POST {"text", "dag_id", "task_id", "run_id", "error"}
    CROSSBORDER_ALERT_SMTP_HOST      e-mail through this server (when no webhook is set)
    CROSSBORDER_ALERT_SMTP_PORT      default 587
    CROSSBORDER_ALERT_SMTP_FROM      sender address
    CROSSBORDER_ALERT_SMTP_TO        recipients, comma-separated
    CROSSBORDER_ALERT_SMTP_USER      login (optional; with the password)
    CROSSBORDER_ALERT_SMTP_PASSWORD  login password (optional)
    CROSSBORDER_ALERT_SMTP_STARTTLS  "true" (default) or "false"
    CROSSBORDER_ALERT_TIMEOUT_S      seconds to wait for the webhook or mail server, default 10
"""

from __future__ import annotations

import logging
import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

log = logging.getLogger(__name__)

ENV_PREFIX = "CROSSBORDER_ALERT_"
DEFAULT_SMTP_PORT = 587
DEFAULT_TIMEOUT_S = 10.0
MAX_ERROR_LINE = 500  # a webhook message or a mail subject is no place for a whole traceback

Channel = Literal["log", "webhook", "smtp"]


@dataclass(frozen=True)
class Alert:
    """One failure, as it is sent."""

    dag_id: str
    task_id: str
    run_id: str
    error: str  # the first line of the error

    @property
    def subject(self) -> str:
        return f"crossborder: {self.dag_id}.{self.task_id} failed"

    @property
    def text(self) -> str:
        return f"{self.subject} (run {self.run_id}): {self.error}"

    def as_json(self) -> dict[str, str]:
        return {
            "text": self.text,
            "dag_id": self.dag_id,
            "task_id": self.task_id,
            "run_id": self.run_id,
            "error": self.error,
        }


def first_line(error: BaseException | str | None) -> str:
    """The first non-empty line of an error, prefixed with the exception's type."""
    if error is None:
        return "no error recorded"
    if isinstance(error, BaseException):
        message = str(error)
        kind = type(error).__name__
    else:
        message, kind = error, ""
    line = next((part.strip() for part in message.splitlines() if part.strip()), "")
    line = f"{kind}: {line}" if kind and line else (kind or line or "no error message")
    return line if len(line) <= MAX_ERROR_LINE else line[: MAX_ERROR_LINE - 1] + "…"


def build_alert(dag_id: str, task_id: str, run_id: str, error: BaseException | str | None) -> Alert:
    return Alert(dag_id=dag_id, task_id=task_id, run_id=run_id, error=first_line(error))


@dataclass(frozen=True)
class AlertConfig:
    """Where alerts go. Built from the environment by `alert_config_from_env`."""

    channel: Channel = "log"
    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = DEFAULT_SMTP_PORT
    smtp_from: str | None = None
    smtp_to: tuple[str, ...] = ()
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    timeout_s: float = DEFAULT_TIMEOUT_S

    def __repr__(self) -> str:  # never print the password into a log
        return f"AlertConfig(channel={self.channel!r}, webhook_url={'set' if self.webhook_url else None}, " + (
            f"smtp={self.smtp_host}:{self.smtp_port} to {', '.join(self.smtp_to)})"
        )


def alert_config_from_env(environ: Mapping[str, str] | None = None) -> AlertConfig:
    """The webhook when its URL is set, else e-mail when an SMTP host is set, else the log only.

    A malformed number falls back to its default with a warning: alert settings must not be able
    to break a task."""
    environ = os.environ if environ is None else environ

    def get(key: str) -> str | None:
        value = environ.get(ENV_PREFIX + key, "").strip()
        return value or None

    def number(key: str, default: float) -> float:
        raw = get(key)
        try:
            return float(raw) if raw else default
        except ValueError:
            log.warning("%s%s=%r is not a number; using %s", ENV_PREFIX, key, raw, default)
            return default

    webhook_url = get("WEBHOOK_URL")
    smtp_host = get("SMTP_HOST")
    channel: Channel = "webhook" if webhook_url else "smtp" if smtp_host else "log"
    return AlertConfig(
        channel=channel,
        webhook_url=webhook_url,
        smtp_host=smtp_host,
        smtp_port=int(number("SMTP_PORT", DEFAULT_SMTP_PORT)),
        smtp_from=get("SMTP_FROM"),
        smtp_to=tuple(part.strip() for part in (get("SMTP_TO") or "").split(",") if part.strip()),
        smtp_user=get("SMTP_USER"),
        smtp_password=get("SMTP_PASSWORD"),
        smtp_starttls=(get("SMTP_STARTTLS") or "true").lower() not in {"0", "false", "no", "off"},
        timeout_s=number("TIMEOUT_S", DEFAULT_TIMEOUT_S),
    )


def send_alert(alert: Alert, config: AlertConfig | None = None) -> bool:
    """Log the alert and send it on the configured channel. True when it was delivered (or the log
    is the channel); False, with the reason logged, when it could not be sent. Never raises."""
    config = alert_config_from_env() if config is None else config
    log.error("%s", alert.text)
    try:
        if config.channel == "webhook":
            _post_webhook(alert, config)
        elif config.channel == "smtp":
            _send_mail(alert, config)
    except Exception as exc:  # an alert that cannot be sent must not fail the caller
        log.warning("could not send the %s alert for %s.%s: %s", config.channel, alert.dag_id, alert.task_id, exc)
        return False
    return True


def _post_webhook(alert: Alert, config: AlertConfig) -> None:
    # Imported here: the DAG files import this module and must parse without requests.
    import requests

    assert config.webhook_url
    response = requests.post(config.webhook_url, json=alert.as_json(), timeout=config.timeout_s)
    response.raise_for_status()


def _send_mail(alert: Alert, config: AlertConfig) -> None:
    if not config.smtp_from or not config.smtp_to:
        raise ValueError(f"set {ENV_PREFIX}SMTP_FROM and {ENV_PREFIX}SMTP_TO to send alerts by e-mail")
    assert config.smtp_host
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = config.smtp_from
    message["To"] = ", ".join(config.smtp_to)
    message.set_content(
        f"{alert.text}\n\nDAG: {alert.dag_id}\nTask: {alert.task_id}\nRun: {alert.run_id}\nError: {alert.error}\n"
    )
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.timeout_s) as server:
        if config.smtp_starttls:
            server.starttls()
        if config.smtp_user and config.smtp_password:
            server.login(config.smtp_user, config.smtp_password)
        server.send_message(message)

"""crossborder.core.alerts: the message, the configuration from the environment, and delivery to a
local webhook (pytest-httpserver) and a local fake SMTP server; a channel that fails never raises."""

from __future__ import annotations

import json
import logging
import socketserver
import threading

import pytest

from crossborder.core.alerts import Alert, AlertConfig, alert_config_from_env, build_alert, first_line, send_alert

ERROR = ValueError("cbp: encounters file has new columns: Foo, Bar\nTraceback (most recent call last):\n  ...")


def test_the_message_names_the_dag_the_task_and_the_first_error_line():
    alert = build_alert("warehouse", "validate", "manual__2026-12-01", ERROR)
    assert alert.error == "ValueError: cbp: encounters file has new columns: Foo, Bar"
    assert alert.subject == "crossborder: warehouse.validate failed"
    assert alert.text == (
        "crossborder: warehouse.validate failed (run manual__2026-12-01): "
        "ValueError: cbp: encounters file has new columns: Foo, Bar"
    )
    assert "Traceback" not in alert.text


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (None, "no error recorded"),
        ("\n\n  disk full  \nmore", "disk full"),
        (RuntimeError(), "RuntimeError"),
        ("x" * 2000, "x" * 499 + "…"),
    ],
)
def test_first_line(error, expected):
    assert first_line(error) == expected


def test_the_log_is_the_default_channel(caplog):
    config = alert_config_from_env({})
    assert config.channel == "log"
    with caplog.at_level(logging.ERROR, logger="crossborder.core.alerts"):
        assert send_alert(build_alert("extract_cbp", "download", "r1", ERROR), config)
    assert "extract_cbp.download failed" in caplog.text


def test_configuration_from_the_environment():
    config = alert_config_from_env(
        {
            "CROSSBORDER_ALERT_SMTP_HOST": "mail.example.invalid",
            "CROSSBORDER_ALERT_SMTP_PORT": "2525",
            "CROSSBORDER_ALERT_SMTP_FROM": "airflow@example.invalid",
            "CROSSBORDER_ALERT_SMTP_TO": "a@example.invalid, b@example.invalid",
            "CROSSBORDER_ALERT_SMTP_PASSWORD": "from-the-environment",
            "CROSSBORDER_ALERT_SMTP_STARTTLS": "false",
            "CROSSBORDER_ALERT_TIMEOUT_S": "not a number",
        }
    )
    assert config.channel == "smtp"
    assert (config.smtp_port, config.smtp_to, config.smtp_starttls) == (
        2525,
        ("a@example.invalid", "b@example.invalid"),
        False,
    )
    assert config.timeout_s == 10.0
    assert "from-the-environment" not in repr(config)
    # A webhook URL wins over SMTP.
    both = {"CROSSBORDER_ALERT_WEBHOOK_URL": "http://x", "CROSSBORDER_ALERT_SMTP_HOST": "h"}
    assert alert_config_from_env(both).channel == "webhook"


def test_the_webhook_gets_a_json_post(httpserver):
    alert = build_alert("warehouse", "publish", "scheduled__1", ERROR)
    httpserver.expect_oneshot_request("/hook", method="POST", json=alert.as_json()).respond_with_data("ok")
    config = alert_config_from_env({"CROSSBORDER_ALERT_WEBHOOK_URL": httpserver.url_for("/hook")})
    assert send_alert(alert, config)
    httpserver.check_assertions()


def test_a_failing_webhook_does_not_raise(httpserver, caplog):
    httpserver.expect_request("/hook").respond_with_data("broken", status=500)
    config = AlertConfig(channel="webhook", webhook_url=httpserver.url_for("/hook"), timeout_s=2)
    with caplog.at_level(logging.WARNING, logger="crossborder.core.alerts"):
        assert not send_alert(build_alert("warehouse", "report", "r", ERROR), config)
    assert "could not send the webhook alert for warehouse.report" in caplog.text


def test_an_unreachable_webhook_does_not_raise():
    config = AlertConfig(channel="webhook", webhook_url="http://127.0.0.1:9/nothing-listens", timeout_s=1)
    assert not send_alert(build_alert("d", "t", "r", "boom"), config)


class FakeSmtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib (no TLS, no AUTH): records each message's DATA."""

    received: list[str] = []

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 fake")
        while line := self.rfile.readline().decode().strip():
            verb = line.split(" ", 1)[0].upper()
            if verb == "DATA":
                self.reply("354 go on")
                body = []
                while (data := self.rfile.readline().decode()) not in {".\r\n", ""}:
                    body.append(data)
                self.received.append("".join(body))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server():
    FakeSmtp.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeSmtp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_mail_is_sent_through_smtp(smtp_server):
    config = AlertConfig(
        channel="smtp",
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.server_address[1],
        smtp_from="airflow@example.invalid",
        smtp_to=("oncall@example.invalid",),
        smtp_starttls=False,
        timeout_s=5,
    )
    assert send_alert(build_alert("warehouse", "validate", "r9", ERROR), config)
    (mail,) = FakeSmtp.received
    assert "Subject: crossborder: warehouse.validate failed" in mail
    assert "To: oncall@example.invalid" in mail
    assert "ValueError: cbp: encounters file has new columns: Foo, Bar" in mail


def test_smtp_without_recipients_or_server_does_not_raise():
    assert not send_alert(Alert("d", "t", "r", "e"), AlertConfig(channel="smtp", smtp_host="127.0.0.1"))
    unreachable = AlertConfig(
        channel="smtp", smtp_host="127.0.0.1", smtp_port=9, smtp_from="a@x", smtp_to=("b@x",), timeout_s=1
    )
    assert not send_alert(Alert("d", "t", "r", "e"), unreachable)


def test_the_json_payload_is_flat_text():
    payload = build_alert("a", "b", "c", ERROR).as_json()
    assert json.loads(json.dumps(payload)) == payload
    assert set(payload) == {"text", "dag_id", "task_id", "run_id", "error"}

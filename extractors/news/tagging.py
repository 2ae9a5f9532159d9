"""Topic and border-region tagging of news items, by the rules in config/news_topics.yaml.

The rules are data, not code: regular expressions per topic, matched as whole words in an item's
title + summary. `Tagger.version` (a hash of the rules) goes into each records file's meta, so a
change of rules re-derives the records from the raw files.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from crossborder.core.errors import CrossborderError

TOPICS = (
    "sex_trafficking",
    "labour_trafficking",
    "human_trafficking",
    "human_smuggling",
    "drugs_fentanyl",
    "migration_asylum",
    "border_enforcement",
)
BORDER_REGIONS = ("northern", "southwest")


@dataclass(frozen=True)
class _Rule:
    name: str
    include: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.include) and not any(p.search(text) for p in self.exclude)


def _compile(name: str, spec: dict[str, Any], where: str) -> _Rule:
    if not isinstance(spec, dict):
        raise CrossborderError(f"{where}: rule {name!r} must be a mapping with `patterns`")
    try:
        include = [re.compile(rf"\b(?:{p})\b", re.IGNORECASE) for p in spec.get("patterns") or []]
        include += [re.compile(rf"\b{re.escape(a)}\b") for a in spec.get("acronyms") or []]
        exclude = [re.compile(rf"\b(?:{p})\b", re.IGNORECASE) for p in spec.get("exclude") or []]
    except re.error as exc:
        raise CrossborderError(f"{where}: rule {name!r} has an invalid pattern: {exc}") from None
    if not include:
        raise CrossborderError(f"{where}: rule {name!r} has no patterns")
    return _Rule(name, tuple(include), tuple(exclude))


class Tagger:
    def __init__(self, rules: dict[str, Any], where: str = "tagging rules"):
        topics = rules.get("topics") or {}
        regions = rules.get("border_regions") or {}
        unknown = sorted(set(topics) - set(TOPICS)) + sorted(set(regions) - set(BORDER_REGIONS))
        if unknown:
            raise CrossborderError(
                f"{where}: unknown topic or border region {', '.join(unknown)} "
                f"(known: {', '.join(TOPICS + BORDER_REGIONS)})"
            )
        self.topics = [_compile(name, spec, where) for name, spec in topics.items()]
        self.regions = [_compile(name, spec, where) for name, spec in regions.items()]
        self.version = hashlib.sha256(json.dumps(rules, sort_keys=True, default=str).encode()).hexdigest()[:16]

    @classmethod
    def from_file(cls, path: Path) -> Tagger:
        try:
            rules = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise CrossborderError(f"news: tagging rules file {path} not found") from None
        except yaml.YAMLError as exc:
            raise CrossborderError(f"news: tagging rules file {path} is not valid YAML: {exc}") from None
        if not isinstance(rules, dict):
            raise CrossborderError(f"news: tagging rules file {path} must hold a mapping")
        return cls(rules, where=str(path))

    def __call__(self, text: str) -> tuple[list[str], list[str]]:
        """(topics, border regions) the text matches, each in the order of TOPICS / BORDER_REGIONS."""
        topics = {rule.name for rule in self.topics if rule.matches(text)}
        regions = {rule.name for rule in self.regions if rule.matches(text)}
        return [t for t in TOPICS if t in topics], [r for r in BORDER_REGIONS if r in regions]

"""`crossborder verify`: is the landing zone intact? Every raw object must still hash to the sha256
it is named by, and every manifest line must point at an existing object of that sha256.

Offline and read-only: it reports, one line per problem, and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from crossborder.core.config import Settings
from crossborder.core.landing import LandingZone, ManifestEntry
from extractors import SOURCES


@dataclass(frozen=True)
class VerifyResult:
    objects: int  # raw objects checked
    manifest_lines: int  # manifest lines checked
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verdict = "ok" if self.ok else f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        return f"verify: {self.objects} raw objects and {self.manifest_lines} manifest lines checked: {verdict}"


def _manifest_lines(landing: LandingZone) -> Iterator[tuple[int, ManifestEntry | None, str]]:
    """(line number, entry or None when unreadable, why unreadable) of every complete manifest line;
    a line being appended right now (no newline yet) is not judged."""
    if not landing.manifest_path.exists():
        return
    with landing.manifest_path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.endswith("\n") or not line.strip():
                continue
            try:
                yield number, ManifestEntry(**json.loads(line)), ""
            except (ValueError, TypeError) as exc:
                yield number, None, str(exc)


def _entry_problem(landing: LandingZone, entry: ManifestEntry, object_problems: dict[str, str | None]) -> str | None:
    """What is wrong with where a manifest line points: its object (named by its sha256) missing or damaged."""
    if not entry.sha256 or not entry.path.startswith(f"objects/{entry.sha256[:2]}/{entry.sha256}"):
        return f"points at {entry.path!r}, not at an object named by its sha256 {entry.sha256!r}"
    path = landing.object_path(entry)
    if not path.is_file():
        return f"points at {path}, which is missing"
    if object_problems.get(entry.path):
        return f"points at {path}, whose bytes no longer match its sha256"
    return None


def verify_source(landing: LandingZone) -> VerifyResult:
    """Check one source's raw objects and manifest."""
    problems: list[str] = []
    object_problems: dict[str, str | None] = {}
    objects = landing.object_files()
    for path in objects:
        problem = landing.object_problem(path)
        object_problems[str(path.relative_to(landing.root))] = problem
        if problem:
            problems.append(problem)
    lines = 0
    for number, entry, unreadable in _manifest_lines(landing):
        lines += 1
        where = f"{landing.source}: {landing.manifest_path}:{number}"
        if entry is None:
            problems.append(f"{where}: unreadable manifest line: {unreadable}")
        elif problem := _entry_problem(landing, entry, object_problems):
            problems.append(f"{where} ({entry.url}): {problem}")
    return VerifyResult(len(objects), lines, problems)


def verify(settings: Settings) -> VerifyResult:
    """Check every source's landing zone."""
    results = [verify_source(LandingZone(settings.raw_dir, source)) for source in SOURCES]
    return VerifyResult(
        sum(r.objects for r in results),
        sum(r.manifest_lines for r in results),
        [problem for r in results for problem in r.problems],
    )

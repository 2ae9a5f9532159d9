"""The canned questions of the explorer: the example queries of docs/analyst-marts.md.

Each fenced ```sql block of that guide is a question; the paragraph right above it says what it
asks. The guide stays the one place they are written (its examples are tested against the demo
warehouse); the explorer answers them with DuckDB on the release, so their SQL keeps DuckDB's
dialect and never has to be translated for SQLite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

QUESTIONS_DOC = Path("docs") / "analyst-marts.md"
_FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass(frozen=True)
class Question:
    slug: str  # the SQLite table that holds its answer
    title: str  # the paragraph's first clause
    text: str  # the whole paragraph
    sql: str


def _title(text: str) -> str:
    """The first clause of the paragraph: up to its first colon or parenthesis."""
    head = re.split(r":\s|\s\(", text, maxsplit=1)[0].strip().rstrip(":")
    return head or text


def questions_in(markdown: str) -> list[Question]:
    """Every ```sql block of the Markdown text with the paragraph above it, in order."""
    lines = markdown.splitlines()
    found: list[Question] = []
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        end = next((i for i in range(index + 1, len(lines)) if _FENCE.match(lines[i])), len(lines))
        if fence.group(1) == "sql":
            above = index - 1
            while above >= 0 and not lines[above].strip():
                above -= 1
            paragraph: list[str] = []
            while above >= 0 and lines[above].strip() and not lines[above].startswith(("#", "```", "|")):
                paragraph.insert(0, lines[above].strip())
                above -= 1
            text = " ".join(paragraph)
            found.append(
                Question(
                    slug=f"question_{len(found) + 1}",
                    title=_title(text) if text else f"Question {len(found) + 1}",
                    text=text,
                    sql="\n".join(lines[index + 1 : end]).strip(),
                )
            )
        index = end + 1
    return found


def load_questions(project_root: Path) -> list[Question]:
    """The questions of the guide in the project (none when the guide is not there)."""
    try:
        return questions_in((project_root / QUESTIONS_DOC).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []

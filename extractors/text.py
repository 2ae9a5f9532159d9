"""The normal form names and titles are matched in, in Python: the same as dbt's macro
normalize_country_alias (macros/country.sql; tests/unit/test_text.py compares the two)."""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_country_alias(text: str) -> str:
    """Lower case, accents stripped (canonical decomposition, combining marks dropped), every run
    of characters other than a-z and 0-9 one space, trimmed: 'CÔTE D’IVOIRE' -> 'cote d ivoire'."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub(" ", stripped).strip()

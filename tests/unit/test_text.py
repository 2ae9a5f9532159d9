"""The one Python normal form of names (extractors.text), equal to the dbt macro normalize_country_alias."""

from __future__ import annotations

import re

import duckdb

from crossborder.core.config import PROJECT_ROOT
from extractors.text import normalize_country_alias


def test_normalized_alias_form():
    assert normalize_country_alias("Congo, Democratic Republic of the") == "congo democratic republic of the"
    assert normalize_country_alias("CÔTE D’IVOIRE") == "cote d ivoire"
    assert normalize_country_alias(" TÜRKİYE ") == "turkiye"


def test_python_normal_form_equals_the_dbt_macro():
    macro = (PROJECT_ROOT / "dbt_project" / "macros" / "country.sql").read_text(encoding="utf-8")
    body = re.search(r"macro normalize_country_alias\(expr\) -%}\s*(.*?)\s*{%- endmacro", macro, re.S)[1]
    sql = "select " + body.replace("{{ expr }}", "?")
    samples = [
        "  Congo, Democratic Republic of the ",
        "CÔTE D’IVOIRE",
        "TÜRKİYE",
        "São Tomé & Príncipe",
        "Timor-Leste",
        "St. Vincent and the Grenadines",
        "Korea (North)",
    ]
    con = duckdb.connect()
    try:
        assert [con.execute(sql, [s]).fetchone()[0] for s in samples] == [normalize_country_alias(s) for s in samples]
    finally:
        con.close()

"""The country contract: every spelling of a country the TIP report uses in its headings maps to one
ISO code through seeds/country_aliases.csv, and the Python normal form equals the dbt macro's."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest

from crossborder.core.config import PROJECT_ROOT
from extractors.tip_parser import normalize_country_alias, strip_qualifier

SEEDS = PROJECT_ROOT / "dbt_project" / "seeds"

# Country headings of the editions since 2017 (upper case as the report writes them), and a few
# spellings other sources use.
TIP_SPELLINGS = [
    "AFGHANISTAN",
    "ALBANIA",
    "ALGERIA",
    "ANGOLA",
    "ANTIGUA AND BARBUDA",
    "ARGENTINA",
    "ARMENIA",
    "ARUBA",
    "AUSTRALIA",
    "AUSTRIA",
    "AZERBAIJAN",
    "THE BAHAMAS",
    "BAHAMAS, THE",
    "BAHRAIN",
    "BANGLADESH",
    "BARBADOS",
    "BELARUS",
    "BELGIUM",
    "BELIZE",
    "BENIN",
    "BHUTAN",
    "BOLIVIA",
    "BOSNIA AND HERZEGOVINA",
    "BOTSWANA",
    "BRAZIL",
    "BRUNEI",
    "BULGARIA",
    "BURKINA FASO",
    "BURMA",
    "BURUNDI",
    "CABO VERDE",
    "CAMBODIA",
    "CAMEROON",
    "CANADA",
    "CENTRAL AFRICAN REPUBLIC",
    "CHAD",
    "CHILE",
    "CHINA",
    "PEOPLE'S REPUBLIC OF CHINA",
    "COLOMBIA",
    "COMOROS",
    "CONGO, DEMOCRATIC REPUBLIC OF THE",
    "CONGO, REPUBLIC OF THE",
    "DEMOCRATIC REPUBLIC OF THE CONGO",
    "REPUBLIC OF THE CONGO",
    "COSTA RICA",
    "CÔTE D'IVOIRE",
    "COTE D’IVOIRE",
    "CROATIA",
    "CUBA",
    "CURAÇAO",
    "CURACAO",
    "CYPRUS",
    "CZECH REPUBLIC",
    "CZECHIA",
    "DENMARK",
    "DJIBOUTI",
    "DOMINICA",
    "DOMINICAN REPUBLIC",
    "ECUADOR",
    "EGYPT",
    "EL SALVADOR",
    "EQUATORIAL GUINEA",
    "ERITREA",
    "ESTONIA",
    "ESWATINI",
    "ETHIOPIA",
    "FIJI",
    "FINLAND",
    "FRANCE",
    "GABON",
    "THE GAMBIA",
    "GAMBIA, THE",
    "GEORGIA",
    "GERMANY",
    "GHANA",
    "GREECE",
    "GUATEMALA",
    "GUINEA",
    "GUINEA-BISSAU",
    "GUYANA",
    "HAITI",
    "HONDURAS",
    "HONG KONG",
    "HUNGARY",
    "ICELAND",
    "INDIA",
    "INDONESIA",
    "IRAN",
    "IRAQ",
    "IRELAND",
    "ISRAEL",
    "ITALY",
    "JAMAICA",
    "JAPAN",
    "JORDAN",
    "KAZAKHSTAN",
    "KENYA",
    "KIRIBATI",
    "KOREA, NORTH",
    "KOREA, SOUTH",
    "NORTH KOREA",
    "SOUTH KOREA",
    "KOSOVO",
    "KUWAIT",
    "KYRGYZ REPUBLIC",
    "LAOS",
    "LATVIA",
    "LEBANON",
    "LESOTHO",
    "LIBERIA",
    "LIBYA",
    "LITHUANIA",
    "LUXEMBOURG",
    "MACAU",
    "MADAGASCAR",
    "MALAWI",
    "MALAYSIA",
    "MALDIVES",
    "MALI",
    "MALTA",
    "MARSHALL ISLANDS",
    "MAURITANIA",
    "MAURITIUS",
    "MEXICO",
    "MICRONESIA",
    "MICRONESIA, FEDERATED STATES OF",
    "MOLDOVA",
    "MONGOLIA",
    "MONTENEGRO",
    "MOROCCO",
    "MOZAMBIQUE",
    "NAMIBIA",
    "NEPAL",
    "NETHERLANDS",
    "THE NETHERLANDS",
    "NEW ZEALAND",
    "NICARAGUA",
    "NIGER",
    "NIGERIA",
    "NORTH MACEDONIA",
    "MACEDONIA",
    "NORWAY",
    "OMAN",
    "PAKISTAN",
    "PALAU",
    "PANAMA",
    "PAPUA NEW GUINEA",
    "PARAGUAY",
    "PERU",
    "PHILIPPINES",
    "THE PHILIPPINES",
    "POLAND",
    "PORTUGAL",
    "QATAR",
    "ROMANIA",
    "RUSSIA",
    "RWANDA",
    "SAINT LUCIA",
    "ST. LUCIA",
    "SAINT VINCENT AND THE GRENADINES",
    "ST. VINCENT AND THE GRENADINES",
    "SAINT KITTS AND NEVIS",
    "ST. KITTS AND NEVIS",
    "SAMOA",
    "SAUDI ARABIA",
    "SENEGAL",
    "SERBIA",
    "SEYCHELLES",
    "SIERRA LEONE",
    "SINGAPORE",
    "SINT MAARTEN",
    "ST. MAARTEN",
    "SLOVAK REPUBLIC",
    "SLOVAKIA",
    "SLOVENIA",
    "SOLOMON ISLANDS",
    "SOMALIA",
    "SOUTH AFRICA",
    "SOUTH SUDAN",
    "SPAIN",
    "SRI LANKA",
    "SUDAN",
    "SURINAME",
    "SWAZILAND",
    "SWEDEN",
    "SWITZERLAND",
    "SYRIA",
    "TAIWAN",
    "TAJIKISTAN",
    "TANZANIA",
    "THAILAND",
    "TIMOR-LESTE",
    "TOGO",
    "TONGA",
    "TRINIDAD AND TOBAGO",
    "TUNISIA",
    "TURKEY",
    "TÜRKIYE",
    "TÜRKİYE",
    "TURKMENISTAN",
    "TUVALU",
    "UGANDA",
    "UKRAINE",
    "UNITED ARAB EMIRATES",
    "UNITED KINGDOM",
    "UNITED STATES OF AMERICA",
    "UNITED STATES",
    "URUGUAY",
    "UZBEKISTAN",
    "VANUATU",
    "VENEZUELA",
    "VIETNAM",
    "YEMEN",
    "ZAMBIA",
    "ZIMBABWE",
    "SÃO TOMÉ AND PRÍNCIPE",
    "SAO TOME AND PRINCIPE",
    "GRENADA",
    "NAURU",
    "ANDORRA",
    "MONACO",
    "SAN MARINO",
    "LIECHTENSTEIN",
    "BOSNIA & HERZEGOVINA",
    "CHINA (INCLUDES TIBET, HONG KONG, AND MACAU)",
]


def aliases() -> dict[str, str]:
    with (SEEDS / "country_aliases.csv").open(encoding="utf-8", newline="") as seed:
        rows = list(csv.DictReader(seed))
    normal = [normalize_country_alias(row["alias"]) for row in rows]
    assert len(normal) == len(set(normal)), "two aliases share a normal form"
    return dict(zip(normal, (row["iso3"] for row in rows)))


def test_every_tip_spelling_maps_to_a_country():
    known = aliases()
    unmapped = [name for name in TIP_SPELLINGS if normalize_country_alias(strip_qualifier(name)) not in known]
    assert unmapped == []


@pytest.mark.parametrize(
    "name, iso3",
    [
        ("BURMA", "MMR"),
        ("KOREA, NORTH", "PRK"),
        ("KOREA, SOUTH", "KOR"),
        ("CONGO, DEMOCRATIC REPUBLIC OF THE", "COD"),
        ("CONGO, REPUBLIC OF THE", "COG"),
        ("CÔTE D’IVOIRE", "CIV"),
        ("HONG KONG", "HKG"),
        ("MACAU", "MAC"),
        ("CURAÇAO", "CUW"),
        ("KOSOVO", "XKX"),
        ("TÜRKİYE", "TUR"),
        ("UNITED STATES OF AMERICA", "USA"),
    ],
)
def test_tip_spellings_map_to_the_right_code(name, iso3):
    assert aliases()[normalize_country_alias(name)] == iso3


def test_names_of_two_countries_are_not_aliases():
    known = aliases()
    assert "congo" not in known and "korea" not in known


def test_every_alias_names_a_country_of_the_dimension():
    with (SEEDS / "country_codes.csv").open(encoding="utf-8", newline="") as seed:
        codes = {row["iso3"]: row for row in csv.DictReader(seed)}
    assert set(aliases().values()) <= set(codes)
    assert codes["NAM"]["iso2"] == "NA"  # Namibia, not a null
    assert (codes["XKX"]["iso2"], codes["HKG"]["is_territory"], codes["TWN"]["is_territory"]) == ("XK", "true", "false")


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

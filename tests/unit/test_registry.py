"""The source registry: cheap to import (the DAG files import it at parse time), one Source per
source, and each source's datasets as the record schema declares them."""

from __future__ import annotations

import subprocess
import sys

import pytest

import extractors
from crossborder.core.errors import CrossborderError
from extractors.base import Source
from extractors.schema import declared_record_columns


def test_importing_the_registry_loads_no_heavy_library():
    code = (
        "import sys, extractors, extractors.base\n"
        "heavy = ('requests', 'bs4', 'lxml', 'duckdb', 'trafilatura', 'defusedxml')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", sorted(extractors.SOURCES))
def test_each_source_is_a_source_with_the_declared_datasets(name):
    source = extractors.source(name)
    assert isinstance(source, Source) and source.name == name
    assert tuple(declared_record_columns()[name]) == source.DATASETS
    assert isinstance(source.PARSER_VERSION, int)


def test_every_declared_source_is_registered():
    assert set(declared_record_columns()) == set(extractors.SOURCES)


def test_an_unknown_source_is_refused_naming_the_known_ones():
    with pytest.raises(CrossborderError, match="unknown source 'ofo' .known: cbp, news, ohss, statcan, tip."):
        extractors.source("ofo")

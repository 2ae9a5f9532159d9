"""Finding the full-table zip: the WDS answer, and the rewrite onto a mirror."""

from __future__ import annotations

import json

import pytest

from extractors.csv_files import SchemaError
from extractors.statcan.discover import onto_base_url, zip_url_from_wds


def test_wds_answer_and_mirror_rewrite():
    body = json.dumps(
        {"status": "SUCCESS", "object": "https://www150.statcan.gc.ca/n1/tbl/csv/35100177-eng.zip"}
    ).encode()
    url = zip_url_from_wds(body, "w")
    assert (
        onto_base_url(url, "http://127.0.0.1:9/mirror", ("www150.statcan.gc.ca",))
        == "http://127.0.0.1:9/mirror/n1/tbl/csv/35100177-eng.zip"
    )
    assert onto_base_url(url, "https://www150.statcan.gc.ca", ("www150.statcan.gc.ca",)) == url
    with pytest.raises(SchemaError, match="not a successful WDS reply"):
        zip_url_from_wds(b'{"status": "FAILED", "object": "Table not found"}', "w")
    with pytest.raises(SchemaError, match="not JSON"):
        zip_url_from_wds(b"<html>", "w")

"""The inputs fingerprint behind `crossborder run`'s no-change skip: it follows what a build reads
(record bytes, settings) and not file times, and the published warehouse matches it only while it
is the very file published. The skip itself on a real rerun: tests/e2e/test_cbp_e2e.py."""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import replace

import pytest

from crossborder.core.config import load_settings
from crossborder.pipeline.inputs import inputs_fingerprint, published_from, record_published


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(tmp_path / "data"))
    return load_settings()


def _write_records(settings, rows, name="release-a"):
    path = settings.raw_dir / "cbp" / "records" / "encounters" / f"{name}.jsonl.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode(), mtime=0))
    return path


def test_the_fingerprint_follows_record_bytes_not_file_times(settings):
    records = _write_records(settings, [{"encounter_count": 10}])
    first = inputs_fingerprint(settings)
    assert inputs_fingerprint(settings) == first

    # Re-derived to the same bytes (a new mtime): nothing a build reads changed.
    os.utime(records, (1, 1))
    _write_records(settings, [{"encounter_count": 10}])
    assert inputs_fingerprint(settings) == first

    _write_records(settings, [{"encounter_count": 11}])  # a revised count
    revised = inputs_fingerprint(settings)
    assert revised != first

    _write_records(settings, [{"encounter_count": 1}], name="release-b")  # a new release
    assert inputs_fingerprint(settings) not in {first, revised}


def test_the_fingerprint_follows_the_gates_thresholds(settings):
    _write_records(settings, [{"encounter_count": 10}])
    before = inputs_fingerprint(settings)
    cbp = settings.sources["cbp"]
    looser = replace(cbp, options={**cbp.options, "max_release_drop_share": 0.05})
    assert inputs_fingerprint(replace(settings, sources={**settings.sources, "cbp": looser})) != before


def test_the_published_warehouse_matches_only_while_it_is_the_file_published(settings):
    _write_records(settings, [{"encounter_count": 10}])
    inputs = inputs_fingerprint(settings)
    assert not published_from(settings, inputs)  # nothing published yet

    settings.warehouse_path.write_bytes(b"a warehouse")
    from crossborder.core.files import sha256_of

    record_published(settings, inputs, sha256_of(settings.warehouse_path))
    assert published_from(settings, inputs)
    assert not published_from(settings, "0" * 64)  # built from something else

    settings.warehouse_path.write_bytes(b"a warehouse, altered")  # replaced behind crossborder's back
    assert not published_from(settings, inputs)
    settings.warehouse_path.unlink()
    assert not published_from(settings, inputs)

    settings.published_info_path.write_text("{not json")
    assert not published_from(settings, inputs)

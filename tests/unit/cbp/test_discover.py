"""Finding CBP's releases (pure functions): the release a link names, and the links of a landing page."""

from __future__ import annotations

import pytest

from extractors.cbp.discover import discover_releases, release_from_url
from tests.samples.cbp import landing_page

BASE = "https://www.cbp.gov"


@pytest.mark.parametrize(
    "url, release_id, published, first, last, month",
    [
        (
            f"{BASE}/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-aor.csv",
            "2024-10/nationwide-encounters-fy21-fy24-aor",
            "2024-10-01",
            2021,
            2024,
            None,
        ),
        (
            f"{BASE}/sites/default/files/assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-aor.csv",
            "assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-aor",
            "2023-11-01",
            2020,
            2023,
            None,
        ),
        (
            f"{BASE}/sites/default/files/2025-03/nationwide-encounters-fy22-fy25-feb-aor.csv",
            "2025-03/nationwide-encounters-fy22-fy25-feb-aor",
            "2025-03-01",
            2022,
            2025,
            "feb",
        ),
        (
            f"{BASE}/sites/default/files/2026-01/nationwide-drugs-fy23-fy26-dec.csv",
            "2026-01/nationwide-drugs-fy23-fy26-dec",
            "2026-01-01",
            2023,
            2026,
            "dec",
        ),
    ],
)
def test_release_identity_from_folder_and_file_name(url, release_id, published, first, last, month):
    release = release_from_url(url)
    assert (
        release.release_id,
        release.release_published,
        release.release_first_fy,
        release.release_last_fy,
        release.release_month,
    ) == (release_id, published, first, last, month)


@pytest.mark.parametrize(
    "name",
    [
        "nationwide-encounters-fy21-fy24-state.csv",  # the by-state sibling is not the AOR file
        "nationwide-encounters-fy21-fy24.pdf",
        "southwest-land-border-encounters.csv",
    ],
)
def test_links_that_are_not_nationwide_aor_or_drug_files_are_ignored(name):
    assert release_from_url(f"{BASE}/sites/default/files/2024-10/{name}") is None


def test_discover_releases_resolves_relative_links_and_skips_the_rest():
    html = landing_page(
        "Nationwide Encounters",
        [
            "/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-aor.csv",
            "/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-state.csv",
            "https://www.cbp.gov/sites/default/files/2025-03/nationwide-encounters-fy22-fy25-feb-aor.csv",
            "/newsroom/stats",
        ],
    ).encode()
    releases = discover_releases(html, f"{BASE}/document/stats/nationwide-encounters")
    assert [r.url for r in releases] == [
        f"{BASE}/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-aor.csv",
        f"{BASE}/sites/default/files/2025-03/nationwide-encounters-fy22-fy25-feb-aor.csv",
    ]

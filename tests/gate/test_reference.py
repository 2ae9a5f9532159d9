"""Domain facts declared once as dbt seeds, read by dbt and by Python (crossborder.core.reference)."""

from __future__ import annotations

from crossborder.core import reference
from tests.gate.conftest import Demo


def test_the_loader_reads_the_placements_seed():
    assert reference.tip_placement_names() == ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")
    assert reference.tip_tier_ranks() == {"Tier 1": 1, "Tier 2": 2, "Tier 2 Watch List": 3, "Tier 3": 4}
    special = reference.tip_placements()[-1]
    assert special.placement == "Special Case" and special.tier_rank is None and not special.is_ranked


def test_the_loader_reads_the_cbp_seeds():
    assert reference.cbp_component_names() == (
        "Office of Field Operations",
        "U.S. Border Patrol",
        "Air and Marine Operations",
    )
    assert [c.component_code for c in reference.cbp_components()] == ["ofo", "usbp", "amo"]
    assert reference.cbp_region_names("encounters") == ("Southwest Land Border", "Northern Land Border", "Other")
    assert reference.cbp_region_names("drug_seizures") == ("Southwest Border", "Northern Border", "Coastal/Interior")
    assert reference.cbp_region("encounters", "northern") == "Northern Land Border"
    assert reference.cbp_region("drug_seizures", "northern") == "Northern Border"


def test_dbt_builds_the_same_facts_and_ranks_placements_with_them(demo: Demo):
    seeded = demo.query(
        "select placement, tier_rank, sort_order, is_ranked from reference.tip_placements order by sort_order"
    )
    assert seeded == [(p.placement, p.tier_rank, p.sort_order, p.is_ranked) for p in reference.tip_placements()]
    ranks = reference.tip_tier_ranks()
    for placement, rank in demo.query("select distinct placement, tier_rank from marts.fct_tip_tier_placements"):
        assert rank == ranks.get(placement)
    regions = demo.query("select dataset, region from reference.cbp_border_regions order by dataset, sort_order")
    assert regions == [(r.dataset, r.region) for r in reference.cbp_border_regions()]

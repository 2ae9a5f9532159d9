{#- Ordinal rank of a TIP placement, read from seeds/tip_placements.csv (the one place the
    placements and their ranks are declared): Tier 1 = 1, Tier 2 = 2, Tier 2 Watch List = 3,
    Tier 3 = 4; Special Case (and anything else) null: it is kept apart, not ranked.
    The seed's columns are renamed in the subquery so that `placement` names the caller's column. -#}
{% macro tip_tier_rank(placement) -%}
    (
        select tip_placement_ranks.placement_rank
        from (
            select seed.placement as placement_name, seed.tier_rank as placement_rank
            from {{ ref('tip_placements') }} as seed
        ) as tip_placement_ranks
        where tip_placement_ranks.placement_name = {{ placement }}
    )
{%- endmacro %}

-- One row per TIP edition loaded: how many countries it places and, when the previous year's
-- edition is loaded too, how many moved (fct_tip_tier_placements.movement). Feeds the report's
-- TIP reading, its "since the previous edition" note and the provenance table.

with

placements as (

    select * from {{ ref('fct_tip_tier_placements') }}

),

editions as (

    select
        report_year,
        count(*) as countries_placed,
        count(*) filter (where movement = 'upgrade') as upgrades,
        count(*) filter (where movement = 'downgrade') as downgrades,
        count(*) filter (where movement = 'new') as new_placements,
        count(*) filter (where movement = 'unranked') as unranked_changes
    from placements
    group by report_year

),

final as (

    select
        editions.report_year,
        cast(editions.countries_placed as integer) as countries_placed,
        previous.report_year is not null as previous_edition_loaded,
        cast(editions.upgrades as integer) as upgrades,
        cast(editions.downgrades as integer) as downgrades,
        cast(editions.new_placements as integer) as new_placements,
        cast(editions.unranked_changes as integer) as unranked_changes,
        editions.report_year = max(editions.report_year) over () as is_latest_edition
    from editions
    left join editions as previous
        on editions.report_year - 1 = previous.report_year

)

select * from final

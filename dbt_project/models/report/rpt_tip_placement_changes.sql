-- The briefing report's table "Changes of placement": every country whose placement in the
-- latest TIP edition differs from the previous year's edition (upgrade, downgrade, unranked:
-- to or from Special Case) or that the previous edition did not place (new). Empty when the
-- previous year's edition is not loaded.

with

placements as (

    select * from {{ ref('fct_tip_tier_placements') }}

),

latest as (

    select max(report_year) as report_year from placements

),

final as (

    select
        placements.report_year,
        placements.report_year - 1 as previous_report_year,
        placements.iso3,
        placements.country_name,
        placements.movement,
        placements.previous_placement,
        placements.placement
    from placements
    inner join latest
        on placements.report_year = latest.report_year
    where placements.movement in ('upgrade', 'downgrade', 'new', 'unranked')

)

select * from final

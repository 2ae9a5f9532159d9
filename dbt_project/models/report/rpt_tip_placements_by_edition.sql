-- The briefing report's chart "Countries by tier": countries placed per TIP edition and
-- placement, every placement of rpt_tip_placements in every edition (0 when the edition places
-- no country there).

with

placements as (

    select * from {{ ref('fct_tip_tier_placements') }}

),

placement_list as (

    select * from {{ ref('rpt_tip_placements') }}

),

editions as (

    select distinct report_year from placements

),

counts as (

    select
        report_year,
        placement,
        count(*) as countries
    from placements
    group by report_year, placement

),

final as (

    select
        editions.report_year,
        placement_list.placement,
        placement_list.tier_rank,
        placement_list.placement_order,
        cast(coalesce(counts.countries, 0) as integer) as countries,
        editions.report_year = max(editions.report_year) over () as is_latest_edition
    from editions
    cross join placement_list
    left join counts
        on
            editions.report_year = counts.report_year
            and placement_list.placement = counts.placement

)

select * from final

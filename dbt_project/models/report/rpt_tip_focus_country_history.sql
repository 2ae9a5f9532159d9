-- The briefing report's chart "Tier history": the placement of Canada, the United States and
-- Mexico (the countries of the crossborder project, in that order) in every TIP edition loaded.

with

placements as (

    select * from {{ ref('fct_tip_tier_placements') }}

),

focus_countries as (

    select
        focus_countries.iso3,
        focus_countries.focus_order
    from (values ('CAN', 1), ('USA', 2), ('MEX', 3)) as focus_countries (iso3, focus_order)

),

final as (

    select
        placements.iso3,
        placements.report_year,
        placements.country_name,
        focus_countries.focus_order,
        placements.placement,
        placements.tier_rank,
        placements.report_year = max(placements.report_year) over (partition by placements.iso3)
            as is_latest_for_country
    from placements
    inner join focus_countries
        on placements.iso3 = focus_countries.iso3

)

select * from final

-- The briefing report's chart "Police-reported trafficking incidents, Canada": actual incidents
-- per calendar year for Canada and each province or territory of the Criminal Code violation
-- "Trafficking in persons" (the measure mart_canada_us_year calls
-- ca_incidents_trafficking_in_persons), with each province's rank by its incidents over all the
-- years (null for Canada). A year whose values StatCan withholds has null.

with

incidents as (

    select * from {{ ref('fct_statcan_trafficking_incidents') }}

),

actual_incidents as (

    select
        ref_year,
        geography_name,
        geography_level,
        sum(value) as actual_incidents
    from incidents
    where
        statistic = 'Actual incidents'
        and violation_name = 'Trafficking in persons'
        and geography_level in ('country', 'province_territory')
    group by ref_year, geography_name, geography_level

),

province_ranks as (

    select
        geography_name,
        row_number() over (order by sum(actual_incidents) desc nulls last, geography_name asc) as province_rank
    from actual_incidents
    where geography_level = 'province_territory'
    group by geography_name

),

final as (

    select
        actual_incidents.ref_year,
        actual_incidents.geography_name,
        actual_incidents.geography_level,
        actual_incidents.actual_incidents,
        cast(province_ranks.province_rank as integer) as province_rank
    from actual_incidents
    left join province_ranks
        on actual_incidents.geography_name = province_ranks.geography_name

)

select * from final

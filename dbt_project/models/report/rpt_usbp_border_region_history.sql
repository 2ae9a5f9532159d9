-- The briefing report's chart "Border Patrol encounters since FY2000": the long series of
-- mart_border_region_monthly_history per month and land border region, with each fiscal year's
-- total and months covered (for the reading: the last complete year and the peak year).

with

history as (

    select * from {{ ref('mart_border_region_monthly_history') }}
    where border_region in ('northern', 'southwest')

),

fiscal_years as (

    select
        border_region,
        fiscal_year,
        sum(encounter_count) as fiscal_year_encounters,
        count(*) as fiscal_year_months
    from history
    group by border_region, fiscal_year

),

final as (

    select
        history.month_start,
        history.fiscal_year,
        history.border_region,
        history.encounter_count,
        history.publisher,
        history.definition,
        fiscal_years.fiscal_year_encounters,
        fiscal_years.fiscal_year_months
    from history
    inner join fiscal_years
        on history.border_region = fiscal_years.border_region and history.fiscal_year = fiscal_years.fiscal_year

)

select * from final

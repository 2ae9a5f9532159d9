-- The briefing report's chart "Monthly encounters by land border region": one row per month x
-- land border region, every month of the span for every region (0 when the region has no
-- encounters that month), with the same month a year earlier and the region's share of all
-- encounters over the months shown, and how many months of its US fiscal year the data cover
-- (the chart labels a partial fiscal year: "FY2025 (5 of 12 months)").

with

encounters as (

    select * from {{ ref('fct_border_encounters') }}

),

by_month as (

    select
        month_start,
        land_border_region,
        sum(encounter_count) as encounter_count
    from encounters
    group by month_start, land_border_region

),

months as (

    select
        month_start,
        max(release_id) as release_id
    from encounters
    group by month_start

),

month_fiscal_years as (

    select
        month_start,
        release_id,
        cast({{ fiscal_year_of_date('month_start') }} as integer) as fiscal_year
    from months

),

fiscal_months as (

    select
        *,
        cast(count(*) over (partition by fiscal_year) as integer) as fiscal_year_months_covered
    from month_fiscal_years

),

regions as (

    select distinct land_border_region from by_month

),

filled as (

    select
        fiscal_months.month_start,
        regions.land_border_region,
        fiscal_months.release_id,
        fiscal_months.fiscal_year,
        fiscal_months.fiscal_year_months_covered,
        cast(coalesce(by_month.encounter_count, 0) as bigint) as encounter_count
    from fiscal_months
    cross join regions
    left join by_month
        on
            fiscal_months.month_start = by_month.month_start
            and regions.land_border_region = by_month.land_border_region

),

final as (

    select
        filled.month_start,
        filled.land_border_region,
        filled.encounter_count,
        year_earlier.encounter_count as encounter_count_year_earlier,
        round(
            100.0 * (filled.encounter_count - year_earlier.encounter_count)
            / nullif(year_earlier.encounter_count, 0),
            1
        ) as pct_change_on_year_earlier,
        sum(filled.encounter_count) over (partition by filled.land_border_region)
        / nullif(sum(filled.encounter_count) over (), 0) as region_share_of_period,
        filled.release_id,
        filled.fiscal_year,
        filled.fiscal_year_months_covered,
        filled.fiscal_year_months_covered = 12 as is_complete_fiscal_year,
        filled.month_start = max(filled.month_start) over () as is_latest_month
    from filled
    left join filled as year_earlier
        on
            filled.land_border_region = year_earlier.land_border_region
            and cast(filled.month_start - interval 1 year as date) = year_earlier.month_start

)

select * from final

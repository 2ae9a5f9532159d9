-- The briefing report's chart "Drug seizures by region and month": pounds seized per month x
-- seizure region x drug group (`fentanyl`: every drug type naming fentanyl; `other drugs`: the
-- rest), every month of the span for every region and group (0 when nothing was seized), with
-- the month's total over the regions, that total a year earlier, and each region's share and
-- rank within the month.

with

seizures as (

    select * from {{ ref('fct_drug_seizures') }}

),

grouped as (

    select
        month_start,
        region,
        case when drug_type ilike '%fentanyl%' then 'fentanyl' else 'other drugs' end as drug_group,
        quantity_lbs,
        event_count
    from seizures

),

by_month as (

    select
        month_start,
        region,
        drug_group,
        sum(quantity_lbs) as quantity_lbs,
        sum(event_count) as event_count
    from grouped
    group by month_start, region, drug_group

),

months as (

    select distinct month_start from grouped

),

regions as (

    select distinct region from grouped

),

drug_groups as (

    select drug_groups.drug_group from (values ('fentanyl'), ('other drugs')) as drug_groups (drug_group)

),

filled as (

    select
        months.month_start,
        regions.region,
        drug_groups.drug_group,
        cast(coalesce(by_month.quantity_lbs, 0) as double) as quantity_lbs,
        cast(coalesce(by_month.event_count, 0) as bigint) as event_count
    from months
    cross join regions
    cross join drug_groups
    left join by_month
        on
            months.month_start = by_month.month_start
            and regions.region = by_month.region
            and drug_groups.drug_group = by_month.drug_group

),

month_totals as (

    select
        month_start,
        drug_group,
        sum(quantity_lbs) as quantity_lbs
    from filled
    group by month_start, drug_group

),

final as (

    select
        filled.month_start,
        filled.region,
        filled.drug_group,
        filled.quantity_lbs,
        filled.event_count,
        month_totals.quantity_lbs as month_quantity_lbs,
        year_earlier.quantity_lbs as month_quantity_lbs_year_earlier,
        round(
            100.0 * (month_totals.quantity_lbs - year_earlier.quantity_lbs) / nullif(year_earlier.quantity_lbs, 0),
            1
        ) as month_pct_change_on_year_earlier,
        filled.quantity_lbs / nullif(month_totals.quantity_lbs, 0) as share_of_month,
        row_number() over (
            partition by filled.month_start, filled.drug_group
            order by filled.quantity_lbs desc, filled.region asc
        ) as rank_in_month,
        filled.month_start = max(filled.month_start) over () as is_latest_month
    from filled
    inner join month_totals
        on
            filled.month_start = month_totals.month_start
            and filled.drug_group = month_totals.drug_group
    left join month_totals as year_earlier
        on
            filled.drug_group = year_earlier.drug_group
            and cast(filled.month_start - interval 1 year as date) = year_earlier.month_start

)

select * from final

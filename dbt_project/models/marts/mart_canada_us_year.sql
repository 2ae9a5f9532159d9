-- One row per calendar year: Canada's police-reported trafficking incidents (national and by
-- province, each measure under its own name so national and provincial figures compare), both
-- countries' TIP placements (the edition released that year), and what CBP counted at the
-- northern land border in the months of that calendar year (CBP publishes months, so they are
-- summed by calendar year here; months_covered / is_complete_year flag a partial year).

with

statcan as (

    select * from {{ ref('fct_statcan_trafficking_incidents') }}
    where statistic = 'Actual incidents'

),

canada as (

    select
        ref_year as calendar_year,
        sum(value) filter (where violation_name = 'Trafficking in persons') as ca_incidents_trafficking_in_persons,
        sum(value) as ca_incidents_all_trafficking_violations
    from statcan
    where geography_level = 'country'
    group by all

),

canada_rate as (

    select
        ref_year as calendar_year,
        max(value) as ca_rate_trafficking_in_persons_per_100k
    from {{ ref('fct_statcan_trafficking_incidents') }}
    where
        geography_level = 'country' and violation_name = 'Trafficking in persons'
        and statistic = 'Rate per 100,000 population'
    group by all

),

by_province as (

    select
        ref_year as calendar_year,
        map_from_entries(
            list({ 'key': geography_name, 'value': trafficking_in_persons } order by geography_name)
            filter (where trafficking_in_persons is not null)
        ) as ca_incidents_trafficking_in_persons_by_province,
        map_from_entries(list({ 'key': geography_name, 'value': all_violations } order by geography_name))
            as ca_incidents_all_trafficking_violations_by_province,
        count(*) as ca_provinces_reporting
    from (
        select
            ref_year,
            geography_name,
            sum(value) filter (where violation_name = 'Trafficking in persons') as trafficking_in_persons,
            sum(value) as all_violations
        from statcan
        where geography_level = 'province_territory' and value is not null
        group by all
    ) as province_totals
    group by all

),

tip as (

    select
        report_year as calendar_year,
        max(placement) filter (where iso3 = 'CAN') as tip_canada_placement,
        max(placement) filter (where iso3 = 'USA') as tip_us_placement
    from {{ ref('fct_tip_tier_placements') }}
    where iso3 in ('CAN', 'USA')
    group by all

),

encounters as (

    select
        year(month_start) as calendar_year,
        sum(encounter_count) as cbp_northern_land_border_encounters
    from {{ ref('fct_border_encounters') }}
    where border_region = 'northern' and is_land_border
    group by all

),

fentanyl as (

    select
        year(month_start) as calendar_year,
        sum(event_count) as cbp_northern_land_border_fentanyl_events,
        sum(quantity_lbs) as cbp_northern_land_border_fentanyl_lbs
    from {{ ref('fct_drug_seizures') }}
    where border_region = 'northern' and is_land_border and lower(drug_type) like 'fentanyl%'
    group by all

),

-- The months of each calendar year each CBP fact covers. The row's months_covered is the months
-- every loaded fact covers (a fact never extracted is left out), so a year is complete only
-- when all its CBP figures are.
cbp_fact_months as (

    select distinct
        'encounters' as fact,
        month_start
    from {{ ref('fct_border_encounters') }}
    union
    select distinct
        'drug_seizures' as fact,
        month_start
    from {{ ref('fct_drug_seizures') }}

),

cbp_months as (

    select
        year(month_start) as calendar_year,
        count(distinct month_start) filter (where fact = 'encounters') as cbp_encounter_months,
        count(distinct month_start) filter (where fact = 'drug_seizures') as cbp_seizure_months
    from cbp_fact_months
    group by all

),

loaded_cbp_facts as (

    select
        count(*) filter (where fact = 'encounters') > 0 as has_encounters,
        count(*) filter (where fact = 'drug_seizures') > 0 as has_drug_seizures
    from cbp_fact_months

),

cbp_months_covered as (

    select
        cbp_months.calendar_year,
        cbp_months.cbp_encounter_months,
        cbp_months.cbp_seizure_months,
        least(
            case when loaded_cbp_facts.has_encounters then cbp_months.cbp_encounter_months end,
            case when loaded_cbp_facts.has_drug_seizures then cbp_months.cbp_seizure_months end
        ) as months_covered
    from cbp_months
    cross join loaded_cbp_facts

),

keys as (

    select calendar_year from canada
    union
    select calendar_year from tip
    union
    select calendar_year from encounters
    union
    select calendar_year from fentanyl

),

final as (

    select
        cast(keys.calendar_year as integer) as calendar_year,
        canada.ca_incidents_trafficking_in_persons,
        canada.ca_incidents_all_trafficking_violations,
        canada_rate.ca_rate_trafficking_in_persons_per_100k,
        by_province.ca_incidents_trafficking_in_persons_by_province,
        by_province.ca_incidents_all_trafficking_violations_by_province,
        by_province.ca_provinces_reporting,
        tip.tip_canada_placement,
        tip.tip_us_placement,
        cast(encounters.cbp_northern_land_border_encounters as bigint) as cbp_northern_land_border_encounters,
        cast(fentanyl.cbp_northern_land_border_fentanyl_events as bigint) as cbp_northern_land_border_fentanyl_events,
        cast(fentanyl.cbp_northern_land_border_fentanyl_lbs as double) as cbp_northern_land_border_fentanyl_lbs,
        cast(coalesce(cbp_months_covered.cbp_encounter_months, 0) as integer) as cbp_encounter_months,
        cast(coalesce(cbp_months_covered.cbp_seizure_months, 0) as integer) as cbp_seizure_months,
        cast(coalesce(cbp_months_covered.months_covered, 0) as integer) as months_covered,
        coalesce(cbp_months_covered.months_covered, 0) = 12 as is_complete_year
    from keys
    left join canada on keys.calendar_year = canada.calendar_year
    left join canada_rate on keys.calendar_year = canada_rate.calendar_year
    left join by_province on keys.calendar_year = by_province.calendar_year
    left join tip on keys.calendar_year = tip.calendar_year
    left join encounters on keys.calendar_year = encounters.calendar_year
    left join fentanyl on keys.calendar_year = fentanyl.calendar_year
    left join cbp_months_covered on keys.calendar_year = cbp_months_covered.calendar_year

)

select * from final

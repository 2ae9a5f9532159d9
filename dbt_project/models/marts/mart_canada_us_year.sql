-- One row per year: Canada's police-reported trafficking incidents (calendar year, national and
-- by province), both countries' TIP placements (edition year), CBP encounters at the northern
-- land border and fentanyl seized at the northern border (US fiscal year).

with

statcan as (

    select * from {{ ref('fct_statcan_trafficking_incidents') }}
    where statistic = 'Actual incidents'

),

canada as (

    select
        ref_year as year,
        sum(value) filter (where violation_name = 'Trafficking in persons') as ca_incidents_trafficking_in_persons,
        sum(value) as ca_incidents_all_trafficking_violations
    from statcan
    where geography_level = 'country'
    group by all

),

canada_rate as (

    select
        ref_year as year,
        max(value) as ca_rate_trafficking_in_persons_per_100k
    from {{ ref('fct_statcan_trafficking_incidents') }}
    where
        geography_level = 'country' and violation_name = 'Trafficking in persons'
        and statistic = 'Rate per 100,000 population'
    group by all

),

by_province as (

    select
        ref_year as year,
        map_from_entries(list({ 'key': geography_name, 'value': total } order by geography_name))
            as ca_incidents_by_province,
        count(*) as ca_provinces_reporting
    from (
        select
            ref_year,
            geography_name,
            sum(value) as total
        from statcan
        where geography_level = 'province_territory' and value is not null
        group by all
    ) as province_totals
    group by all

),

tip as (

    select
        report_year as year,
        max(placement) filter (where iso3 = 'CAN') as tip_canada_placement,
        max(placement) filter (where iso3 = 'USA') as tip_us_placement
    from {{ ref('fct_tip_tier_placements') }}
    where iso3 in ('CAN', 'USA')
    group by all

),

encounters as (

    select
        fiscal_year as year,
        sum(encounter_count) as cbp_northern_encounters
    from {{ ref('fct_border_encounters') }}
    where land_border_region in ({{ cbp_regions('encounters', ['northern']) }})
    group by all

),

fentanyl as (

    select
        fiscal_year as year,
        sum(event_count) as cbp_northern_fentanyl_events,
        sum(quantity_lbs) as cbp_northern_fentanyl_lbs
    from {{ ref('fct_drug_seizures') }}
    where region in ({{ cbp_regions('drug_seizures', ['northern']) }}) and lower(drug_type) like 'fentanyl%'
    group by all

),

keys as (

    select year from canada
    union
    select year from tip
    union
    select year from encounters
    union
    select year from fentanyl

),

final as (

    select
        keys.year,
        canada.ca_incidents_trafficking_in_persons,
        canada.ca_incidents_all_trafficking_violations,
        canada_rate.ca_rate_trafficking_in_persons_per_100k,
        by_province.ca_incidents_by_province,
        by_province.ca_provinces_reporting,
        tip.tip_canada_placement,
        tip.tip_us_placement,
        cast(encounters.cbp_northern_encounters as bigint) as cbp_northern_encounters,
        cast(fentanyl.cbp_northern_fentanyl_events as bigint) as cbp_northern_fentanyl_events,
        cast(fentanyl.cbp_northern_fentanyl_lbs as double) as cbp_northern_fentanyl_lbs
    from keys
    left join canada on keys.year = canada.year
    left join canada_rate on keys.year = canada_rate.year
    left join by_province on keys.year = by_province.year
    left join tip on keys.year = tip.year
    left join encounters on keys.year = encounters.year
    left join fentanyl on keys.year = fentanyl.year

)

select * from final

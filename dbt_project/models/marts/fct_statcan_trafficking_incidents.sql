-- Police-reported trafficking in persons in Canada (Statistics Canada table 35-10-0177-01):
-- one row per calendar year x geography x trafficking violation x statistic, as published.

with

incidents as (

    select * from {{ ref('stg_statcan__incidents') }}

),

provinces as (

    select * from {{ ref('canada_provinces') }}

),

final as (

    select
        incidents.ref_year,
        incidents.geography,
        incidents.geography_name,
        incidents.geography_code,
        incidents.geography_level,
        incidents.dguid,
        provinces.province_abbr,
        incidents.violation,
        incidents.violation_name,
        incidents.violation_code,
        incidents.statistic,
        incidents.unit_of_measure,
        incidents.value,
        incidents.status,
        incidents.symbol,
        incidents.terminated,
        incidents.decimals,
        incidents.vector,
        incidents.coordinate,
        incidents.table_id,
        incidents.source_url,
        incidents.raw_sha256
    from incidents
    left join provinces
        on
            incidents.geography_level = 'province_territory'
            and incidents.geography_code = provinces.province_code

)

select * from final

-- One row per (reference year, geography, violation, statistic) of table 35-10-0177-01 for the
-- trafficking-in-persons violations, as published (status flags and symbols kept).

with

source as (

    select * from {{ source('statcan', 'incidents') }}

),

renamed as (

    select
        table_id,
        ref_year,
        geography,
        geography_name,
        geography_code,
        dguid,
        case
            when geography_code is null and geography_name = 'Canada' then 'country'
            when
                regexp_full_match(coalesce(geography_code, ''), '(1[0-3]|24|35|4[678]|59|6[0-2])')
                then 'province_territory'
            when regexp_full_match(coalesce(geography_code, ''), '[0-9]{5}') then 'census_metropolitan_area'
            else 'other'
        end as geography_level,
        violation,
        violation_name,
        violation_code,
        statistic,
        uom as unit_of_measure,
        scalar_factor,
        vector,
        coordinate,
        value,
        status,
        symbol,
        terminated,
        decimals,
        source_url,
        raw_sha256,
        source_row
    from source

)

select * from renamed

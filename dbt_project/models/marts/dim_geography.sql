-- One row per geography the marts report on: US CBP areas of responsibility (field offices,
-- Border Patrol sectors, AMO branches) with their land border region, and Canada's provinces
-- and territories with their Statistics Canada code and DGUID.

with

aors as (

    select * from {{ ref('dim_area_of_responsibility') }}

),

aor_regions as (

    select
        aor_code,
        list(distinct land_border_region order by land_border_region) as land_border_regions
    from {{ ref('stg_cbp__encounters') }}
    group by aor_code

),

aor_seizure_regions as (

    select
        aor_code,
        list(distinct region order by region) as seizure_regions
    from {{ ref('stg_cbp__drug_seizures') }}
    group by aor_code

),

provinces as (

    select * from {{ ref('canada_provinces') }}

),

statcan_dguids as (

    select
        geography_code,
        arg_max(dguid, ref_year) as dguid
    from {{ ref('stg_statcan__incidents') }}
    where geography_level = 'province_territory'
    group by geography_code

),

us as (

    select
        'US-' || aors.aor_code as geography_key,
        'USA' as iso3,
        case aors.office_type
            when 'Field Office' then 'cbp_field_office'
            when 'Sector' then 'cbp_sector'
            when 'Branch' then 'cbp_branch'
            else 'cbp_other'
        end as geography_type,
        aors.aor_code as geography_code,
        aors.area_of_responsibility as geography_name,
        aors.aor_abbv as abbreviation,
        aors.component as cbp_component,
        case
            when
                list_contains(aor_regions.land_border_regions, 'Northern Land Border')
                or list_contains(aor_seizure_regions.seizure_regions, 'Northern Border') then 'Northern Land Border'
            when
                list_contains(aor_regions.land_border_regions, 'Southwest Land Border')
                or list_contains(aor_seizure_regions.seizure_regions, 'Southwest Border') then 'Southwest Land Border'
            else 'Other'
        end as land_border_region,
        coalesce(aor_regions.land_border_regions, cast([] as varchar[])) as land_border_regions,
        cast(null as varchar) as statcan_code,
        cast(null as varchar) as dguid,
        cast(null as varchar) as region
    from aors
    left join aor_regions on aors.aor_code = aor_regions.aor_code
    left join aor_seizure_regions on aors.aor_code = aor_seizure_regions.aor_code

),

ca as (

    select
        'CA-' || provinces.province_code as geography_key,
        'CAN' as iso3,
        case when provinces.is_territory then 'territory' else 'province' end as geography_type,
        provinces.province_code as geography_code,
        provinces.province_name as geography_name,
        provinces.province_abbr as abbreviation,
        cast(null as varchar) as cbp_component,
        cast(null as varchar) as land_border_region,
        cast([] as varchar[]) as land_border_regions,
        provinces.province_code as statcan_code,
        coalesce(statcan_dguids.dguid, provinces.dguid_2021) as dguid,
        provinces.region
    from provinces
    left join statcan_dguids on provinces.province_code = statcan_dguids.geography_code

),

final as (

    select * from us
    union all
    select * from ca

)

select * from final

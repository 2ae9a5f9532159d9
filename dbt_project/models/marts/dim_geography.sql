-- One row per geography the marts report on: US CBP areas of responsibility (field offices,
-- Border Patrol sectors, AMO branches) with their border region (seed border_regions), and Canada's provinces
-- and territories with their Statistics Canada code and DGUID.

with

aors as (

    select * from {{ ref('dim_area_of_responsibility') }}

),

border_regions as (

    select * from {{ ref('border_regions') }}

),

cbp_regions as (

    select * from {{ ref('cbp_border_regions') }}

),

-- Every border region (seed vocabulary) an AOR's encounters or seizures are published under.
aor_published_regions as (

    select distinct
        encounters.aor_code,
        cbp_regions.border as border_region
    from {{ ref('stg_cbp__encounters') }} as encounters
    inner join cbp_regions
        on cbp_regions.dataset = 'encounters' and encounters.land_border_region = cbp_regions.region

    union

    select distinct
        seizures.aor_code,
        cbp_regions.border as border_region
    from {{ ref('stg_cbp__drug_seizures') }} as seizures
    inner join cbp_regions
        on cbp_regions.dataset = 'drug_seizures' and seizures.region = cbp_regions.region

),

-- The AOR's border region: a land border it serves before a region that is not one, then the
-- vocabulary's order.
aor_regions as (

    select
        aor_published_regions.aor_code,
        arg_min(
            aor_published_regions.border_region,
            [cast(not border_regions.is_land_border as integer), border_regions.sort_order]
        ) as border_region,
        list(aor_published_regions.border_region order by border_regions.sort_order) as border_regions
    from aor_published_regions
    inner join border_regions
        on aor_published_regions.border_region = border_regions.border_region
    group by aor_published_regions.aor_code

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
        aor_regions.border_region,
        coalesce(aor_regions.border_regions, cast([] as varchar[])) as border_regions,
        cast(null as varchar) as statcan_code,
        cast(null as varchar) as dguid,
        cast(null as varchar) as region
    from aors
    left join aor_regions on aors.aor_code = aor_regions.aor_code

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
        cast(null as varchar) as border_region,
        cast([] as varchar[]) as border_regions,
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

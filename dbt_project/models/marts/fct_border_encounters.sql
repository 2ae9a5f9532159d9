-- Monthly encounters, every month counted once: each fiscal year comes from the newest
-- release covering it (int_cbp__fiscal_year_sources). Each row carries the border region of the
-- shared vocabulary (seeds border_regions / cbp_border_regions) and the country of the
-- citizenship (int_cbp__citizenships: iso3, or the non-country bucket such as OTHER).

with

encounters as (

    select * from {{ ref('int_cbp__encounters_current') }}

),

areas_of_responsibility as (

    select * from {{ ref('dim_area_of_responsibility') }}

),

regions as (

    select
        cbp_regions.region,
        cbp_regions.border as border_region,
        border_regions.is_land_border
    from {{ ref('cbp_border_regions') }} as cbp_regions
    inner join {{ ref('border_regions') }} as border_regions
        on cbp_regions.border = border_regions.border_region
    where cbp_regions.dataset = 'encounters'

),

citizenships as (

    select
        citizenship,
        iso3,
        bucket
    from {{ ref('int_cbp__citizenships') }}

),

final as (

    select
        encounters.month_start,
        encounters.fiscal_year,
        encounters.fiscal_month,
        encounters.component,
        encounters.land_border_region,
        regions.border_region,
        regions.is_land_border,
        areas_of_responsibility.area_of_responsibility,
        encounters.aor_code,
        encounters.aor_abbv,
        encounters.demographic,
        encounters.citizenship,
        citizenships.iso3,
        citizenships.bucket as citizenship_bucket,
        encounters.title_of_authority,
        encounters.encounter_type,
        cast(sum(encounters.encounter_count) as bigint) as encounter_count,
        encounters.release_id
    from encounters
    left join areas_of_responsibility
        on encounters.aor_code = areas_of_responsibility.aor_code
    left join regions
        on encounters.land_border_region = regions.region
    left join citizenships
        on encounters.citizenship = citizenships.citizenship
    group by all

)

select * from final

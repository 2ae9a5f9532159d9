-- Monthly encounters, every month counted once: each fiscal year comes from the newest
-- release covering it (int_cbp__fiscal_year_sources). Each row carries the border region of the
-- shared vocabulary (seeds border_regions / cbp_border_regions) and the country of the
-- citizenship (int_cbp__citizenships: iso3, or the non-country bucket such as OTHER).

with

encounters as (

    select * from {{ ref('int_cbp__encounters_current') }}

),

-- summed before the dimensions are joined: the grouping then runs on the release's own
-- columns only (on millions of rows, a third faster and lighter on memory than after the joins)
summed as (

    select
        month_start,
        fiscal_year,
        fiscal_month,
        component,
        land_border_region,
        aor_code,
        aor_abbv,
        demographic,
        citizenship,
        title_of_authority,
        encounter_type,
        release_id,
        cast(sum(encounter_count) as bigint) as encounter_count
    from encounters
    group by all

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
        summed.month_start,
        summed.fiscal_year,
        summed.fiscal_month,
        summed.component,
        summed.land_border_region,
        regions.border_region,
        regions.is_land_border,
        areas_of_responsibility.area_of_responsibility,
        summed.aor_code,
        summed.aor_abbv,
        summed.demographic,
        summed.citizenship,
        citizenships.iso3,
        citizenships.bucket as citizenship_bucket,
        summed.title_of_authority,
        summed.encounter_type,
        summed.encounter_count,
        summed.release_id
    from summed
    left join areas_of_responsibility
        on summed.aor_code = areas_of_responsibility.aor_code
    left join regions
        on summed.land_border_region = regions.region
    left join citizenships
        on summed.citizenship = citizenships.citizenship

)

select * from final

-- Monthly encounters, every month counted once: each fiscal year comes from the newest
-- release covering it (int_cbp__fiscal_year_sources).

with

encounters as (

    select * from {{ ref('int_cbp__encounters_current') }}

),

areas_of_responsibility as (

    select * from {{ ref('dim_area_of_responsibility') }}

),

final as (

    select
        encounters.month_start,
        encounters.fiscal_year,
        encounters.fiscal_month,
        encounters.component,
        encounters.land_border_region,
        areas_of_responsibility.area_of_responsibility,
        encounters.aor_code,
        encounters.aor_abbv,
        encounters.demographic,
        encounters.citizenship,
        encounters.title_of_authority,
        encounters.encounter_type,
        cast(sum(encounters.encounter_count) as bigint) as encounter_count,
        encounters.release_id
    from encounters
    left join areas_of_responsibility
        on encounters.aor_code = areas_of_responsibility.aor_code
    group by all

)

select * from final

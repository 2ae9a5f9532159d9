-- Monthly drug seizures (OFO and USBP from `nationwide-drugs`, AMO from
-- `amo-drug-seizures`), every month counted once per series: each fiscal year comes from
-- the newest release of its series covering it (int_cbp__fiscal_year_sources). Each row carries
-- the border region of the shared vocabulary (seeds border_regions / cbp_border_regions) and
-- whether it was seized at the land border (seed cbp_land_filters).

with

drug_seizures as (

    select * from {{ ref('int_cbp__drug_seizures_current') }}

),

areas_of_responsibility as (

    select * from {{ ref('dim_area_of_responsibility') }}

),

regions as (

    select
        region,
        border as border_region
    from {{ ref('cbp_border_regions') }}
    where dataset = 'drug_seizures'

),

land_filters as (

    select
        land_filter,
        is_land_border
    from {{ ref('cbp_land_filters') }}

),

final as (

    select
        drug_seizures.month_start,
        drug_seizures.fiscal_year,
        drug_seizures.fiscal_month,
        drug_seizures.component,
        drug_seizures.region,
        regions.border_region,
        drug_seizures.land_filter,
        land_filters.is_land_border,
        areas_of_responsibility.area_of_responsibility,
        drug_seizures.aor_code,
        drug_seizures.drug_type,
        cast(sum(drug_seizures.event_count) as bigint) as event_count,
        cast(sum(drug_seizures.quantity_lbs) as double) as quantity_lbs,
        drug_seizures.release_id
    from drug_seizures
    left join areas_of_responsibility
        on drug_seizures.aor_code = areas_of_responsibility.aor_code
    left join regions
        on drug_seizures.region = regions.region
    left join land_filters
        on drug_seizures.land_filter = land_filters.land_filter
    group by all

)

select * from final

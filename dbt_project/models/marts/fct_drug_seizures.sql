-- Monthly drug seizures (OFO and USBP from `nationwide-drugs`, AMO from
-- `amo-drug-seizures`), every month counted once per series: each fiscal year comes from
-- the newest release of its series covering it (int_cbp__fiscal_year_sources).

with

drug_seizures as (

    select * from {{ ref('int_cbp__drug_seizures_current') }}

),

areas_of_responsibility as (

    select * from {{ ref('dim_area_of_responsibility') }}

),

final as (

    select
        drug_seizures.month_start,
        drug_seizures.fiscal_year,
        drug_seizures.fiscal_month,
        drug_seizures.component,
        drug_seizures.region,
        drug_seizures.land_filter,
        areas_of_responsibility.area_of_responsibility,
        drug_seizures.aor_code,
        drug_seizures.drug_type,
        cast(sum(drug_seizures.event_count) as bigint) as event_count,
        cast(sum(drug_seizures.quantity_lbs) as double) as quantity_lbs,
        drug_seizures.release_id
    from drug_seizures
    left join areas_of_responsibility
        on drug_seizures.aor_code = areas_of_responsibility.aor_code
    group by all

)

select * from final

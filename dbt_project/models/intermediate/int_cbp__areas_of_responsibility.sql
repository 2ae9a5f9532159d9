-- Every spelling of every area of responsibility seen in either dataset (all releases),
-- keyed by aor_code. One row per (dataset, aor_code, area_of_responsibility, aor_abbv).

with

encounters as (

    select * from {{ ref('stg_cbp__encounters') }}

),

drug_seizures as (

    select * from {{ ref('stg_cbp__drug_seizures') }}

),

encounter_aors as (

    select
        dataset,
        aor_code,
        component,
        area_of_responsibility,
        aor_abbv,
        count(*) as row_count,
        min(month_start) as first_month_start,
        max(month_start) as last_month_start
    from encounters
    group by all

),

drug_seizure_aors as (

    select
        dataset,
        aor_code,
        component,
        area_of_responsibility,
        cast(null as varchar) as aor_abbv,
        count(*) as row_count,
        min(month_start) as first_month_start,
        max(month_start) as last_month_start
    from drug_seizures
    group by all

),

unioned as (

    select * from encounter_aors
    union all
    select * from drug_seizure_aors

)

select * from unioned

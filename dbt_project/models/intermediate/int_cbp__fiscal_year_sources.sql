-- One row per (dataset, series, fiscal_year): the release whose rows count for that
-- fiscal year = the newest release of the series (see release_precedence_order_by)
-- that has rows for it. Older releases keep the fiscal years only they cover.

with

encounters as (

    select * from {{ ref('stg_cbp__encounters') }}

),

drug_seizures as (

    select * from {{ ref('stg_cbp__drug_seizures') }}

),

release_fiscal_years as (

    select distinct
        'encounters' as dataset,
        series,
        release_id,
        release_published,
        release_last_fy,
        release_month,
        fiscal_year
    from encounters

    union

    select distinct
        'drug_seizures' as dataset,
        series,
        release_id,
        release_published,
        release_last_fy,
        release_month,
        fiscal_year
    from drug_seizures

),

ranked as (

    select
        *,
        row_number() over (
            partition by dataset, series, fiscal_year
            order by {{ release_precedence_order_by('desc') }}
        ) as precedence_rank
    from release_fiscal_years

),

winners as (

    select
        dataset,
        series,
        fiscal_year,
        release_id
    from ranked
    where precedence_rank = 1

)

select * from winners

-- One row per landed release (records file), with its row count and its
-- precedence (release_order: 1 = oldest) within its series.

with

encounters as (

    select * from {{ ref('stg_cbp__encounters') }}

),

drug_seizures as (

    select * from {{ ref('stg_cbp__drug_seizures') }}

),

release_rows as (

    select
        dataset,
        series,
        release_id,
        release_folder,
        release_published,
        release_first_fy,
        release_last_fy,
        release_month,
        source_url,
        raw_sha256,
        fiscal_year
    from encounters

    union all

    select
        dataset,
        series,
        release_id,
        release_folder,
        release_published,
        release_first_fy,
        release_last_fy,
        release_month,
        source_url,
        raw_sha256,
        fiscal_year
    from drug_seizures

),

releases as (

    select
        dataset,
        series,
        release_id,
        release_folder,
        release_published,
        release_first_fy,
        release_last_fy,
        release_month,
        source_url,
        raw_sha256,
        count(*) as row_count,
        min(fiscal_year) as min_fiscal_year,
        max(fiscal_year) as max_fiscal_year
    from release_rows
    group by all

),

ranked as (

    select
        *,
        row_number() over (
            partition by series
            order by {{ release_precedence_order_by('asc') }}
        ) as release_order
    from releases

)

select * from ranked

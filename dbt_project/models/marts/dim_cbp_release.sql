-- Every CBP release landed, with the fiscal years it is the current source of
-- (empty when newer releases supersede it everywhere).

with

releases as (

    select * from {{ ref('int_cbp__releases') }}

),

fiscal_year_sources as (

    select * from {{ ref('int_cbp__fiscal_year_sources') }}

),

current_years as (

    select
        release_id,
        list(fiscal_year order by fiscal_year) as fiscal_years
    from fiscal_year_sources
    group by release_id

),

final as (

    select
        releases.release_id,
        releases.dataset,
        releases.series,
        releases.release_folder,
        releases.release_published,
        releases.release_first_fy,
        releases.release_last_fy,
        releases.release_month,
        releases.source_url,
        releases.raw_sha256,
        releases.row_count,
        releases.min_fiscal_year,
        releases.max_fiscal_year,
        releases.release_order,
        coalesce(current_years.fiscal_years, cast([] as integer[])) as is_current_for_fiscal_years
    from releases
    left join current_years
        on releases.release_id = current_years.release_id

)

select * from final

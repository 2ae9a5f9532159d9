-- One row per country narrative page of an edition, typed; the placement's ordinal rank.

with

source as (

    select * from {{ source('tip', 'country_pages') }}

),

final as (

    select
        report_year,
        report_slug,
        page_url,
        page_slug,
        index_url,
        served_by,
        source_host,
        raw_sha256,
        cast(fetched_at as timestamptz) as fetched_at,
        country_name_in_report,
        country_name,
        {{ normalize_country_alias('country_name') }} as country_name_normalized,
        heading,
        placement,
        {{ tip_tier_rank('placement') }} as tier_rank,
        movement_stated,
        movement_stated_placement,
        movement_sentence,
        layout,
        section_count
    from source

)

select * from final

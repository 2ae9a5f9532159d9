-- One row per item of every landed feed version or GDELT answer (an item carried by several
-- versions of a feed appears once per version; int_news__articles merges them).

with

source as (

    select * from {{ source('news', 'items') }}

),

renamed as (

    select
        raw_sha256 || ':' || cast(item_index as varchar) as item_occurrence_id,
        source_kind,
        feed_name,
        feed_url,
        raw_sha256,
        cast(fetched_at as timestamptz) at time zone 'UTC' as fetched_at,
        item_index,
        guid,
        link_url,
        canonical_url,
        publisher,
        publisher_name,
        source_country,
        title,
        coalesce(summary, '') as summary,
        cast(published_at as timestamptz) at time zone 'UTC' as published_at,
        published_raw,
        published_flag,
        language,
        coalesce(topics, cast([] as varchar[])) as topics,
        coalesce(border_regions, cast([] as varchar[])) as border_regions,
        simhash
    from source

)

select * from renamed

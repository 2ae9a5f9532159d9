-- One row per article (canonical URL): the same story from several feeds, or from one feed
-- over several fetches, merged. Title, summary and SimHash come from the first occurrence seen
-- (earliest fetch, then feed name); topics, border regions, sources and publishers are the
-- union over every occurrence; the publication time is the earliest one any source gave.

with

occurrences as (

    select * from {{ ref('int_news__items_resolved') }}

),

first_occurrence as (

    select *
    from occurrences
    qualify row_number() over (
        partition by article_url order by fetched_at, feed_name, raw_sha256, item_index
    ) = 1

),

merged as (

    select
        article_url,
        min(published_at) as published_at,
        -- the flag of the occurrence that gave the time; else of the first one seen
        case
            when min(published_at) is not null then arg_min(published_flag, published_at)
            else arg_min(published_flag, fetched_at)
        end as published_flag,
        min(fetched_at) as first_seen_at,
        max(fetched_at) as last_seen_at,
        list_sort(list_distinct(list(feed_name))) as sources,
        list_sort(list_distinct(list(publisher) filter (where publisher is not null))) as publishers,
        list_sort(list_distinct(flatten(list(topics)))) as topics,
        list_sort(list_distinct(flatten(list(border_regions)))) as border_regions,
        count(*) as occurrence_count,
        count(distinct feed_name) as source_count,
        arg_max(full_text, text_length) filter (where full_text is not null) as full_text,
        coalesce(max(text_length), 0) as text_length,
        bool_or(page_fetched) as page_fetched
    from occurrences
    group by article_url

),

final as (

    select
        left(md5(merged.article_url), 16) as article_id,
        merged.article_url as canonical_url,
        first_occurrence.title,
        first_occurrence.summary,
        merged.published_at,
        cast(merged.published_at as date) as published_date,
        merged.published_flag,
        merged.first_seen_at,
        merged.last_seen_at,
        first_occurrence.language,
        first_occurrence.publisher,
        first_occurrence.publisher_name,
        first_occurrence.source_kind as first_source_kind,
        merged.sources,
        merged.source_count,
        merged.publishers,
        merged.occurrence_count,
        merged.topics,
        merged.border_regions,
        merged.page_fetched,
        merged.full_text is not null as has_full_text,
        merged.full_text,
        merged.text_length,
        first_occurrence.simhash,
        {{ normalize_country_alias('first_occurrence.title') }} as title_normalized
    from merged
    inner join first_occurrence
        on merged.article_url = first_occurrence.article_url

)

select * from final

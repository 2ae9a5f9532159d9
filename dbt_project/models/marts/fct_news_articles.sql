-- One row per news article (canonical URL) on trafficking and border crime, with every source
-- that carried it, its topics, border regions, countries named and its group of near-identical
-- copies.

with

articles as (

    select * from {{ ref('int_news__articles') }}

),

story_groups as (

    select * from {{ ref('int_news__story_groups') }}

),

group_sizes as (

    select
        story_group_id,
        count(*) as story_group_size
    from story_groups
    group by story_group_id

),

countries as (

    select
        article_id,
        list_sort(list(iso3)) as countries
    from {{ ref('int_news__article_countries') }}
    group by article_id

),

final as (

    select
        articles.article_id,
        articles.canonical_url,
        articles.title,
        articles.summary,
        articles.published_at,
        articles.published_date,
        articles.published_flag,
        articles.first_seen_at,
        articles.last_seen_at,
        articles.language,
        articles.publisher,
        articles.publisher_name,
        articles.sources,
        articles.source_count,
        articles.publishers,
        articles.occurrence_count,
        articles.topics,
        len(articles.topics) > 0 as is_on_topic,
        articles.border_regions,
        coalesce(countries.countries, cast([] as varchar[])) as countries,
        story_groups.story_group_id,
        group_sizes.story_group_size,
        articles.page_fetched,
        articles.has_full_text,
        articles.text_length,
        articles.full_text
    from articles
    inner join story_groups
        on articles.article_id = story_groups.article_id
    inner join group_sizes
        on story_groups.story_group_id = group_sizes.story_group_id
    left join countries
        on articles.article_id = countries.article_id

)

select * from final

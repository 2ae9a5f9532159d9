-- Day x country x topic: how many stories (distinct story groups: wire copies of one story
-- count once) and articles published that day (UTC) on that topic name that country. An
-- article counts once in each of its (country, topic) pairs, so rows do not add up
-- to an article total across countries or topics. iso3 is null for the articles of a topic that
-- name no country. Articles without a publication time, or without a topic, are not counted.

with

articles as (

    select
        article_id,
        story_group_id,
        published_date,
        topics
    from {{ ref('fct_news_articles') }}
    where
        published_date is not null
        and len(topics) > 0

),

article_topics as (

    select
        article_id,
        story_group_id,
        published_date,
        unnest(topics) as topic
    from articles

),

bridge as (

    select
        article_id,
        iso3
    from {{ ref('bridge_news_article_country') }}

),

final as (

    select
        article_topics.published_date as mention_date,
        bridge.iso3,
        article_topics.topic,
        count(distinct article_topics.story_group_id) as story_count,
        count(distinct article_topics.article_id) as article_count
    from article_topics
    left join bridge
        on article_topics.article_id = bridge.article_id
    group by all

)

select * from final

-- The briefing report's table "Latest headlines": the ten articles published last (undated
-- articles last), with their title, publisher, date and canonical link as published. The report
-- links only http(s) URLs and escapes every title.

with

articles as (

    select * from {{ ref('fct_news_articles') }}

),

ranked as (

    select
        article_id,
        title,
        publisher,
        published_date,
        canonical_url,
        row_number() over (order by published_at desc nulls last, article_id asc) as headline_rank
    from articles

),

final as (

    select
        cast(headline_rank as integer) as headline_rank,
        article_id,
        title,
        publisher,
        published_date,
        canonical_url
    from ranked
    where headline_rank <= 10

)

select * from final

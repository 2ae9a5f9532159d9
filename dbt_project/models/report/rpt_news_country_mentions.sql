-- The briefing report's chart "Countries most mentioned in the news": the 15 countries named in
-- the most articles (marts.bridge_news_article_country), ties broken by name.

with

mentions as (

    select * from {{ ref('bridge_news_article_country') }}

),

by_country as (

    select
        iso3,
        country_name,
        count(distinct article_id) as articles
    from mentions
    group by iso3, country_name

),

final as (

    select
        iso3,
        country_name,
        cast(articles as integer) as articles,
        cast(row_number() over (order by articles desc, country_name asc) as integer) as mention_rank
    from by_country
    qualify mention_rank <= 15

)

select * from final

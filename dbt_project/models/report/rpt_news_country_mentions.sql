-- The briefing report's chart "Countries most mentioned in the news": the 15 countries named in
-- the most stories (distinct story groups of marts.bridge_news_article_country: wire copies of
-- one story count once), ties broken by name.

with

mentions as (

    select * from {{ ref('bridge_news_article_country') }}

),

by_country as (

    select
        iso3,
        country_name,
        count(distinct story_group_id) as stories
    from mentions
    group by iso3, country_name

),

final as (

    select
        iso3,
        country_name,
        cast(stories as integer) as stories,
        cast(row_number() over (order by stories desc, country_name asc) as integer) as mention_rank
    from by_country
    qualify mention_rank <= 15

)

select * from final

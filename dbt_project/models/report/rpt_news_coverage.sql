-- What the news in the warehouse covers, for the briefing report's news readings: one row
-- (none when the warehouse holds no article) with the number of articles, the dated ones, the
-- first and last publication dates, and the period the topic chart counts by (`week` when the
-- dated articles span more than 45 days, else `day`).

with

articles as (

    select * from {{ ref('fct_news_articles') }}

),

coverage as (

    select
        count(*) as articles,
        count(published_date) as dated_articles,
        min(published_date) as first_published_date,
        max(published_date) as last_published_date
    from articles
    having count(*) > 0

),

final as (

    select
        cast(articles as integer) as articles,
        cast(dated_articles as integer) as dated_articles,
        first_published_date,
        last_published_date,
        case
            when last_published_date - first_published_date > 45 then 'week'
            else 'day'
        end as period_grain
    from coverage

)

select * from final

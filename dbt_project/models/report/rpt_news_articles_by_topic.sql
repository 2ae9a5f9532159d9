-- The briefing report's chart "News volume by topic": dated articles per period (the day or the
-- Monday-starting week of publication, as rpt_news_coverage.period_grain says) and topic, an
-- article counted once under each of its topics, with each topic's total and rank over the
-- whole span. Topic labels are those of config/news_topics.yaml (the code where none is known).

with

articles as (

    select * from {{ ref('fct_news_articles') }}

),

coverage as (

    select * from {{ ref('rpt_news_coverage') }}

),

topic_labels as (

    select
        topic_labels.topic,
        topic_labels.topic_label
    from (
        values
        ('sex_trafficking', 'Sex trafficking'),
        ('labour_trafficking', 'Labour trafficking'),
        ('human_trafficking', 'Human trafficking (form not stated)'),
        ('human_smuggling', 'Human smuggling'),
        ('drugs_fentanyl', 'Drugs and fentanyl'),
        ('migration_asylum', 'Migration and asylum'),
        ('border_enforcement', 'Border enforcement')
    ) as topic_labels (topic, topic_label)

),

article_topics as (

    select
        articles.article_id,
        articles.published_date,
        unnest(articles.topics) as topic
    from articles
    where articles.published_date is not null

),

by_period as (

    select
        cast(date_trunc(coverage.period_grain, article_topics.published_date) as date) as period_start,
        coverage.period_grain,
        article_topics.topic,
        count(distinct article_topics.article_id) as articles
    from article_topics
    cross join coverage
    group by all

),

topic_totals as (

    select
        topic,
        sum(articles) as articles
    from by_period
    group by topic

),

final as (

    select
        by_period.period_start,
        by_period.period_grain,
        by_period.topic,
        coalesce(topic_labels.topic_label, by_period.topic) as topic_label,
        cast(by_period.articles as integer) as articles,
        cast(topic_totals.articles as integer) as topic_articles,
        cast(dense_rank() over (order by topic_totals.articles desc, by_period.topic asc) as integer) as topic_rank
    from by_period
    inner join topic_totals
        on by_period.topic = topic_totals.topic
    left join topic_labels
        on by_period.topic = topic_labels.topic

)

select * from final

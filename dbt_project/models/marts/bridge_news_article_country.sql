-- One row per article and country it names (matched through the country dimension's names
-- and aliases, see int_news__article_countries), with the article's story group: wire copies of
-- one story are several articles of one story_group_id, so stories are counted with
-- count(distinct story_group_id).

with

matches as (

    select * from {{ ref('int_news__article_countries') }}

),

story_groups as (

    select
        article_id,
        story_group_id
    from {{ ref('int_news__story_groups') }}

),

countries as (

    select
        iso3,
        iso2,
        country_name
    from {{ ref('dim_country') }}

),

final as (

    select
        matches.article_id,
        story_groups.story_group_id,
        matches.iso3,
        countries.iso2,
        countries.country_name,
        matches.matched_aliases,
        matches.mention_count
    from matches
    inner join countries
        on matches.iso3 = countries.iso3
    inner join story_groups
        on matches.article_id = story_groups.article_id

)

select * from final

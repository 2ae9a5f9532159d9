-- One row per article and country it names (matched through the country dimension's names
-- and aliases, see int_news__article_countries).

with

matches as (

    select * from {{ ref('int_news__article_countries') }}

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
        matches.iso3,
        countries.iso2,
        countries.country_name,
        matches.matched_aliases,
        matches.mention_count
    from matches
    inner join countries
        on matches.iso3 = countries.iso3

)

select * from final

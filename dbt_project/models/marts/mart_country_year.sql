-- Country x year: TIP placement (edition year), CBP encounters of the country's citizens (US
-- fiscal year, by land border region) and news articles naming the country (calendar year of
-- publication). A row exists when any of the three has something for the country that year.

with

placements as (

    select
        iso3,
        report_year as year,
        placement,
        tier_rank,
        movement
    from {{ ref('fct_tip_tier_placements') }}

),

citizenships as (

    select
        citizenship,
        iso3
    from {{ ref('int_cbp__citizenships') }}
    where iso3 is not null

),

encounters as (

    select
        citizenships.iso3,
        enc.fiscal_year as year,
        sum(enc.encounter_count) as cbp_encounters,
        sum(enc.encounter_count) filter (
            where enc.land_border_region in ({{ cbp_regions('encounters', ['southwest']) }})
        ) as cbp_encounters_southwest_border,
        sum(enc.encounter_count) filter (
            where enc.land_border_region in ({{ cbp_regions('encounters', ['northern']) }})
        ) as cbp_encounters_northern_border,
        sum(enc.encounter_count) filter (
            where enc.land_border_region not in ({{ cbp_regions('encounters', ['southwest', 'northern']) }})
        ) as cbp_encounters_other_region
    from {{ ref('fct_border_encounters') }} as enc
    inner join citizenships
        on enc.citizenship = citizenships.citizenship
    group by all

),

news as (

    select
        bridge.iso3,
        year(articles.published_date) as year,
        count(distinct articles.article_id) as news_article_count
    from {{ ref('bridge_news_article_country') }} as bridge
    inner join {{ ref('fct_news_articles') }} as articles
        on bridge.article_id = articles.article_id
    where articles.published_date is not null
    group by all

),

keys as (

    select
        iso3,
        year
    from placements
    union
    select
        iso3,
        year
    from encounters
    union
    select
        iso3,
        year
    from news

),

countries as (

    select
        iso3,
        country_name,
        region
    from {{ ref('dim_country') }}

),

final as (

    select
        keys.iso3,
        countries.country_name,
        countries.region,
        keys.year,
        placements.placement as tip_placement,
        placements.tier_rank as tip_tier_rank,
        placements.movement as tip_movement,
        cast(coalesce(encounters.cbp_encounters, 0) as bigint) as cbp_encounters,
        cast(coalesce(encounters.cbp_encounters_southwest_border, 0) as bigint) as cbp_encounters_southwest_border,
        cast(coalesce(encounters.cbp_encounters_northern_border, 0) as bigint) as cbp_encounters_northern_border,
        cast(coalesce(encounters.cbp_encounters_other_region, 0) as bigint) as cbp_encounters_other_region,
        cast(coalesce(news.news_article_count, 0) as bigint) as news_article_count
    from keys
    left join countries on keys.iso3 = countries.iso3
    left join placements on keys.iso3 = placements.iso3 and keys.year = placements.year
    left join encounters on keys.iso3 = encounters.iso3 and keys.year = encounters.year
    left join news on keys.iso3 = news.iso3 and keys.year = news.year

)

select * from final

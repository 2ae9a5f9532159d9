-- Country x US fiscal year (October to September): the TIP placement of that year's edition
-- (editions are released mid-year, inside the fiscal year of the same number), CBP encounters
-- of the country's citizens (by border region) and the news stories naming the country
-- published in that fiscal year. A row exists when any of the three has something for the
-- country that year. months_covered says how many months of the fiscal year the CBP encounters
-- cover: a partial year (the current one) is flagged, not summed silently beside full years.

with

placements as (

    select
        iso3,
        report_year,
        placement,
        tier_rank,
        movement
    from {{ ref('fct_tip_tier_placements') }}

),

encounters as (

    select
        iso3,
        fiscal_year,
        sum(encounter_count) as cbp_encounters,
        sum(encounter_count) filter (where border_region = 'southwest') as cbp_encounters_southwest_border,
        sum(encounter_count) filter (where border_region = 'northern') as cbp_encounters_northern_border,
        sum(encounter_count) filter (where border_region = 'other') as cbp_encounters_other_region
    from {{ ref('fct_border_encounters') }}
    where iso3 is not null
    group by all

),

-- Months of each fiscal year the encounters cover (all citizenships: CBP publishes whole months).
encounter_months as (

    select
        fiscal_year,
        count(distinct month_start) as months_covered
    from {{ ref('fct_border_encounters') }}
    group by fiscal_year

),

-- A story published under several URLs (wire copies, one story_group_id) counts once.
news as (

    select
        bridge.iso3,
        {{ fiscal_year_of_date('articles.published_date') }} as fiscal_year,
        count(distinct articles.story_group_id) as news_story_count,
        count(distinct articles.article_id) as news_article_count_incl_copies
    from {{ ref('bridge_news_article_country') }} as bridge
    inner join {{ ref('fct_news_articles') }} as articles
        on bridge.article_id = articles.article_id
    where articles.published_date is not null
    group by all

),

keys as (

    select
        iso3,
        report_year as fiscal_year
    from placements
    union
    select
        iso3,
        fiscal_year
    from encounters
    union
    select
        iso3,
        fiscal_year
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
        cast(keys.fiscal_year as integer) as fiscal_year,
        cast(placements.report_year as integer) as tip_report_year,
        placements.placement as tip_placement,
        placements.tier_rank as tip_tier_rank,
        placements.movement as tip_movement,
        cast(coalesce(encounters.cbp_encounters, 0) as bigint) as cbp_encounters,
        cast(coalesce(encounters.cbp_encounters_southwest_border, 0) as bigint) as cbp_encounters_southwest_border,
        cast(coalesce(encounters.cbp_encounters_northern_border, 0) as bigint) as cbp_encounters_northern_border,
        cast(coalesce(encounters.cbp_encounters_other_region, 0) as bigint) as cbp_encounters_other_region,
        cast(coalesce(encounter_months.months_covered, 0) as integer) as months_covered,
        coalesce(encounter_months.months_covered, 0) = 12 as is_complete_year,
        cast(coalesce(news.news_story_count, 0) as bigint) as news_story_count,
        cast(coalesce(news.news_article_count_incl_copies, 0) as bigint) as news_article_count_incl_copies
    from keys
    left join countries on keys.iso3 = countries.iso3
    left join placements on keys.iso3 = placements.iso3 and keys.fiscal_year = placements.report_year
    left join encounters on keys.iso3 = encounters.iso3 and keys.fiscal_year = encounters.fiscal_year
    left join encounter_months on keys.fiscal_year = encounter_months.fiscal_year
    left join news on keys.iso3 = news.iso3 and keys.fiscal_year = news.fiscal_year

)

select * from final

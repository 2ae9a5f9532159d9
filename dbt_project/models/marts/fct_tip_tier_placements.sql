-- Country x TIP edition: the placement, its ordinal rank, the previous edition's placement and
-- how the country moved. Movement is computed from the placements, not read from the text
-- (movement_stated keeps what the narrative says).

with

pages as (

    select * from {{ ref('int_tip__country_pages') }}

),

editions as (

    select * from {{ ref('int_tip__editions') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

with_previous as (

    select
        pages.*,
        previous.placement as previous_placement,
        previous.tier_rank as previous_tier_rank,
        previous_edition.report_year is not null as previous_edition_loaded
    from pages
    left join editions as previous_edition
        on previous_edition.report_year = pages.report_year - 1
    left join pages as previous
        on
            pages.iso3 = previous.iso3
            and previous.report_year = pages.report_year - 1

),

final as (

    select
        with_previous.iso3,
        with_previous.report_year,
        countries.country_name,
        with_previous.country_name_in_report,
        with_previous.placement,
        with_previous.tier_rank,
        with_previous.previous_placement,
        with_previous.previous_tier_rank,
        case
            when not with_previous.previous_edition_loaded then null
            when with_previous.previous_placement is null then 'new'
            when with_previous.placement = with_previous.previous_placement then 'same'
            when with_previous.tier_rank is null or with_previous.previous_tier_rank is null then 'unranked'
            when with_previous.tier_rank < with_previous.previous_tier_rank then 'upgrade'
            else 'downgrade'
        end as movement,
        with_previous.movement_stated,
        with_previous.movement_sentence,
        with_previous.heading,
        with_previous.page_url as source_url,
        with_previous.served_by,
        with_previous.source_host,
        with_previous.raw_sha256,
        with_previous.fetched_at
    from with_previous
    left join countries
        on with_previous.iso3 = countries.iso3

)

select * from final

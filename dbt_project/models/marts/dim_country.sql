-- One row per country or territory (ISO 3166-1, plus Kosovo as XK / XKX), with every
-- spelling the sources use for it.

with

countries as (

    select * from {{ ref('country_codes') }}

),

aliases as (

    select
        iso3,
        list(alias order by alias) as aliases
    from {{ ref('int_country__aliases') }}
    group by iso3

),

final as (

    select
        countries.iso2,
        countries.iso3,
        countries.iso_numeric,
        countries.country_name,
        countries.iso_name,
        countries.official_name,
        countries.region,
        countries.continent,
        countries.is_territory,
        coalesce(aliases.aliases, cast([] as varchar[])) as aliases
    from countries
    left join aliases
        on countries.iso3 = aliases.iso3

)

select * from final

-- TIP country pages with the country they name (iso3), matched on the normal form of the
-- heading's name against int_country__aliases. An unmapped name keeps iso3 null and fails
-- this model's not_null test (add the spelling to seeds/country_aliases.csv).

with

pages as (

    select * from {{ ref('stg_tip__country_pages') }}

),

aliases as (

    select * from {{ ref('int_country__aliases') }}

),

final as (

    select
        aliases.iso3,
        pages.*
    from pages
    left join aliases
        on pages.country_name_normalized = aliases.alias_normalized

)

select * from final

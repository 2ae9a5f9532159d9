-- Every spelling of a country (seed country_aliases) with its normal form, the key sources
-- match country names on: normalize_country_alias(name) = alias_normalized (macros/country.sql).

with

aliases as (

    select * from {{ ref('country_aliases') }}

),

final as (

    select
        alias,
        {{ normalize_country_alias('alias') }} as alias_normalized,
        iso3,
        alias_kind
    from aliases

)

select * from final

-- Every citizenship value of the CBP encounters (all releases) resolved to a country of
-- dim_country (through the alias table) or to a non-country bucket (seed country_buckets, e.g.
-- OTHER). The test assert_cbp_citizenships_mapped fails, naming the value, when one is neither.

with

citizenships as (

    select
        citizenship,
        sum(encounter_count) as encounter_count
    from {{ ref('stg_cbp__encounters') }}
    group by citizenship

),

aliases as (

    select
        alias_normalized,
        iso3
    from {{ ref('int_country__aliases') }}

),

buckets as (

    select bucket from {{ ref('country_buckets') }}

),

final as (

    select
        citizenships.citizenship,
        aliases.iso3,
        buckets.bucket,
        aliases.iso3 is not null as is_country,
        cast(citizenships.encounter_count as bigint) as encounter_count
    from citizenships
    left join aliases
        on {{ normalize_country_alias('citizenships.citizenship') }} = aliases.alias_normalized
    left join buckets
        on {{ normalize_country_alias('citizenships.citizenship') }} = {{ normalize_country_alias('buckets.bucket') }}

)

select * from final

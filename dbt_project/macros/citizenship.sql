{#-
    Every citizenship value of a staging model resolved to a country of dim_country (through the
    alias table) or to a non-country bucket (seed country_buckets): one row per value, with
    iso3, bucket, is_country and the encounters under it. `citizenships` is a select of
    (citizenship, encounter_count) rows.
-#}
{% macro resolve_citizenships(citizenships) -%}

with

citizenships as (

    select
        citizenship,
        sum(encounter_count) as encounter_count
    from ({{ citizenships }}) as published
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

{%- endmacro %}

-- Every CBP citizenship value is a country of dim_country or a declared non-country bucket.
-- An unmapped value fails this test with an error naming it (add it to
-- seeds/country_aliases.csv as alias_kind `cbp`, or to seeds/country_buckets.csv).
with

unmapped as (

    select citizenship
    from {{ ref('int_cbp__citizenships') }}
    where iso3 is null and bucket is null

)

select
    error(
        'CBP citizenship value(s) not in dim_country aliases nor country_buckets: '
        || string_agg(coalesce(citizenship, '(null)'), ', ' order by citizenship)
    ) as unmapped_citizenships
from unmapped
having count(*) > 0

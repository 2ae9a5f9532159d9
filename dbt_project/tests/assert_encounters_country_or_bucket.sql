-- Every row of fct_border_encounters names exactly one of: a country (iso3) or a non-country
-- bucket (citizenship_bucket, e.g. OTHER). A citizenship that is neither (or both) fails,
-- naming it: map it in seeds/country_aliases.csv (alias_kind `cbp`) or seeds/country_buckets.csv.
with

unresolved as (

    select distinct citizenship
    from {{ ref('fct_border_encounters') }}
    where (iso3 is null) = (citizenship_bucket is null)

)

select
    error(
        'fct_border_encounters citizenship(s) with no country (iso3) and no bucket, or both: '
        || string_agg(coalesce(citizenship, '(null)'), ', ' order by citizenship)
    ) as unresolved_citizenships
from unresolved
having count(*) > 0

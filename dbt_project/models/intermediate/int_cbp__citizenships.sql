-- Every citizenship value of the CBP encounters (all releases) resolved to a country of
-- dim_country (through the alias table) or to a non-country bucket (seed country_buckets, e.g.
-- OTHER). The test citizenship_resolved fails, naming the value, when one is neither.

{{ resolve_citizenships("select citizenship, encounter_count from " ~ ref('stg_cbp__encounters')) }}

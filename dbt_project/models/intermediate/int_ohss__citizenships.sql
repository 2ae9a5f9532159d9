-- Every citizenship value of OHSS's workbooks (every sheet, every workbook landed) resolved to a
-- country of dim_country (through the alias table) or to a non-country bucket (seed
-- country_buckets). The test citizenship_resolved fails, naming the value, when one is neither.

{{ resolve_citizenships(
    "select citizenship, encounter_count from " ~ ref('stg_ohss__annual_encounters')
    ~ " where citizenship is not null"
) }}

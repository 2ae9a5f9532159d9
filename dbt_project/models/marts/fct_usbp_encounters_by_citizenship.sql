-- Border Patrol encounters per fiscal year and citizenship since FY2000, from OHSS's current
-- workbook (sheet 'Annual Citizenship'), as published (rounded to tens), with the country key of
-- the CBP facts (iso3) or the non-country bucket the value is.

with

annual as (

    select * from {{ ref('int_ohss__current_annual_encounters') }}
    where sheet = 'Annual Citizenship'

),

citizenships as (

    select * from {{ ref('int_ohss__citizenships') }}

),

final as (

    select
        annual.fiscal_year,
        annual.citizenship,
        citizenships.iso3,
        citizenships.bucket as citizenship_bucket,
        annual.encounter_count,
        annual.months_covered,
        annual.is_partial_year,
        true as is_rounded,
        annual.workbook,
        annual.source_url,
        annual.raw_sha256,
        annual.sheet,
        annual.source_row
    from annual
    left join citizenships on annual.citizenship = citizenships.citizenship

)

select * from final

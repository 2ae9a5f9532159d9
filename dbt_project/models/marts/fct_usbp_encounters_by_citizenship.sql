-- Border Patrol encounters per fiscal year and citizenship since FY2000, from OHSS's current
-- workbook (sheet 'Annual Citizenship'), as published (rounded to tens), with the country key of
-- the CBP facts (iso3) or the non-country bucket the value is.

with

annual as (

    select * from {{ ref('stg_ohss__annual_encounters') }}
    where sheet = 'Annual Citizenship'

),

current_workbook as (

    select raw_sha256 from {{ ref('int_ohss__workbooks') }}
    where is_current

),

citizenships as (

    select * from {{ ref('int_ohss__citizenships') }}

),

coverage as (

    select * from {{ ref('int_ohss__fiscal_year_coverage') }}

),

final as (

    select
        annual.fiscal_year,
        annual.citizenship,
        citizenships.iso3,
        citizenships.bucket as citizenship_bucket,
        annual.encounter_count,
        coverage.months_covered,
        coverage.months_covered < 12 as is_partial_year,
        true as is_rounded,
        annual.workbook,
        annual.source_url,
        annual.raw_sha256,
        annual.sheet,
        annual.source_row
    from annual
    inner join current_workbook on annual.raw_sha256 = current_workbook.raw_sha256
    inner join coverage on annual.fiscal_year = coverage.fiscal_year
    left join citizenships on annual.citizenship = citizenships.citizenship

)

select * from final

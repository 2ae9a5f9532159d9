-- Border Patrol encounters per fiscal year and sector since FY2000, from OHSS's current workbook
-- (sheet 'Annual Rgn and Sector'), as published (never the months summed: each is rounded apart),
-- with the months of the year the workbook covers: its last year is partial.

with

annual as (

    select * from {{ ref('stg_ohss__annual_encounters') }}
    where sheet = 'Annual Rgn and Sector'

),

current_workbook as (

    select raw_sha256 from {{ ref('int_ohss__workbooks') }}
    where is_current

),

sectors as (

    select * from {{ ref('int_ohss__sectors') }}

),

coverage as (

    select * from {{ ref('int_ohss__fiscal_year_coverage') }}

),

final as (

    select
        annual.fiscal_year,
        sectors.border_region,
        annual.region as region_name,
        annual.sector,
        sectors.aor_code,
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
    left join sectors on annual.region = sectors.region_name and annual.sector = sectors.sector

)

select * from final

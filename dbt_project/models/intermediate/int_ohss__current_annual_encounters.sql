-- The annual cells (every `Annual ...` sheet) of the OHSS workbook the marts use
-- (int_ohss__workbooks.is_current), with the months of each fiscal year it covers.

with

annual as (

    select * from {{ ref('stg_ohss__annual_encounters') }}

),

current_workbook as (

    select raw_sha256 from {{ ref('int_ohss__workbooks') }}
    where is_current

),

coverage as (

    select * from {{ ref('int_ohss__fiscal_year_coverage') }}

),

final as (

    select
        annual.*,
        coverage.months_covered,
        coverage.months_covered < 12 as is_partial_year
    from annual
    inner join current_workbook on annual.raw_sha256 = current_workbook.raw_sha256
    inner join coverage on annual.fiscal_year = coverage.fiscal_year

)

select * from final

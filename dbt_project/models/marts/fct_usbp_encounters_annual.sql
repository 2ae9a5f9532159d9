-- Border Patrol encounters per fiscal year and sector since FY2000, from OHSS's current workbook
-- (sheet 'Annual Rgn and Sector'), as published (never the months summed: each is rounded apart),
-- with the months of the year the workbook covers: its last year is partial.

with

annual as (

    select * from {{ ref('int_ohss__current_annual_encounters') }}
    where sheet = 'Annual Rgn and Sector'

),

sectors as (

    select * from {{ ref('int_ohss__sectors') }}

),

final as (

    select
        annual.fiscal_year,
        sectors.border_region,
        annual.region as region_name,
        annual.sector,
        sectors.aor_code,
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
    left join sectors on annual.region = sectors.region_name and annual.sector = sectors.sector

)

select * from final

-- Every OHSS workbook's value of every month x region x sector cell (sheet 'Monthly Rgn and
-- Sector'), beside the value of the workbook before it: what a newer workbook restated.

with

monthly as (

    select * from {{ ref('stg_ohss__monthly_encounters') }}
    where sheet = 'Monthly Rgn and Sector'

),

workbooks as (

    select
        raw_sha256,
        workbook,
        is_current,
        row_number() over (order by last_month_start asc, fetched_at asc, raw_sha256 asc) as workbook_order
    from {{ ref('int_ohss__workbooks') }}

),

cells as (

    select
        workbooks.workbook_order,
        monthly.month_start,
        monthly.fiscal_year,
        monthly.fiscal_month,
        monthly.region as region_name,
        monthly.sector,
        monthly.encounter_count
    from monthly
    inner join workbooks on monthly.raw_sha256 = workbooks.raw_sha256

),

-- every cell of every workbook, and the cells a workbook dropped that the one before it had
compared as (

    select
        coalesce(current_cells.workbook_order, previous_cells.workbook_order + 1) as workbook_order,
        coalesce(current_cells.month_start, previous_cells.month_start) as month_start,
        coalesce(current_cells.fiscal_year, previous_cells.fiscal_year) as fiscal_year,
        coalesce(current_cells.fiscal_month, previous_cells.fiscal_month) as fiscal_month,
        coalesce(current_cells.region_name, previous_cells.region_name) as region_name,
        coalesce(current_cells.sector, previous_cells.sector) as sector,
        current_cells.encounter_count,
        previous_cells.encounter_count as previous_encounter_count
    from cells as current_cells
    full outer join cells as previous_cells
        on
            current_cells.workbook_order = previous_cells.workbook_order + 1
            and current_cells.month_start = previous_cells.month_start
            and current_cells.region_name = previous_cells.region_name
            and current_cells.sector = previous_cells.sector

),

final as (

    select
        workbooks.workbook,
        workbooks.raw_sha256,
        workbooks.is_current,
        compared.month_start,
        compared.fiscal_year,
        compared.fiscal_month,
        compared.region_name,
        compared.sector,
        compared.encounter_count,
        compared.previous_encounter_count,
        case
            when compared.encounter_count is null then 'removed'
            when compared.previous_encounter_count is null and compared.workbook_order = 1 then 'first'
            when compared.previous_encounter_count is null then 'added'
            when compared.encounter_count = compared.previous_encounter_count then 'unchanged'
            else 'revised'
        end as change_type
    from compared
    -- a cell dropped by the newest workbook has no workbook after it to be reported in: kept out
    inner join workbooks on compared.workbook_order = workbooks.workbook_order

)

select * from final

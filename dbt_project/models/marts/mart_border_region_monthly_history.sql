-- One Border Patrol series per month and border region since FY2000: CBP's figure where its
-- nationwide files have the month (not rounded, revised by later releases), OHSS's before (rounded
-- to tens), each month flagged by publisher and by the definition counted then.

with

reconciled as (

    select * from {{ ref('mart_usbp_source_reconciliation') }}

),

chosen as (

    select
        month_start,
        fiscal_year,
        fiscal_month,
        border_region,
        coalesce(cbp_encounter_count, ohss_encounter_count) as encounter_count,
        case when cbp_encounter_count is not null then 'cbp' else 'ohss' end as publisher,
        case
            when month_start < date '{{ var("usbp_encounters_definition_from") }}' then 'apprehensions'
            else 'encounters'
        end as definition,
        cbp_encounter_count is null as is_rounded,
        ohss_encounter_count,
        cbp_encounter_count
    from reconciled

)

select * from chosen

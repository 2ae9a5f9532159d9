-- Staging drug seizures restricted to the winning release of each (series, fiscal_year),
-- so every month is counted once.

with

drug_seizures as (

    select * from {{ ref('stg_cbp__drug_seizures') }}

),

fiscal_year_sources as (

    select * from {{ ref('int_cbp__fiscal_year_sources') }}
    where dataset = 'drug_seizures'

),

current_rows as (

    select drug_seizures.*
    from drug_seizures
    inner join fiscal_year_sources
        on
            drug_seizures.series = fiscal_year_sources.series
            and drug_seizures.fiscal_year = fiscal_year_sources.fiscal_year
            and drug_seizures.release_id = fiscal_year_sources.release_id

)

select * from current_rows

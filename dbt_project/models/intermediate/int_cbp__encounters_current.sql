-- Staging encounters restricted to the winning release of each (series, fiscal_year),
-- so every month is counted once.

with

encounters as (

    select * from {{ ref('stg_cbp__encounters') }}

),

fiscal_year_sources as (

    select * from {{ ref('int_cbp__fiscal_year_sources') }}
    where dataset = 'encounters'

),

current_rows as (

    select encounters.*
    from encounters
    inner join fiscal_year_sources
        on
            encounters.series = fiscal_year_sources.series
            and encounters.fiscal_year = fiscal_year_sources.fiscal_year
            and encounters.release_id = fiscal_year_sources.release_id

)

select * from current_rows

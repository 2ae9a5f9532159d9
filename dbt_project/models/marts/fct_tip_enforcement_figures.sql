-- Country x TIP edition x measure: the enforcement figures a narrative states, each with the
-- sentence it came from; value null where the sentence is ambiguous (null_reason says why).

with

figures as (

    select * from {{ ref('stg_tip__enforcement_figures') }}

),

pages as (

    select * from {{ ref('int_tip__country_pages') }}

),

final as (

    select
        pages.iso3,
        figures.report_year,
        figures.measure,
        figures.value,
        figures.evidence_sentence,
        figures.section,
        figures.null_reason,
        figures.page_url as source_url
    from figures
    inner join pages
        on
            figures.report_year = pages.report_year
            and figures.page_url = pages.page_url

)

select * from final

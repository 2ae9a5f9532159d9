-- Country x TIP edition x section: the narrative as clean text, searchable by section.

with

sections as (

    select * from {{ ref('stg_tip__sections') }}

),

pages as (

    select * from {{ ref('int_tip__country_pages') }}

),

final as (

    select
        pages.iso3,
        sections.report_year,
        sections.section,
        sections.section_title,
        sections.section_order,
        sections.text,
        sections.text_chars,
        pages.placement,
        sections.page_url as source_url
    from sections
    inner join pages
        on
            sections.report_year = pages.report_year
            and sections.page_url = pages.page_url

)

select * from final

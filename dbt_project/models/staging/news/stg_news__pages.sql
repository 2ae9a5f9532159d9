-- One row per article page landed and URL that delivered it, with its extracted text.

with

source as (

    select * from {{ source('news', 'pages') }}

),

renamed as (

    select
        url as page_url,
        final_url,
        canonical_url,
        canonical_from,
        page_title,
        text as full_text,
        coalesce(text_length, 0) as text_length,
        extractor,
        extract_error,
        html_sha256,
        cast(fetched_at as timestamptz) at time zone 'UTC' as fetched_at
    from source

)

select * from renamed

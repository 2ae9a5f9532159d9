-- Every landed item occurrence with the canonical URL it resolves to: the canonical URL of its
-- article page when that page was fetched (redirects followed, <link rel="canonical"> honoured),
-- else the item link's canonical form. Items of different feeds resolving to one URL are one article.

with

items as (

    select * from {{ ref('stg_news__items') }}

),

pages as (

    select * from {{ ref('stg_news__pages') }}
    -- a URL is fetched once; should it have been landed twice, the first landing counts
    qualify row_number() over (partition by page_url order by fetched_at, html_sha256) = 1

),

resolved as (

    select
        items.*,
        coalesce(pages.canonical_url, items.canonical_url) as article_url,
        pages.full_text,
        coalesce(pages.text_length, 0) as text_length,
        pages.page_url is not null as page_fetched,
        pages.html_sha256
    from items
    left join pages
        on items.link_url = pages.page_url

)

select * from resolved

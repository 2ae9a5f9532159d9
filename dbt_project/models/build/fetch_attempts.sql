-- Every request the extractors made, failures and blocked answers included, as the fetch ledgers
-- held them when this warehouse was built (outside marts, like build_info: it grows with every
-- run while the marts of unchanged data stay the same; `crossborder status` reads the ledgers live).

with

source as (

    select * from {{ source('landing', 'fetch_ledger') }}

),

renamed as (

    select
        regexp_extract(filename, '/raw/([^/]+)/fetch_ledger[.]jsonl$', 1) as source_name,
        url,
        -- "at" stays quoted: AT is a keyword to DuckDB (AT TIME ZONE), whatever sqlfluff's dialect thinks
        cast("at" as timestamptz) as attempted_at,  -- noqa: RF06
        outcome,
        status as http_status,
        bytes as bytes_downloaded,
        sha256 as content_sha256,
        reason as failure_reason
    from source

)

select * from renamed

-- One row describing this build of the warehouse: whether it holds the demo's sample data
-- (the data directory's DEMO_DATA marker, crossborder.core.files.SAMPLE_MARKER, the file
-- crossborder run --demo writes), which sources have data in it, which releases and editions,
-- and when dbt built it. The quality gate runs after dbt, so its result is not here: it is in
-- the gate results of the data directory (crossborder status).

{%- set sample_marker = env_var('CROSSBORDER_DATA_DIR') ~ '/DEMO_DATA' %}

with

sample_marker as (

    select count(*) > 0 as is_sample_data
    from glob('{{ sample_marker | replace("'", "''") }}')

),

cbp_releases as (

    select list(release_id order by release_id) as cbp_releases
    from {{ ref('dim_cbp_release') }}

),

tip_editions as (

    select list(distinct report_year order by report_year) as tip_editions
    from {{ ref('fct_tip_tier_placements') }}

),

statcan_tables as (

    select list(distinct table_id order by table_id) as statcan_tables
    from {{ ref('fct_statcan_trafficking_incidents') }}

),

news as (

    select count(*) as news_articles
    from {{ ref('fct_news_articles') }}

),

final as (

    select
        sample_marker.is_sample_data,
        flatten([
            case when len(cbp_releases.cbp_releases) > 0 then ['cbp'] else cast([] as varchar[]) end,
            case when len(tip_editions.tip_editions) > 0 then ['tip'] else cast([] as varchar[]) end,
            case when news.news_articles > 0 then ['news'] else cast([] as varchar[]) end,
            case when len(statcan_tables.statcan_tables) > 0 then ['statcan'] else cast([] as varchar[]) end
        ]) as sources,
        coalesce(cbp_releases.cbp_releases, cast([] as varchar[])) as cbp_releases,
        coalesce(tip_editions.tip_editions, cast([] as integer[])) as tip_editions,
        coalesce(statcan_tables.statcan_tables, cast([] as varchar[])) as statcan_tables,
        cast(news.news_articles as bigint) as news_articles,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
        '{{ invocation_id }}' as dbt_invocation_id,
        -- the [duckdb] limits the build ran under (config/crossborder.toml)
        cast(current_setting('memory_limit') as varchar) as duckdb_memory_limit,
        cast(current_setting('threads') as bigint) as duckdb_threads
    from sample_marker
    cross join cbp_releases
    cross join tip_editions
    cross join statcan_tables
    cross join news

)

select * from final

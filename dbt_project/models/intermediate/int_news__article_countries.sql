-- Countries an article names: every spelling of int_country__aliases (the country dimension's
-- names and aliases) found as whole words in its title + summary + full text, both sides in
-- the same normal form (macro normalize_country_alias: lower case, no accents, runs of other
-- characters as one space). Abbreviations (US, UK, DRC, ...) are skipped: as free text they
-- are mostly something else. A spelling found only inside a longer one ("Guinea" within
-- "Papua New Guinea", "Mexico" within "New Mexico" if that were an alias) does not count.

with

articles as (

    select
        article_id,
        ' ' || {{ normalize_country_alias("concat_ws(' ', title, summary, full_text)") }} || ' ' as padded_text
    from {{ ref('int_news__articles') }}

),

aliases as (

    select
        alias,
        alias_normalized,
        iso3
    from {{ ref('int_country__aliases') }}
    where
        alias_kind <> 'abbreviation'
        and alias_normalized <> ''

),

matches as (

    select
        articles.article_id,
        aliases.iso3,
        aliases.alias,
        aliases.alias_normalized,
        -- whole-word occurrences: the padded text with the padded alias removed, measured
        (
            length(articles.padded_text)
            - length(replace(articles.padded_text, ' ' || aliases.alias_normalized || ' ', ''))
        )
        // length(' ' || aliases.alias_normalized || ' ') as occurrences
    from articles
    inner join aliases
        on contains(articles.padded_text, ' ' || aliases.alias_normalized || ' ')

),

standalone as (

    select matches.*
    from matches
    where not exists (
        select 1 as found
        from matches as longer
        where
            longer.article_id = matches.article_id
            and length(longer.alias_normalized) > length(matches.alias_normalized)
            and contains(' ' || longer.alias_normalized || ' ', ' ' || matches.alias_normalized || ' ')
            and longer.occurrences >= matches.occurrences
    )

),

final as (

    select
        article_id,
        iso3,
        list_sort(list_distinct(list(alias))) as matched_aliases,
        cast(sum(occurrences) as bigint) as mention_count
    from standalone
    group by article_id, iso3

)

select * from final

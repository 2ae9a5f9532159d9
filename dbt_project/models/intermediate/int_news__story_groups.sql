-- Near-identical copies of one story (wire copies re-published under other URLs), grouped.
-- Two articles are near-identical when their title + summary SimHashes differ in at most
-- 3 of 64 bits, or their normalised titles are equal and at least six words long.
-- Candidates are found without comparing every pair: hashes within 3 bits agree exactly on at
-- least one of their four 16-bit bands. An article's group is the smallest article_id among
-- itself and its near-identical articles (direct neighbours, not chains of them).

with

articles as (

    select
        article_id,
        simhash,
        title_normalized
    from {{ ref('int_news__articles') }}

),

bands as (

    select
        articles.article_id,
        articles.simhash,
        band.band,
        (articles.simhash >> (16 * band.band)) & 65535 as band_value
    from articles
    cross join range(4) as band (band)

),

simhash_pairs as (

    select distinct
        a.article_id,
        b.article_id as other_id
    from bands as a
    inner join bands as b
        on
            a.band = b.band
            and a.band_value = b.band_value
            and a.article_id <> b.article_id
    where bit_count(xor(a.simhash, b.simhash)) <= 3

),

title_pairs as (

    select
        a.article_id,
        b.article_id as other_id
    from articles as a
    inner join articles as b
        on
            a.title_normalized = b.title_normalized
            and a.article_id <> b.article_id
    where len(string_split(a.title_normalized, ' ')) >= 6

),

pairs as (

    select * from simhash_pairs
    union
    select * from title_pairs

),

final as (

    select
        articles.article_id,
        least(articles.article_id, coalesce(min(pairs.other_id), articles.article_id)) as story_group_id,
        count(pairs.other_id) as near_duplicate_count
    from articles
    left join pairs
        on articles.article_id = pairs.article_id
    group by articles.article_id

)

select * from final

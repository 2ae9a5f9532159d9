-- The current, present rows of the revision facts are exactly the facts. The keys are the
-- revisions models' grain (the fact's grain x release_id), as their YAML declares it (macros/grain.sql).
-- Each side is reduced to its row count and the sum of a 64-bit hash of every row: equal
-- multisets of rows give equal sums, and one pass over each table runs in constant memory (an
-- EXCEPT ALL of two 10-million-row tables sorted both, for most of a large build's time). To
-- see the rows that differ, run the same selects with EXCEPT ALL between them.
{#- each row of a dataset as one hash: its keys and measures, in the same types on both sides #}
{%- set encounter_row = grain_of('fct_border_encounter_revisions') | join(', ')
    ~ ', cast(encounter_count as bigint)' %}
{%- set drug_row = grain_of('fct_drug_seizure_revisions') | join(', ')
    ~ ', cast(event_count as bigint), cast(round(quantity_lbs, 6) as decimal(38, 6))' %}
with

encounter_revisions as (

    select
        count(*) as row_count,
        sum(hash({{ encounter_row }})::hugeint) as row_hash_sum
    from {{ ref('fct_border_encounter_revisions') }}
    where is_current and change_type <> 'removed' and encounter_count is not null

),

encounter_facts as (

    select
        count(*) as row_count,
        sum(hash({{ encounter_row }})::hugeint) as row_hash_sum
    from {{ ref('fct_border_encounters') }}

),

drug_revisions as (

    select
        count(*) as row_count,
        sum(hash({{ drug_row }})::hugeint) as row_hash_sum
    from {{ ref('fct_drug_seizure_revisions') }}
    where is_current and change_type <> 'removed' and event_count is not null

),

drug_facts as (

    select
        count(*) as row_count,
        sum(hash({{ drug_row }})::hugeint) as row_hash_sum
    from {{ ref('fct_drug_seizures') }}

),

compared as (

    select
        'encounters' as dataset,
        encounter_revisions.row_count as current_revision_rows,
        encounter_facts.row_count as fact_rows,
        encounter_revisions.row_hash_sum = encounter_facts.row_hash_sum as same_rows
    from encounter_revisions
    cross join encounter_facts
    union all
    select
        'drug seizures' as dataset,
        drug_revisions.row_count as current_revision_rows,
        drug_facts.row_count as fact_rows,
        drug_revisions.row_hash_sum = drug_facts.row_hash_sum as same_rows
    from drug_revisions
    cross join drug_facts

)

select * from compared
where current_revision_rows <> fact_rows or not coalesce(same_rows, current_revision_rows = 0)

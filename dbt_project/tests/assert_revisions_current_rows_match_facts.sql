-- The current, present rows of the revision facts are exactly the facts. The keys are the
-- revisions models' grain (the fact's grain x release_id), as their YAML declares it (macros/grain.sql).
{%- set encounter_columns = grain_of('fct_border_encounter_revisions') | join(', ') %}
{%- set drug_columns = grain_of('fct_drug_seizure_revisions') | join(', ') %}
with

encounter_revisions as (

    select {{ encounter_columns }}, encounter_count
    from {{ ref('fct_border_encounter_revisions') }}
    where is_current and change_type <> 'removed' and encounter_count is not null

),

encounter_facts as (

    select {{ encounter_columns }}, encounter_count
    from {{ ref('fct_border_encounters') }}

),

drug_revisions as (

    select {{ drug_columns }}, event_count, round(quantity_lbs, 6) as quantity_lbs
    from {{ ref('fct_drug_seizure_revisions') }}
    where is_current and change_type <> 'removed' and event_count is not null

),

drug_facts as (

    select {{ drug_columns }}, event_count, round(quantity_lbs, 6) as quantity_lbs
    from {{ ref('fct_drug_seizures') }}

),

differences as (

    select
        'encounters only in revisions' as problem,
        count(*) as n
    from (
        select * from encounter_revisions
        except all
        select * from encounter_facts
    ) as only_in_revisions
    union all
    select
        'encounters only in fact' as problem,
        count(*) as n
    from (
        select * from encounter_facts
        except all
        select * from encounter_revisions
    ) as only_in_facts
    union all
    select
        'drug seizures only in revisions' as problem,
        count(*) as n
    from (
        select * from drug_revisions
        except all
        select * from drug_facts
    ) as only_in_revisions
    union all
    select
        'drug seizures only in fact' as problem,
        count(*) as n
    from (
        select * from drug_facts
        except all
        select * from drug_revisions
    ) as only_in_facts

)

select * from differences
where n > 0

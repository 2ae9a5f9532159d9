-- The current, present rows of the revision facts are exactly the facts.
with

encounter_revisions as (

    select month_start, component, land_border_region, aor_code, demographic, citizenship,
           title_of_authority, encounter_type, release_id, encounter_count
    from {{ ref('fct_border_encounter_revisions') }}
    where is_current and change_type <> 'removed' and encounter_count is not null

),

encounter_facts as (

    select month_start, component, land_border_region, aor_code, demographic, citizenship,
           title_of_authority, encounter_type, release_id, encounter_count
    from {{ ref('fct_border_encounters') }}

),

drug_revisions as (

    select month_start, component, region, land_filter, aor_code, drug_type, release_id,
           event_count, round(quantity_lbs, 6) as quantity_lbs
    from {{ ref('fct_drug_seizure_revisions') }}
    where is_current and change_type <> 'removed' and event_count is not null

),

drug_facts as (

    select month_start, component, region, land_filter, aor_code, drug_type, release_id,
           event_count, round(quantity_lbs, 6) as quantity_lbs
    from {{ ref('fct_drug_seizures') }}

),

differences as (

    select 'encounters only in revisions' as problem, count(*) as n
    from (select * from encounter_revisions except all select * from encounter_facts)
    union all
    select 'encounters only in fact', count(*)
    from (select * from encounter_facts except all select * from encounter_revisions)
    union all
    select 'drug seizures only in revisions', count(*)
    from (select * from drug_revisions except all select * from drug_facts)
    union all
    select 'drug seizures only in fact', count(*)
    from (select * from drug_facts except all select * from drug_revisions)

)

select * from differences where n > 0

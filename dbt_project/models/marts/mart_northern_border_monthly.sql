-- Month x northern-border area of responsibility: what CBP counted at the northern land border
-- (border_region `northern` and is_land_border, seeds border_regions / cbp_land_filters):
-- encounters by type and drug seizures by drug type (fentanyl first; seizures CBP files under
-- its `Northern Border` region but not at the land border, land_filter `Other`, are left out),
-- and the month's news stories that name the northern border (the same number on every AOR
-- row of a month: not to be summed across AORs).

with

encounters as (

    select
        month_start,
        aor_code,
        sum(encounter_count) as encounters,
        sum(encounter_count) filter (where encounter_type = 'Apprehensions') as apprehensions,
        sum(encounter_count) filter (where encounter_type = 'Inadmissibles') as inadmissibles,
        sum(encounter_count) filter (where encounter_type = 'Expulsions') as expulsions
    from {{ ref('fct_border_encounters') }}
    where border_region = 'northern' and is_land_border
    group by all

),

seizures as (

    select
        month_start,
        aor_code,
        sum(event_count) filter (where lower(drug_type) like 'fentanyl%') as fentanyl_events,
        sum(quantity_lbs) filter (where lower(drug_type) like 'fentanyl%') as fentanyl_lbs,
        sum(quantity_lbs) filter (where lower(drug_type) like 'methamphetamine%') as methamphetamine_lbs,
        sum(quantity_lbs) filter (where lower(drug_type) like 'cocaine%') as cocaine_lbs,
        sum(quantity_lbs) filter (where lower(drug_type) like 'heroin%') as heroin_lbs,
        sum(quantity_lbs) filter (where lower(drug_type) like 'marijuana%') as marijuana_lbs,
        sum(quantity_lbs) filter (where not (
            lower(drug_type) like 'fentanyl%' or lower(drug_type) like 'methamphetamine%'
            or lower(drug_type) like 'cocaine%' or lower(drug_type) like 'heroin%' or lower(drug_type) like 'marijuana%'
        )) as other_drugs_lbs,
        sum(event_count) as seizure_events,
        sum(quantity_lbs) as seizures_lbs
    from {{ ref('fct_drug_seizures') }}
    where border_region = 'northern' and is_land_border
    group by all

),

news as (

    select
        cast(date_trunc('month', published_date) as date) as month_start,
        count(distinct story_group_id) as news_stories_northern_border
    from {{ ref('fct_news_articles') }}
    where
        published_date is not null
        and list_contains(border_regions, 'northern')
    group by all

),

keys as (

    select
        month_start,
        aor_code
    from encounters
    union
    select
        month_start,
        aor_code
    from seizures

),

aors as (

    select
        aor_code,
        area_of_responsibility,
        component
    from {{ ref('dim_area_of_responsibility') }}

),

dates as (

    select
        date_day,
        calendar_year,
        fiscal_year,
        fiscal_month
    from {{ ref('dim_date') }}

),

final as (

    select
        keys.month_start,
        dates.calendar_year,
        dates.fiscal_year,
        dates.fiscal_month,
        keys.aor_code,
        aors.area_of_responsibility,
        aors.component,
        cast(coalesce(encounters.encounters, 0) as bigint) as encounters,
        cast(coalesce(encounters.apprehensions, 0) as bigint) as apprehensions,
        cast(coalesce(encounters.inadmissibles, 0) as bigint) as inadmissibles,
        cast(coalesce(encounters.expulsions, 0) as bigint) as expulsions,
        cast(coalesce(seizures.fentanyl_events, 0) as bigint) as fentanyl_events,
        cast(coalesce(seizures.fentanyl_lbs, 0) as double) as fentanyl_lbs,
        cast(coalesce(seizures.methamphetamine_lbs, 0) as double) as methamphetamine_lbs,
        cast(coalesce(seizures.cocaine_lbs, 0) as double) as cocaine_lbs,
        cast(coalesce(seizures.heroin_lbs, 0) as double) as heroin_lbs,
        cast(coalesce(seizures.marijuana_lbs, 0) as double) as marijuana_lbs,
        cast(coalesce(seizures.other_drugs_lbs, 0) as double) as other_drugs_lbs,
        cast(coalesce(seizures.seizure_events, 0) as bigint) as seizure_events,
        cast(coalesce(seizures.seizures_lbs, 0) as double) as seizures_lbs,
        cast(coalesce(news.news_stories_northern_border, 0) as bigint) as news_stories_northern_border
    from keys
    left join dates on keys.month_start = dates.date_day
    left join aors on keys.aor_code = aors.aor_code
    left join encounters on keys.month_start = encounters.month_start and keys.aor_code = encounters.aor_code
    left join seizures on keys.month_start = seizures.month_start and keys.aor_code = seizures.aor_code
    left join news on keys.month_start = news.month_start

)

select * from final

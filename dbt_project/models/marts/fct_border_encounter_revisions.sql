-- Every release of every encounters grain key, compared with the previous release covering
-- its fiscal year (see macros/release_revisions.sql). What changed:
--   where change_type in ('revised', 'added', 'removed')
{{ release_revisions(
    staging_model='stg_cbp__encounters',
    dataset='encounters',
    grain=['month_start', 'component', 'land_border_region', 'aor_code', 'demographic',
           'citizenship', 'title_of_authority', 'encounter_type'],
    measures={'encounter_count': 'bigint'},
) }}

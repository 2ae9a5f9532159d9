-- Every release of every encounters grain key, compared with the previous release covering
-- its fiscal year (see macros/release_revisions.sql); the grain is fct_border_encounters' (its
-- config.meta.grain, macros/grain.sql). What changed:
--   where change_type in ('revised', 'added', 'removed')
{{ release_revisions(
    staging_model='stg_cbp__encounters',
    dataset='encounters',
    grain=grain_of('fct_border_encounters'),
    measures={'encounter_count': 'bigint'},
) }}

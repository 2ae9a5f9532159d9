-- Every release of every drug seizures grain key, compared with the previous release covering
-- its fiscal year (see macros/release_revisions.sql); the grain is fct_drug_seizures' (its
-- config.meta.grain, macros/grain.sql). What changed:
--   where change_type in ('revised', 'added', 'removed')
-- Quantities count as unchanged when equal to 6 decimal places (pounds), so that re-rounding
-- between releases is not reported as a revision.
{{ release_revisions(
    staging_model='stg_cbp__drug_seizures',
    dataset='drug_seizures',
    grain=grain_of('fct_drug_seizures'),
    measures={'event_count': 'bigint', 'quantity_lbs': 'double'},
    unchanged_when={'quantity_lbs': 'round(compared.quantity_lbs, 6) is not distinct from round(compared.previous_quantity_lbs, 6)'},
) }}

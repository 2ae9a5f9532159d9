-- One row per TIP edition in the warehouse, with how many countries it places.

select
    report_year,
    any_value(served_by) as served_by,
    count(*) as countries
from {{ ref('int_tip__country_pages') }}
group by report_year

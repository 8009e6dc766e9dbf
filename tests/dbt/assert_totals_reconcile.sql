-- Every total equals the sum of its parts: exactly for rows and funding units, within rounding for 合计.
select *
from {{ ref('mart_reconciliation') }}
where not is_within_tolerance

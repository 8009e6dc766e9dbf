-- Every total of a published document equals the sum of its parts (exactly for rows and funding units, within
-- rounding for 合计), unless accepted in seeds/reference/accepted_discrepancies.csv or a card's part above its own
-- total (flagged part_above_total). A failing document is held back by int_document_checks, so this holds whenever
-- the checks and the marts agree.
select *
from {{ ref('mart_reconciliation') }}
where not is_within_tolerance and not is_accepted_discrepancy and not is_part_above_total

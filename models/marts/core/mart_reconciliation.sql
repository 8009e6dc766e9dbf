-- Every printed total of a published document checked against the sum of its parts, in 万元 (the checks and
-- their tolerances: int_reconciliation_checks). A difference beyond tolerance is published only when
-- seeds/reference/accepted_discrepancies.csv accepts it (is_accepted_discrepancy), or when it is a card's part above
-- its own total (is_part_above_total: published with the quality flag part_above_total).

with

checks as (

    select * from {{ ref('int_reconciliation_checks') }}

),

published as (

    select * from {{ ref('int_documents_published') }}

),

final as (

    select
        checks.check_id,
        checks.document_id,
        checks.check_name,
        checks.subject_kind,
        checks.table_row_number,
        checks.subject_name,
        checks.amount_column,
        checks.printed_amount,
        checks.sum_of_parts,
        checks.difference,
        checks.addend_count,
        checks.tolerance,
        checks.is_within_tolerance,
        checks.largest_part,
        checks.is_part_above_total,
        not checks.is_within_tolerance and coalesce(
            contains(
                published.accepted_discrepancies,
                case checks.check_name
                    when 'row_total_equals_sources' then 'row_total_mismatch'
                    when 'unit_equals_sum_of_projects' then 'unit_total_mismatch'
                    when 'total_equals_sum_of_units' then 'grand_total_mismatch'
                end
            ),
            false
        ) as is_accepted_discrepancy

    from checks
    inner join published on checks.document_id = published.document_id

)

select * from final

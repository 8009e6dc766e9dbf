-- The documents the marts publish: current editions without a document check failure that is not accepted
-- (int_document_checks). What was accepted, and how many values were corrected, travels with them.

with

documents as (

    select * from {{ ref('int_document_editions') }}
    where is_current_edition

),

checks as (

    select * from {{ ref('int_document_checks') }}

),

table_rows as (

    select * from {{ ref('int_table_rows_corrected') }}

),

held_back as (

    select distinct document_id from checks
    where not is_accepted and {{ var('hold_back_failing_documents') }}

),

accepted as (

    select
        document_id,
        string_agg(distinct reason_code, ';' order by reason_code) as accepted_discrepancies

    from checks
    where is_accepted
    group by document_id

),

corrected as (

    select
        document_id,
        count(*) filter (where is_corrected) as corrected_row_count

    from table_rows
    group by document_id

),

final as (

    select
        documents.document_id,
        documents.fiscal_year,
        accepted.accepted_discrepancies,
        coalesce(corrected.corrected_row_count, 0) as corrected_row_count

    from documents
    left join accepted on documents.document_id = accepted.document_id
    left join corrected on documents.document_id = corrected.document_id
    where documents.document_id not in (select document_id from held_back)

)

select * from final

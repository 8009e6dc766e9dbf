with

documents as (

    select * from {{ ref('int_document_editions') }}

),

grand_totals as (

    select * from {{ ref('stg_extract__table_rows') }}
    where row_kind = 'total'

),

final as (

    select
        documents.document_id,
        documents.source_file,
        documents.department_name,
        documents.fiscal_year,
        documents.fiscal_year_source,
        documents.table_title,
        documents.amount_unit,
        grand_totals.total_amount,
        grand_totals.fiscal_appropriation,
        grand_totals.special_account_funds,
        grand_totals.other_funds,
        documents.page_count,
        documents.table_pages,
        documents.extractor_version,
        documents.source_modified_at,
        documents.is_current_edition,
        documents.replaced_by_document_id

    from documents
    left join grand_totals on documents.document_id = grand_totals.document_id

)

select * from final

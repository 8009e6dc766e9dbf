with

documents as (

    select * from {{ ref('int_document_editions') }}

),

published as (

    select * from {{ ref('int_documents_published') }}

),

grand_totals as (

    select * from {{ ref('int_table_rows_corrected') }}
    where row_kind = 'total'

),

funding_units as (

    select * from {{ ref('int_funding_units') }}

),

-- a format that prints no 合计 row (the card formats): the document's totals are the sums of its units
unit_sums as (

    select
        {%- for column in var('amount_columns') %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        document_id

    from funding_units
    group by document_id

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
        {%- for column in var('amount_columns') %}
            case
                when grand_totals.document_id is not null then grand_totals.{{ column }}
                else cast(unit_sums.{{ column }} as {{ amount_type() }})
            end as {{ column }},
        {%- endfor %}
        documents.page_count,
        documents.table_pages,
        documents.extractor_version,
        documents.source_modified_at,
        documents.is_current_edition,
        documents.replaced_by_document_id,
        published.accepted_discrepancies,
        coalesce(published.corrected_row_count, 0) as corrected_row_count,
        documents.table_ordinal,
        documents.table_format,
        documents.is_stale,
        documents.stale_reason,
        documents.fiscal_year_conflict,
        grand_totals.document_id is not null as is_total_printed,
        documents.text_source,
        documents.ocr_pages

    from documents
    left join published on documents.document_id = published.document_id
    left join grand_totals on documents.document_id = grand_totals.document_id
    left join unit_sums on documents.document_id = unit_sums.document_id
    -- a held-back current edition is not published (its reasons are in mart_quarantine)
    where not documents.is_current_edition or published.document_id is not null

)

select * from final

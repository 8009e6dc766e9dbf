{{ config(alias='文档') }}

with

documents as (

    select * from {{ ref('dim_document') }}

),

final as (

    select
        {{- zh_columns([
            'fiscal_year', 'department_name', 'table_title', 'source_file', 'amount_unit', 'total_amount',
            'fiscal_appropriation', 'special_account_funds', 'other_funds', 'carryover_funds', 'own_funds', 'page_count',
            'is_current_edition',
            'replaced_by_document_id', 'document_id',
        ]) }}
    from documents

)

select * from final

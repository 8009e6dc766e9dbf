with

unit_rows as (

    select * from {{ ref('int_table_rows_in_units') }}
    where row_kind = 'funding_unit'

),

final as (

    select
        funding_unit_id,
        document_id,
        department_name,
        fiscal_year,
        unit_seq,
        row_name as unit_name,
        total_amount,
        fiscal_appropriation,
        special_account_funds,
        other_funds,
        page_start as source_page,
        is_corrected

    from unit_rows

)

select * from final

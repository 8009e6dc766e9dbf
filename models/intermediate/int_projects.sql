with

project_rows as (

    select * from {{ ref('int_table_rows_in_units') }}
    where row_kind = 'project'

),

numbered as (

    select
        *,
        row_number() over (partition by funding_unit_id order by row_number) as project_seq

    from project_rows

),

final as (

    select
        funding_unit_id || {{ id_part('-p', 'project_seq', 3) }} as project_id,
        document_id,
        department_name,
        fiscal_year,
        funding_unit_id,
        unit_seq,
        unit_name,
        project_seq,
        row_number as table_row_number,
        row_name as project_name,
        total_amount,
        fiscal_appropriation,
        special_account_funds,
        other_funds,
        carryover_funds,
        own_funds,
        period_total_amount,
        period_fiscal_appropriation,
        period_other_funds,
        goal_text,
        period_goal_text,
        indicator_text,
        page_start as source_page,
        page_end,
        text_source,
        ocr_confidence,
        ocr_cell_confidences,
        is_corrected,
        corrected_columns

    from numbered

)

select * from final

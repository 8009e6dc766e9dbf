with

projects as (

    select * from {{ ref('int_projects') }}

),

published as (

    select * from {{ ref('int_documents_published') }}

),

indicator_counts as (

    select
        project_id,
        count(*) as indicator_count

    from {{ ref('int_indicators') }}
    group by project_id

),

final as (

    select
        projects.project_id,
        projects.document_id,
        projects.funding_unit_id,
        projects.fiscal_year,
        projects.department_name,
        projects.unit_name,
        projects.project_seq,
        projects.project_name,
        projects.total_amount,
        projects.fiscal_appropriation,
        projects.special_account_funds,
        projects.other_funds,
        projects.carryover_funds,
        projects.own_funds,
        projects.goal_text,
        coalesce(indicator_counts.indicator_count, 0) as indicator_count,
        projects.indicator_text,
        projects.source_page,
        projects.page_end as source_page_end,
        projects.is_corrected,
        projects.corrected_columns,
        projects.period_total_amount,
        projects.period_fiscal_appropriation,
        projects.period_other_funds,
        projects.period_goal_text,
        projects.text_source,
        projects.ocr_confidence,
        projects.ocr_cell_confidences

    from projects
    inner join published on projects.document_id = published.document_id
    left join indicator_counts on projects.project_id = indicator_counts.project_id

)

select * from final

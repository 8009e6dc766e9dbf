-- Report: one row per department-year ($department_name / $fiscal_year NULL: all of them) with its totals (the
-- 合计 as printed where the book prints it, and the projects' sum beside it), year-over-year counts with their
-- Chinese labels (marts.dim_code_label) and target quality. Feeds the index page and each page's headline figures.
with

documents as (

    select * from marts.dim_document
    where is_current_edition

),

summary as (

    select * from marts.mart_department_year_summary

),

quality as (

    select * from marts.mart_document_target_quality

),

labels as (

    select
        max(label_zh) filter (where code = 'new') as new_label,
        max(label_zh) filter (where code = 'discontinued') as discontinued_label,
        max(label_zh) filter (where code = 'changed') as changed_label
    from marts.dim_code_label
    where code_set = 'change_status'

),

units as (

    select
        document_id,
        count(*) as unit_count
    from marts.dim_funding_unit
    group by document_id

),

final as (

    select
        documents.department_name,
        documents.fiscal_year,
        summary.prior_fiscal_year,
        documents.total_amount,
        documents.is_total_printed,
        summary.total_amount as projects_total_amount,
        case when documents.is_total_printed then documents.total_amount - summary.total_amount end
            as printed_minus_projects,
        summary.prior_total_amount,
        summary.project_count,
        units.unit_count,
        summary.new_project_count,
        summary.discontinued_project_count,
        summary.changed_project_count,
        quality.target_count,
        quality.quantified_target_count,
        quality.quantified_target_share,
        quality.flag_count,
        labels.new_label,
        labels.discontinued_label,
        labels.changed_label
    from documents
    cross join labels
    inner join summary
        on documents.department_name = summary.department_name
        and documents.fiscal_year = summary.fiscal_year
    left join quality on documents.document_id = quality.document_id
    left join units on documents.document_id = units.document_id
    where ($fiscal_year is null or documents.fiscal_year = $fiscal_year)
        and ($department_name is null or documents.department_name = $department_name)

)

select * from final
order by fiscal_year, department_name

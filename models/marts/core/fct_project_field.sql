-- Every labelled value a card prints for its project that no column of fct_project_budget holds (主管部门,
-- 实施单位, 项目属性, 项目期, a label no template knows), label and value as printed: queryable per project.

with

fields as (

    select * from {{ ref('stg_extract__row_fields') }}

),

projects as (

    select * from {{ ref('int_projects') }}

),

published as (

    select * from {{ ref('int_documents_published') }}

),

final as (

    select
        projects.project_id,
        projects.document_id,
        projects.fiscal_year,
        fields.field_label,
        fields.field_value

    from fields
    inner join projects
        on
            fields.document_id = projects.document_id
            and fields.row_number = projects.table_row_number
    inner join published on projects.document_id = published.document_id

)

select * from final

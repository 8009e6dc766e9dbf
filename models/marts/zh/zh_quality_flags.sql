{{ config(alias='质量问题') }}

with

flags as (

    select * from {{ ref('fct_indicator_quality_flag') }}

),

projects as (

    select * from {{ ref('fct_project_budget') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

flags_named as (

    select
        documents.department_name,
        projects.unit_name,
        projects.project_name,
        flags.*
    from flags
    inner join documents on flags.document_id = documents.document_id
    left join projects on flags.project_id = projects.project_id

),

final as (

    select
        {{- zh_columns([
            'fiscal_year', 'department_name', 'unit_name', 'project_name', 'flag_code', 'flag_description_zh',
            'flag_scope', 'detail', 'indicator_id', 'project_id', 'flag_id',
        ]) }}
    from flags_named

)

select * from final

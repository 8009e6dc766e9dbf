{{ config(alias='项目栏目') }}

with

fields as (

    select * from {{ ref('fct_project_field') }}

),

projects as (

    select * from {{ ref('fct_project_budget') }}

),

fields_named as (

    select
        projects.department_name,
        projects.unit_name,
        projects.project_name,
        fields.*
    from fields
    inner join projects on fields.project_id = projects.project_id

),

final as (

    select
        {{- zh_columns([
            'fiscal_year', 'department_name', 'unit_name', 'project_name', 'field_label', 'field_value', 'project_id',
        ]) }}
    from fields_named

)

select * from final

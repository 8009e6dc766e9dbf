{{ config(alias='指标') }}

with

indicators as (

    select * from {{ ref('fct_performance_indicator') }}

),

projects as (

    select * from {{ ref('fct_project_budget') }}

),

indicators_named as (

    select
        projects.department_name,
        projects.unit_name,
        projects.project_name,
        indicators.*
    from indicators
    inner join projects on indicators.project_id = projects.project_id

),

final as (

    select
        {{- zh_columns([
            'fiscal_year', 'department_name', 'unit_name', 'project_name', 'indicator_seq',
            'level1_name', 'level2_code', 'level2_name', 'indicator_name', 'period_target', 'annual_target',
            'annual_target_kind', 'annual_target_operator', 'annual_target_value', 'annual_target_unit',
            'annual_deadline_date', 'weight', 'direction', 'indicator_id', 'project_id',
        ]) }}
    from indicators_named

)

select * from final

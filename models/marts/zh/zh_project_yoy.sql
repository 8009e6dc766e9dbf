{{ config(alias='同比') }}

with

yoy as (

    select * from {{ ref('mart_project_yoy') }}

),

final as (

    select
        {{- zh_columns([
            'fiscal_year', 'prior_fiscal_year', 'department_name', 'unit_name', 'project_name', 'prior_project_name',
            'prior_total_amount', 'total_amount', 'change_amount', 'change_pct', 'change_status', 'is_renamed',
            'match_method', 'project_id', 'prior_project_id',
        ]) }}
    from yoy

)

select * from final

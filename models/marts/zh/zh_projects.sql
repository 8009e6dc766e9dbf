{{ config(alias='项目') }}

with

projects as (

    select * from {{ ref('fct_project_budget') }}

),

final as (

    select
        {{- zh_columns([
            'fiscal_year', 'department_name', 'unit_name', 'project_seq', 'project_name',
            'total_amount', 'fiscal_appropriation', 'special_account_funds', 'other_funds', 'carryover_funds', 'own_funds',
            'goal_text', 'period_total_amount', 'period_fiscal_appropriation', 'period_other_funds',
            'period_goal_text', 'indicator_count', 'source_page', 'project_id', 'funding_unit_id', 'document_id',
        ]) }}
    from projects

)

select * from final

{{ config(alias='资金使用单位') }}

with

units as (

    select * from {{ ref('dim_funding_unit') }}

),

final as (

    select
        {{- zh_columns([
            'fiscal_year', 'department_name', 'unit_seq', 'unit_name', 'total_amount', 'fiscal_appropriation',
            'special_account_funds', 'other_funds', 'carryover_funds', 'own_funds', 'project_count', 'source_page', 'funding_unit_id', 'document_id',
        ]) }}
    from units

)

select * from final

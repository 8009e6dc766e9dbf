{{ config(alias='项目质量') }}

with

quality as (

    select * from {{ ref('mart_project_target_quality') }}

),

quality_in_percent as (

    -- shares in percent, as change_pct (var zh_column_units)
    select * replace (round(quantified_target_share * 100, 2) as quantified_target_share)
    from quality

),

final as (

    select
        {{- zh_columns([
            'fiscal_year', 'department_name', 'unit_name', 'project_name', 'total_amount', 'indicator_count',
            'target_count', 'quantified_target_count', 'quantified_target_share', 'flag_count', 'project_id',
        ]) }}
    from quality_in_percent

)

select * from final

{{ config(alias='同比') }}

{%- set status_rows = [] %}
{%- for status, label in var('zh_change_status').items() %}
    {%- do status_rows.append("('" ~ status ~ "', '" ~ label ~ "')") %}
{%- endfor %}

with

yoy as (

    select * from {{ ref('mart_project_yoy') }}

),

statuses as (

    select
        statuses.change_status,
        statuses.change_status_zh

    from (values {{ status_rows | join(', ') }}) as statuses (change_status, change_status_zh)

),

yoy_named as (

    select
        yoy.*,
        statuses.change_status_zh
    from yoy
    left join statuses on yoy.change_status = statuses.change_status

),

final as (

    select
        {{- zh_columns([
            'fiscal_year', 'prior_fiscal_year', 'department_name', 'unit_name', 'project_name', 'prior_project_name',
            'prior_total_amount', 'total_amount', 'change_amount', 'change_pct', 'change_status_zh', 'match_method',
            'project_id', 'prior_project_id',
        ]) }}
    from yoy_named

)

select * from final

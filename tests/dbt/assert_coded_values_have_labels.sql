-- Every coded value the marts show analysts has its Chinese label in seeds/reference/code_labels.csv: a new code
-- (a match method, a target kind) without one would show as an empty cell in marts_zh, the sheets and the report.
with

yoy as (

    select * from {{ ref('mart_project_yoy') }}

),

indicators as (

    select * from {{ ref('fct_performance_indicator') }}

),

flags as (

    select * from {{ ref('fct_indicator_quality_flag') }}

),

labels as (

    select * from {{ ref('dim_code_label') }}

),

shown as (

    select
        'change_status' as code_set,
        change_status as code
    from yoy
    union
    select
        'match_method' as code_set,
        match_method as code
    from yoy
    union
    select
        'target_kind' as code_set,
        annual_target_kind as code
    from indicators
    union
    select
        'target_kind' as code_set,
        period_target_kind as code
    from indicators
    union
    select
        'flag_scope' as code_set,
        flag_scope as code
    from flags

)

select
    shown.code_set,
    shown.code

from shown
left join labels on shown.code_set = labels.code_set and shown.code = labels.code
where shown.code is not null and labels.code is null

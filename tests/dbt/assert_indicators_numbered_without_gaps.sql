-- Every project has indicators, numbered 1..n in printed order with no gap or repeat.
with

projects as (

    select * from {{ ref('fct_project_budget') }}

),

indicators as (

    select * from {{ ref('int_indicators_split') }}

),

numbering as (

    select
        projects.project_id,
        count(indicators.indicator_seq) as indicator_count,
        count(*) filter (where indicators.indicator_seq != indicators.printed_position) as out_of_place

    from projects
    left join indicators on projects.project_id = indicators.project_id
    group by projects.project_id

)

select *
from numbering
where indicator_count = 0 or out_of_place > 0

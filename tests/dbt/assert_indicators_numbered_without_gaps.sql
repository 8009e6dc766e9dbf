-- The indicators of every published project are numbered 1..n in printed order with no gap or repeat, unless the
-- document's indicators_not_numbered is accepted. A project printed without indicators is published and flagged
-- (fct_indicator_quality_flag: no_indicators), not a failure.
with

projects as (

    select * from {{ ref('fct_project_budget') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

indicators as (

    select * from {{ ref('int_indicators_split') }}

),

numbering as (

    select
        projects.project_id,
        projects.document_id,
        count(*) filter (where indicators.indicator_seq != indicators.printed_position) as out_of_place

    from projects
    inner join indicators on projects.project_id = indicators.project_id
    group by projects.project_id, projects.document_id

)

select numbering.*
from numbering
inner join documents on numbering.document_id = documents.document_id
where
    numbering.out_of_place > 0
    and not contains(coalesce(documents.accepted_discrepancies, ''), 'indicators_not_numbered')

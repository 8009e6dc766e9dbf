-- Every character of each published 绩效指标 cell lands in a parsed indicator: the indicators, put back together
-- in printed order, are the cell exactly (unless the document's indicator_text_unparsed is accepted).
with

projects as (

    select * from {{ ref('fct_project_budget') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

reassembled as (

    select
        project_id,
        string_agg(printed_indicator, '' order by printed_position) as parsed_text

    from {{ ref('int_indicators_split') }}
    group by project_id

)

select
    projects.project_id,
    projects.indicator_text,
    reassembled.parsed_text

from projects
inner join documents on projects.document_id = documents.document_id
left join reassembled on projects.project_id = reassembled.project_id
where
    coalesce(reassembled.parsed_text, '') != coalesce(projects.indicator_text, '')
    and not contains(coalesce(documents.accepted_discrepancies, ''), 'indicator_text_unparsed')

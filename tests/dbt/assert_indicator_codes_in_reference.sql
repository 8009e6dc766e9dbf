-- Every published indicator's level-2 code is in seeds/reference/indicator_categories.csv, unless the document's
-- unknown_indicator_code is accepted (its indicators are then flagged unknown_level2_code).
with

indicators as (

    select * from {{ ref('fct_performance_indicator') }}

),

categories as (

    select * from {{ ref('dim_indicator_category') }}

),

documents as (

    select * from {{ ref('dim_document') }}

)

select
    indicators.indicator_id,
    indicators.level2_code

from indicators
inner join documents on indicators.document_id = documents.document_id
left join categories on indicators.level2_code = categories.level2_code
where
    categories.level2_code is null
    and not contains(coalesce(documents.accepted_discrepancies, ''), 'unknown_indicator_code')

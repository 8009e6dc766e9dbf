with

indicators as (

    select * from {{ ref('int_indicators_split') }}

),

categories as (

    select * from {{ ref('stg_reference__indicator_categories') }}

),

documents as (

    select * from {{ ref('stg_extract__documents') }}

),

final as (

    select
        indicators.indicator_id,
        indicators.project_id,
        indicators.document_id,
        documents.fiscal_year,
        indicators.indicator_seq,

        -- level 1 follows the level-2 code: the printed level 1 is kept, and flagged where it disagrees
        categories.level1_code,
        categories.level1_name,
        indicators.level2_code,
        categories.level2_name,
        indicators.indicator_name,
        indicators.period_target,
        indicators.annual_target,
        indicators.printed_level1_code,
        indicators.printed_level1_name,
        indicators.printed_level2_name,
        indicators.printed_level1_code is distinct from categories.level1_code as is_level1_code_repaired,
        indicators.printed_indicator

    from indicators
    inner join documents on indicators.document_id = documents.document_id
    left join categories on indicators.level2_code = categories.level2_code

)

select * from final

with

indicators as (

    select * from {{ ref('int_indicators') }}

),

categories as (

    select * from {{ ref('stg_reference__indicator_categories') }}

),

published as (

    select * from {{ ref('int_documents_published') }}

),

targets as (

    select * from {{ ref('int_indicator_targets_parsed') }}

),

period_targets as (

    select * from targets
    where target_type = 'period'

),

annual_targets as (

    select * from targets
    where target_type = 'annual'

),

final as (

    select
        indicators.indicator_id,
        indicators.project_id,
        indicators.document_id,
        indicators.fiscal_year,
        indicators.indicator_seq,

        -- level 1 follows the level-2 code: the printed level 1 is kept, and flagged where it disagrees
        categories.level1_code,
        categories.level1_name,
        indicators.level2_code,
        categories.level2_name,
        indicators.indicator_name,
        -- one printed value per indicator (the card formats) is the annual target; period_target stays NULL
        indicators.period_target,
        indicators.annual_target,

        period_targets.target_kind as period_target_kind,
        period_targets.target_operator as period_target_operator,
        period_targets.target_value as period_target_value,
        period_targets.target_unit as period_target_unit,
        period_targets.deadline_date as period_deadline_date,
        period_targets.frequency_period as period_frequency,
        period_targets.normalized_target as period_target_normalized,
        annual_targets.target_kind as annual_target_kind,
        annual_targets.target_operator as annual_target_operator,
        annual_targets.target_value as annual_target_value,
        annual_targets.target_unit as annual_target_unit,
        annual_targets.deadline_date as annual_deadline_date,
        annual_targets.frequency_period as annual_frequency,
        annual_targets.normalized_target as annual_target_normalized,

        indicators.printed_level1_code,
        indicators.printed_level1_name,
        indicators.printed_level2_name,
        -- is distinct from (a NULL on one side only also counts), spelled so that SQL linters parse it
        coalesce(
            indicators.printed_level1_code != categories.level1_code,
            (indicators.printed_level1_code is null) != (categories.level1_code is null)
        ) as is_level1_code_repaired,
        indicators.printed_indicator,
        indicators.weight,
        indicators.direction,
        indicators.printed_target_operator,
        indicators.printed_target_value,
        indicators.printed_target_unit,
        indicators.performance_standard,
        indicators.remark

    from indicators
    inner join published on indicators.document_id = published.document_id
    left join categories on indicators.level2_code = categories.level2_code
    left join period_targets on indicators.indicator_id = period_targets.indicator_id
    left join annual_targets on indicators.indicator_id = annual_targets.indicator_id

)

select * from final

-- The indicators of the formats that print one indicator per row or card line (raw_indicator_rows: project cards,
-- split-value cards, indicator tables, period cards), joined to their project by (document_id, row_number) and
-- given the codes of their printed category names:
--   level 1   the printed 一级指标 name in indicator_categories or indicator_category_synonyms (a row without a
--             level2_code) gives printed_level1_code (社会公众或服务对象满意度指标 → 3, 成本指标 → 4)
--   level 2   the printed 二级指标 name is looked up together with that level-1 code (成本指标 under 产出指标 → 14);
--             a name the seeds list under another level 1 only, with one code, is read as that code and its level 1
--             is repaired and flagged downstream (效益指标 + 服务对象满意度 → 31, is_level1_code_repaired)
--   unknown   a name in neither seed leaves its code NULL and holds the document back (int_document_checks,
--             unknown_indicator_code with the name as subject); a seed row naming it releases the document
-- The template's rows that print a category and no indicator (the period card's empty level-2 rows) are not
-- indicators; the others are numbered 1..n in printed order within their project.

with

indicator_rows as (

    select * from {{ ref('stg_extract__indicator_rows') }}

),

projects as (

    select * from {{ ref('int_projects') }}

),

categories as (

    select * from {{ ref('stg_reference__indicator_categories') }}

),

synonyms as (

    select * from {{ ref('stg_reference__indicator_category_synonyms') }}

),

category_names as (

    select distinct
        level1_name as printed_name,
        level1_code,
        cast(null as varchar) as level2_code
    from categories
    union
    select
        level2_name as printed_name,
        level1_code,
        level2_code
    from categories
    union
    select
        printed_name,
        level1_code,
        level2_code
    from synonyms

),

level1_names as (

    select
        printed_name,
        any_value(level1_code) as level1_code

    from category_names
    where level2_code is null
    group by printed_name
    having count(distinct level1_code) = 1

),

level2_names as (

    select
        printed_name,
        level1_code,
        any_value(level2_code) as level2_code

    from category_names
    where level2_code is not null
    group by printed_name, level1_code
    having count(distinct level2_code) = 1

),

level2_names_anywhere as (

    select
        printed_name,
        any_value(level2_code) as level2_code

    from category_names
    where level2_code is not null
    group by printed_name
    having count(distinct level2_code) = 1

),

printed_indicators as (

    select * from indicator_rows
    where coalesce(indicator_name, annual_target, period_target, target_value) is not null

),

numbered as (

    select
        projects.project_id,
        projects.document_id,
        projects.fiscal_year,
        printed_indicators.row_number,
        printed_indicators.indicator_seq,
        printed_indicators.level1_name,
        printed_indicators.level2_name,
        printed_indicators.indicator_name,
        printed_indicators.target_operator,
        printed_indicators.target_value,
        printed_indicators.target_unit,
        printed_indicators.period_target,
        printed_indicators.annual_target,
        printed_indicators.printed_weight,
        printed_indicators.weight,
        printed_indicators.direction,
        printed_indicators.page_number,
        printed_indicators.performance_standard,
        printed_indicators.remark,
        row_number() over (
            partition by projects.project_id order by printed_indicators.indicator_seq
        ) as indicator_position

    from printed_indicators
    inner join projects
        on
            printed_indicators.document_id = projects.document_id
            and printed_indicators.row_number = projects.table_row_number

),

categorised as (

    select
        numbered.*,
        level1_names.level1_code as printed_level1_code,
        coalesce(level2_names.level2_code, level2_names_anywhere.level2_code) as level2_code

    from numbered
    left join level1_names on numbered.level1_name = level1_names.printed_name
    left join level2_names
        on
            numbered.level2_name = level2_names.printed_name
            and level1_names.level1_code = level2_names.level1_code
    left join level2_names_anywhere on numbered.level2_name = level2_names_anywhere.printed_name

),

final as (

    select
        project_id || {{ id_part('-i', 'indicator_position', 2) }} as indicator_id,
        project_id,
        document_id,
        fiscal_year,
        cast(indicator_position as integer) as indicator_seq,
        cast(indicator_position as integer) as printed_position,
        indicator_seq as printed_row_seq,
        row_number as table_row_number,
        printed_level1_code,
        level1_name as printed_level1_name,
        level2_code,
        level2_name as printed_level2_name,
        indicator_name,
        period_target,
        annual_target,
        target_operator as printed_target_operator,
        target_value as printed_target_value,
        target_unit as printed_target_unit,
        printed_weight,
        weight,
        direction,
        performance_standard,
        remark,
        page_number,
        case
            when printed_level1_code is null then coalesce(level1_name, '(empty 一级指标)')
            when level2_code is null then coalesce(level2_name, '(empty 二级指标)')
        end as unknown_category_name

    from categorised

)

select * from final

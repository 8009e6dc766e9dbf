-- Split each project's 绩效指标 cell into its numbered indicators. The cell prints them back to back:
--   N、L-<一级指标>；LL-<二级指标>；<指标名称>；实施周期指标值:<value>；年度指标值:<value>。
-- Names and values never contain 「；」, values never contain 「。」 (checked on every document by
-- the test assert_indicator_text_fully_parsed, which fails if any character is left over).

{#- One definition of the grammar, shared with the quality gate (extract/gate.py): var indicator_pattern. #}
{%- set indicator_pattern = var('indicator_pattern') %}
{%- set indicator_fields = [
    'seq', 'level1_code', 'level1_name', 'level2_code', 'level2_name', 'indicator_name', 'period_target',
    'annual_target',
] %}

with

projects as (

    select * from {{ ref('int_projects') }}
    where indicator_text is not null

),

matched as (

    select
        project_id,
        document_id,
        fiscal_year,
        regexp_extract_all(indicator_text, '{{ indicator_pattern }}') as printed_indicators

    from projects

),

exploded as (

    select
        project_id,
        document_id,
        fiscal_year,
        unnest(printed_indicators) as printed_indicator,
        unnest(generate_series(1, len(printed_indicators))) as printed_position

    from matched

),

parsed as (

    select
        *,
        regexp_extract(printed_indicator, '{{ indicator_pattern }}', {{ indicator_fields }}) as indicator_parts

    from exploded

),

final as (

    select
        parsed.project_id || {{ id_part('-i', 'indicator_parts.seq', 2) }} as indicator_id,
        parsed.project_id,
        parsed.document_id,
        parsed.fiscal_year,
        cast(indicator_parts.seq as integer) as indicator_seq,
        parsed.printed_position,
        indicator_parts.level1_code as printed_level1_code,
        trim(indicator_parts.level1_name) as printed_level1_name,
        indicator_parts.level2_code,
        trim(indicator_parts.level2_name) as printed_level2_name,
        trim(indicator_parts.indicator_name) as indicator_name,
        trim(indicator_parts.period_target) as period_target,
        trim(indicator_parts.annual_target) as annual_target,
        parsed.printed_indicator

    from parsed

)

select * from final

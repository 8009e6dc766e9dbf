-- One row per quality problem found in a target or a project (定量易评 checks); the rules are
-- listed with their codes in seeds/reference/quality_flag_definitions.csv.

with

indicators as (

    select * from {{ ref('fct_performance_indicator') }}

),

projects as (

    select * from {{ ref('fct_project_budget') }}

),

districts as (

    select * from {{ ref('stg_reference__district_names') }}

),

definitions as (

    select * from {{ ref('stg_reference__quality_flag_definitions') }}

),

reconciliation as (

    select * from {{ ref('mart_reconciliation') }}

),

project_rows as (

    select * from {{ ref('int_projects') }}

),

editions as (

    select * from {{ ref('int_document_editions') }}

),

-- a card's part above its own total (mart_reconciliation.is_part_above_total), both numbers as printed
parts_above_total as (

    select
        cast(null as varchar) as indicator_id,
        project_rows.project_id,
        reconciliation.document_id,
        project_rows.fiscal_year,
        'part_above_total' as flag_code,
        '其中 ' || {{ amount_text('reconciliation.largest_part / editions.to_wan_yuan') }}
        || ' > 总计 ' || {{ amount_text('reconciliation.printed_amount / editions.to_wan_yuan') }}
        || ' ' || editions.amount_unit as detail

    from reconciliation
    inner join project_rows
        on
            reconciliation.document_id = project_rows.document_id
            and reconciliation.table_row_number = project_rows.table_row_number
    inner join editions on reconciliation.document_id = editions.document_id
    where reconciliation.is_part_above_total

),

indicator_flags as (

    select
        indicators.indicator_id,
        indicators.project_id,
        indicators.document_id,
        indicators.fiscal_year,
        rules.flag_code,
        rules.detail

    from indicators,
        lateral (
            values
            (
                'qualitative_only',
                -- every printed target qualitative (a card prints the annual one only)
                coalesce(indicators.period_target_kind, indicators.annual_target_kind) = 'qualitative'
                and coalesce(indicators.annual_target_kind, indicators.period_target_kind) = 'qualitative',
                indicators.annual_target
            ),
            (
                'target_repeats_name',
                (indicators.period_target = indicators.indicator_name)
                != (indicators.annual_target = indicators.indicator_name),
                indicators.period_target || ' / ' || indicators.annual_target
            ),
            (
                'period_annual_differ',
                indicators.period_target_normalized != indicators.annual_target_normalized,
                indicators.period_target || ' / ' || indicators.annual_target
            ),
            (
                'unit_contradicts_name',
                (
                    regexp_matches(indicators.indicator_name, '率')
                    and not regexp_matches(indicators.indicator_name, '频率')
                    and (
                        indicators.period_target_unit not in ('%') or indicators.annual_target_unit not in ('%')
                    )
                )
                or (
                    regexp_matches(indicators.indicator_name, '次数|场次')
                    and '%' in (indicators.period_target_unit, indicators.annual_target_unit)
                ),
                indicators.indicator_name || '：' || indicators.annual_target
            ),
            (
                'number_without_unit',
                (indicators.period_target_kind = 'quantity' and indicators.period_target_unit is null)
                or (indicators.annual_target_kind = 'quantity' and indicators.annual_target_unit is null),
                indicators.annual_target
            ),
            (
                'level1_code_mismatch',
                indicators.is_level1_code_repaired,
                'printed ' || coalesce(indicators.printed_level1_code || '-', '') || indicators.printed_level1_name
                || ' with ' || indicators.level2_code || '-' || indicators.level2_name
            ),
            (
                'satisfaction_below_80',
                indicators.level2_code = '31' and (
                    (
                        indicators.period_target_unit = '%'
                        and indicators.period_target_value < {{ var('satisfaction_floor_pct') }}
                    )
                    or (
                        indicators.annual_target_unit = '%'
                        and indicators.annual_target_value < {{ var('satisfaction_floor_pct') }}
                    )
                ),
                indicators.annual_target
            ),
            (
                'unknown_level2_code',
                indicators.level2_name is null,
                indicators.level2_code || '-' || indicators.printed_level2_name
            ),
            (
                'deadline_outside_fiscal_year',
                year(indicators.period_deadline_date) != indicators.fiscal_year
                or year(indicators.annual_deadline_date) != indicators.fiscal_year,
                indicators.annual_target
            )
        ) as rules (flag_code, fires, detail)

    where coalesce(rules.fires, false)

),

indicator_summary as (

    select
        project_id,
        count(*) as indicator_count,
        count(*) filter (where level1_code = '1') as output_indicator_count,
        count(*) filter (where level1_code = '3') as satisfaction_indicator_count

    from indicators
    group by project_id

),

goal_repeats as (

    select
        project_id,
        count(*) over (partition by document_id, goal_text) - 1 as projects_with_same_goal

    from projects
    where goal_text is not null

),

other_districts as (

    select
        projects.project_id,
        -- quoted as the goal prints it: 宝安区 when the full name is printed, else the short name 宝安
        string_agg(
            case
                when contains(projects.goal_text, districts.district_full_name) then districts.district_full_name
                else districts.district_name
            end,
            '、' order by districts.district_name
        ) as district_names

    from projects
    inner join districts
        on
            contains(projects.goal_text, districts.district_name)
            and not contains(projects.department_name, districts.district_name)
    group by projects.project_id

),

project_flags as (

    select
        cast(null as varchar) as indicator_id,
        projects.project_id,
        projects.document_id,
        projects.fiscal_year,
        rules.flag_code,
        rules.detail

    from projects
    left join indicator_summary on projects.project_id = indicator_summary.project_id
    left join goal_repeats on projects.project_id = goal_repeats.project_id
    left join other_districts on projects.project_id = other_districts.project_id,
        lateral (
            values
            ('no_satisfaction_indicator', coalesce(indicator_summary.satisfaction_indicator_count, 0) = 0, null),
            ('no_output_indicator', coalesce(indicator_summary.output_indicator_count, 0) = 0, null),
            (
                'fewer_than_3_indicators',
                coalesce(indicator_summary.indicator_count, 0) < {{ var('min_indicators_per_project') }},
                cast(coalesce(indicator_summary.indicator_count, 0) as varchar) || ' indicators'
            ),
            (
                'duplicate_goal_text',
                goal_repeats.projects_with_same_goal > 0,
                cast(goal_repeats.projects_with_same_goal as varchar) || ' other project(s)'
            ),
            ('goal_names_other_district', other_districts.district_names is not null, other_districts.district_names),
            ('no_indicators', coalesce(indicator_summary.indicator_count, 0) = 0, null),
            ('no_goal', projects.goal_text is null, null)
        ) as rules (flag_code, fires, detail)

    where coalesce(rules.fires, false)

),

-- a target read by OCR that may not be the printed one (issue 23): the engine's alphabet has no ≧ or ≦, the signs
-- books print before numbers, and it drops them (≧240次 → 240次, alike in both values) or reads them as a digit
-- (≧240次 → 2240次, ≧48次 → 448次) or a colon (≧90% → ：90%), so a value with a digit (or a letter it makes of
-- one: l for 1, O for 0) or starting with a separator mark may not be as printed; and any value on a row the engine
-- was unsure of
{%- set uncertain = '[0-9' ~ var("ocr_digit_letters") ~ ']|^[:：;；]' %}
ocr_uncertain as (

    select
        indicators.indicator_id,
        indicators.project_id,
        indicators.document_id,
        indicators.fiscal_year,
        'ocr_uncertain' as flag_code,
        coalesce(indicators.period_target || ' / ', '') || indicators.annual_target
        || ' (OCR confidence ' || cast(round(projects.ocr_confidence, 2) as varchar) || ')' as detail

    from indicators
    inner join projects on indicators.project_id = projects.project_id
    where
        projects.text_source = 'ocr'
        and (
            projects.ocr_confidence < {{ var('ocr_confidence_floor') }}
            or regexp_matches(indicators.annual_target, '{{ uncertain }}')
            or regexp_matches(indicators.period_target, '{{ uncertain }}')
        )

),

flags as (

    select * from indicator_flags
    union all by name
    select * from ocr_uncertain
    union all by name
    select * from project_flags
    union all by name
    select * from parts_above_total

),

final as (

    select
        coalesce(flags.indicator_id, flags.project_id) || '-' || flags.flag_code as flag_id,
        definitions.flag_scope,
        flags.flag_code,
        definitions.flag_description,
        definitions.flag_description_zh,
        flags.indicator_id,
        flags.project_id,
        flags.document_id,
        flags.fiscal_year,
        flags.detail

    from flags
    inner join definitions on flags.flag_code = definitions.flag_code

)

select * from final

-- Document checks (stage document_check): one row per failure, in the quarantine reason schema of
-- docs/architecture.md. Every one of them holds its document back from the marts (int_documents_published),
-- because it may be a reading error, unless seeds/reference/accepted_discrepancies.csv accepts that check for that
-- document (is_accepted). Which check is which:
--   grand_total_mismatch     合计 ≠ the sum of the funding units beyond rounding (half the last digit per unit)
--   unit_total_mismatch      a funding unit's amount ≠ the sum of its projects'
--   row_total_mismatch       a row's 总计 ≠ 财政拨款 + 财政专户拨款 + 其他资金
--   unknown_indicator_code   a level-2 code (二级指标) not in seeds/reference/indicator_categories.csv, or a printed
--                            category name (一级指标/二级指标 of the card formats) in neither that seed nor
--                            seeds/reference/indicator_category_synonyms.csv (int_indicator_rows)
--   indicators_not_numbered  a project's indicators are not numbered 1..n in printed order
--   indicator_text_unparsed  characters of a 绩效指标 cell that are in no parsed indicator
--   unknown_amount_unit      the printed 单位 is empty or not in seeds/reference/amount_units.csv
-- A project printed without indicators or without a goal is a property of the book, not a check: it is published
-- and flagged in fct_indicator_quality_flag (no_indicators, no_goal).

with

documents as (

    select * from {{ ref('int_document_editions') }}
    where is_current_edition

),

reconciliation as (

    select * from {{ ref('int_reconciliation_checks') }}

),

projects as (

    select * from {{ ref('int_projects') }}

),

indicators as (

    select * from {{ ref('int_indicators_split') }}

),

all_indicators as (

    select * from {{ ref('int_indicators') }}

),

categories as (

    select * from {{ ref('stg_reference__indicator_categories') }}

),

accepted as (

    select * from {{ ref('stg_reference__accepted_discrepancies') }}

),

totals_not_adding_up as (

    select
        reconciliation.document_id,
        case reconciliation.check_name
            when 'row_total_equals_sources' then 'row_total_mismatch'
            when 'unit_equals_sum_of_projects' then 'unit_total_mismatch'
            when 'total_equals_sum_of_units' then 'grand_total_mismatch'
        end as reason_code,
        reconciliation.page_number,
        reconciliation.table_row_number as row_number,
        reconciliation.subject_name as subject,
        {{ amount_text('reconciliation.printed_amount / documents.to_wan_yuan') }} as printed_value,
        {{ amount_text('reconciliation.sum_of_parts / documents.to_wan_yuan') }} as computed_value,
        case reconciliation.check_name
            when 'row_total_equals_sources' then '总计 is not 财政拨款 + 财政专户拨款 + 其他资金'
            when
                'unit_equals_sum_of_projects'
                then reconciliation.amount_column || ' of the funding unit is not the sum of its projects'
            when
                'total_equals_sum_of_units'
                then reconciliation.amount_column || ' of 合计 is not the sum of the funding units'
        end
        || ': printed ' || {{ amount_text('reconciliation.printed_amount / documents.to_wan_yuan') }}
        || ', computed ' || {{ amount_text('reconciliation.sum_of_parts / documents.to_wan_yuan') }}
        || ' ' || coalesce(documents.amount_unit, '')
        || ' (tolerance ' || {{ amount_text('reconciliation.tolerance / documents.to_wan_yuan') }} || ')'
            as reason

    from reconciliation
    inner join documents on reconciliation.document_id = documents.document_id
    where
        not reconciliation.is_within_tolerance
        -- a card's 其中 above its own total: published with the quality flag part_above_total instead
        and not reconciliation.is_part_above_total

),

unknown_codes as (

    select
        all_indicators.document_id,
        'unknown_indicator_code' as reason_code,
        coalesce(all_indicators.page_number, projects.source_page) as page_number,
        projects.table_row_number as row_number,
        coalesce(
            all_indicators.unknown_category_name,
            all_indicators.level2_code || '-' || all_indicators.printed_level2_name
        ) as subject,
        coalesce(all_indicators.unknown_category_name, all_indicators.level2_code) as printed_value,
        cast(null as varchar) as computed_value,
        'indicator ' || all_indicators.indicator_seq || ' of project ' || projects.project_name || ': '
        || coalesce(
            'category name ' || all_indicators.unknown_category_name
            || ' is not in seeds/reference/indicator_categories.csv or indicator_category_synonyms.csv',
            'level-2 code ' || all_indicators.level2_code || ' is not in seeds/reference/indicator_categories.csv'
        ) as reason

    from all_indicators
    inner join projects on all_indicators.project_id = projects.project_id
    left join categories on all_indicators.level2_code = categories.level2_code
    where categories.level2_code is null or all_indicators.unknown_category_name is not null

),

numbering as (

    select
        project_id,
        string_agg(cast(indicator_seq as varchar), ',' order by printed_position) as printed_numbers,
        string_agg(cast(printed_position as varchar), ',' order by printed_position) as expected_numbers

    from indicators
    group by project_id
    having count(*) filter (where indicator_seq != printed_position) > 0

),

not_numbered as (

    select
        projects.document_id,
        'indicators_not_numbered' as reason_code,
        projects.source_page as page_number,
        projects.table_row_number as row_number,
        projects.project_name as subject,
        numbering.printed_numbers as printed_value,
        numbering.expected_numbers as computed_value,
        'the indicators of project ' || projects.project_name || ' are numbered ' || numbering.printed_numbers
        || ', not 1..n' as reason

    from numbering
    inner join projects on numbering.project_id = projects.project_id

),

reassembled as (

    select
        project_id,
        string_agg(printed_indicator, '' order by printed_position) as parsed_text

    from indicators
    group by project_id

),

unparsed as (

    select
        projects.document_id,
        'indicator_text_unparsed' as reason_code,
        projects.source_page as page_number,
        projects.table_row_number as row_number,
        projects.project_name as subject,
        projects.indicator_text as printed_value,
        reassembled.parsed_text as computed_value,
        'project ' || projects.project_name || ': '
        || (length(projects.indicator_text) - length(coalesce(reassembled.parsed_text, '')))
        || ' characters of the 绩效指标 cell are in no parsed indicator' as reason

    from projects
    left join reassembled on projects.project_id = reassembled.project_id
    where
        projects.indicator_text is not null
        and coalesce(reassembled.parsed_text, '') != projects.indicator_text

),

unknown_units as (

    select
        document_id,
        'unknown_amount_unit' as reason_code,
        cast(nullif(split_part(table_pages, ';', 1), '') as integer) as page_number,
        cast(null as integer) as row_number,
        coalesce(amount_unit, '(none)') as subject,
        amount_unit as printed_value,
        cast(null as varchar) as computed_value,
        'the amount unit (单位) ' || coalesce('''' || amount_unit || '''', 'is not printed and')
        || ' is not in seeds/reference/amount_units.csv' as reason

    from documents
    where not is_amount_unit_known

),

failures as (

    select * from totals_not_adding_up
    union all by name
    select * from unknown_codes
    union all by name
    select * from not_numbered
    union all by name
    select * from unparsed
    union all by name
    select * from unknown_units

),

final as (

    select
        documents.source_file,
        failures.document_id,
        'document_check' as stage,
        failures.reason_code,
        failures.reason,
        failures.page_number,
        failures.row_number,
        failures.subject,
        failures.printed_value,
        failures.computed_value,
        accepted.document_id is not null as is_accepted,
        accepted.accepted_reason

    from failures
    inner join documents on failures.document_id = documents.document_id
    left join accepted
        on
            failures.document_id = accepted.document_id
            and failures.reason_code = accepted.check_name

)

select * from final
{{ where_touched_documents() }}

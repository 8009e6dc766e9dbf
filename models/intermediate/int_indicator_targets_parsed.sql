-- Every printed target (实施周期指标值 and 年度指标值) turned into typed values. The rules, in order,
-- are written out in _intermediate__models.yml; each form of the seed is a dbt unit test. A target printed
-- without a value (a card printing one value per indicator has no period target) has no row. Where the format
-- prints operator, value and unit in cells of their own and the value cell is a number or a date, the annual
-- target's typed columns come from those cells, not from parsing the joined text.

with

indicators as (

    select * from {{ ref('int_indicators') }}
    {{ where_touched_documents() }}

),

targets as (

    unpivot (
        select
            indicator_id,
            document_id,
            period_target,
            annual_target
        from indicators
    )
    on period_target as period, annual_target as annual
    into name target_type value printed_target

),

normalized as (

    -- full-width digits and signs, ％, ≧/≥ and ≦/≤ are the same thing; white space carries nothing
    select
        indicator_id,
        document_id,
        target_type,
        printed_target,
        replace(
            replace(
                regexp_replace(
                    translate(printed_target, '０１２３４５６７８９％．＞＜＝≧≦', '0123456789%.><=≥≤'),
                    '\s+', '', 'g'
                ),
                '≥', '>='
            ),
            '≤', '<='
        ) as target_text

    from targets

),

parts as (

    -- each unnest(regexp_extract(…, [names])) expands into one column per named group (hence no alias)
    select
        *,
        unnest(regexp_extract(  -- noqa: AL03
            target_text,
            '^(\d{4})年(?:(\d{1,2})月)?(底|末)?(?:前|以前|之前|内|完成)',
            ['deadline_year', 'deadline_month', 'deadline_month_end']
        )),
        regexp_extract(target_text, '(每|按)(天|日|周|星期|月|季度|季|半年|年)', 2) as frequency_period,
        unnest(regexp_extract(  -- noqa: AL03
            target_text,
            -- the unit may be bracketed, as Shanghai's forms print it: ≥13459.00(平方米), =100.00(%), 90.00(度)
            '(\d+(?:\.\d+)?)(?:[(（]?({{ var("target_units") | join("|") }})[)）]?)?',
            ['quantity_number', 'quantity_unit']
        )),
        unnest(regexp_extract(  -- noqa: AL03
            target_text,
            '([一二两三四五六七八九十])(人次|家次|场次|次|人|个|处|宗|场|面|片|件|户|年|月|天|家|项|名|期|篇|份)',
            ['spelled_numeral', 'spelled_unit']
        ))

    from normalized

),

typed as (

    select
        *,
        case
            when quantity_number != '' then cast(quantity_number as decimal(18, 4))
            when spelled_numeral != ''
                then cast(strpos('一二三四五六七八九十', replace(spelled_numeral, '两', '二')) as decimal(18, 4))
        end as target_value,
        nullif(coalesce(nullif(quantity_unit, ''), spelled_unit), '') as target_unit

    from parts

),

classified as (

    select
        *,
        case
            when deadline_year != '' then 'deadline'
            when frequency_period != '' then 'frequency'
            when target_value is null then 'qualitative'
            when target_unit = '%' then 'percent'
            when target_unit in ('元', '万元') then 'amount'
            else 'quantity'
        end as target_kind,
        case
            when deadline_year != '' then '<='
            when target_value is null then null
            when target_text like '>=%' or regexp_matches(target_text, '以上|不少于|不低于|至少|不得少于') then '>='
            when target_text like '<=%' or regexp_matches(target_text, '以下|不超过|不高于|不得超过|以内') then '<='
            when target_text like '>%' then '>'
            when target_text like '<%' then '<'
            when regexp_matches(target_text, '^(近|约)|左右') then '~'
            else '='
        end as target_operator,
        case
            when deadline_year = '' then null
            when deadline_month = '' then make_date(cast(deadline_year as integer), 12, 31)
            when deadline_month_end != ''
                then last_day(make_date(cast(deadline_year as integer), cast(deadline_month as integer), 1))
            else make_date(cast(deadline_year as integer), cast(deadline_month as integer), 1) - interval 1 day
        end as deadline_date

    from typed

),

from_text as (

    select
        indicator_id,
        document_id,
        target_type,
        printed_target,
        target_kind,
        target_operator,
        case when target_kind != 'deadline' then target_value end as target_value,
        case when target_kind != 'deadline' then target_unit end as target_unit,
        cast(deadline_date as date) as deadline_date,
        nullif(frequency_period, '') as frequency_period,
        target_text as normalized_target

    from classified

),

cells as (

    -- operator (≧/≥ as >=, 定性 as none), value (thousands separators dropped) and unit as the cells print them
    select
        indicator_id,
        'annual' as target_type,
        case translate(printed_target_operator, '≧≦＝＞＜', '≥≤=><')
            when '≥' then '>='
            when '≤' then '<='
            when '>=' then '>='
            when '<=' then '<='
            when '=' then '='
            when '>' then '>'
            when '<' then '<'
        end as cell_operator,
        try_cast(replace(printed_target_value, ',', '') as decimal(18, 4)) as cell_number,
        try_cast(printed_target_value as date) as cell_date,
        printed_target_unit as cell_unit

    from indicators
    where printed_target_value is not null

),

typed_cells as (

    -- a value cell that is no number nor date (达到95%以上, 按时发放) is read like a one-cell value
    select * from cells
    where cell_number is not null or cell_date is not null

),

from_cells as (

    select
        from_text.indicator_id,
        from_text.document_id,
        from_text.target_type,
        from_text.printed_target,
        case
            when cells.cell_date is not null then 'deadline'
            when cells.cell_unit = '%' then 'percent'
            when cells.cell_unit in ('元', '万元') then 'amount'
            else 'quantity'
        end as target_kind,
        coalesce(cells.cell_operator, case when cells.cell_date is not null then '<=' else '=' end) as target_operator,
        cells.cell_number as target_value,
        case when cells.cell_date is null then cells.cell_unit end as target_unit,
        cells.cell_date as deadline_date,
        cast(null as varchar) as frequency_period,
        from_text.normalized_target

    from from_text
    inner join typed_cells as cells
        on
            from_text.indicator_id = cells.indicator_id
            and from_text.target_type = cells.target_type

),

final as (

    select from_text.*
    from from_text
    anti join typed_cells as cells
        on
            from_text.indicator_id = cells.indicator_id
            and from_text.target_type = cells.target_type
    union all by name
    select * from from_cells

)

select * from final

-- Every printed target (实施周期指标值 and 年度指标值) turned into typed values. The rules, in order,
-- are written out in _intermediate__models.yml; each form of the seed is a dbt unit test.

with

indicators as (

    select * from {{ ref('int_indicators_split') }}

),

targets as (

    unpivot (
        select
            indicator_id,
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
            '(\d+(?:\.\d+)?)(人次|家次|场次|万元|小时|平方米|公里|次|%|人|个|元|处|宗|场|分|面|片|件|户|年|月|天|日|家|项|名|所|条|期|篇|份|台|套|米|吨|周)?',
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

final as (

    select
        indicator_id,
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

)

select * from final

-- The funding unit (资金使用单位) rows, numbered in printed order. A unit row that prints no amount (the card
-- formats print none: their reader writes a unit row before each run of cards of one 实施单位) takes the sums of
-- its projects, marked is_total_printed = false; a printed amount is kept as printed.

{%- set amount_columns = var('amount_columns') %}

with

table_rows as (

    select * from {{ ref('int_table_rows_in_units') }}

),

projects as (

    select * from {{ ref('int_projects') }}

),

unit_rows as (

    select
        *,
        coalesce({{ amount_columns | join(', ') }}) is not null as is_total_printed

    from table_rows
    where row_kind = 'funding_unit'

),

project_sums as (

    select
        {%- for column in amount_columns %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        funding_unit_id

    from projects
    group by funding_unit_id

),

final as (

    select
        unit_rows.funding_unit_id,
        unit_rows.document_id,
        unit_rows.department_name,
        unit_rows.fiscal_year,
        unit_rows.unit_seq,
        unit_rows.unit_name,
        unit_rows.row_name as printed_unit_name,
        {%- for column in amount_columns %}
            case
                when unit_rows.is_total_printed then unit_rows.{{ column }}
                else cast(project_sums.{{ column }} as {{ amount_type() }})
            end as {{ column }},
        {%- endfor %}
        unit_rows.is_total_printed,
        unit_rows.page_start as source_page,
        unit_rows.is_corrected

    from unit_rows
    left join project_sums on unit_rows.funding_unit_id = project_sums.funding_unit_id

)

select * from final

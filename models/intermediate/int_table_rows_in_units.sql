-- Every printed row of a current edition (corrected, amounts in 万元) with its document's department and year,
-- and the funding unit (资金使用单位) it belongs to: the last unit row printed above it.

with

table_rows as (

    select * from {{ ref('int_table_rows_corrected') }}
    {{ where_touched_documents() }}

),

current_editions as (

    select * from {{ ref('int_document_editions') }}
    where is_current_edition

),

in_units as (

    select
        table_rows.*,
        current_editions.department_name,
        current_editions.fiscal_year,
        count(*) filter (where table_rows.row_kind = 'funding_unit') over (
            partition by table_rows.document_id
            order by table_rows.row_number
            rows between unbounded preceding and current row
        ) as unit_seq

    from table_rows
    inner join current_editions on table_rows.document_id = current_editions.document_id

),

final as (

    select
        *,
        document_id || {{ id_part('-u', 'unit_seq', 2) }} as funding_unit_id,
        -- a unit code printed before the name ((433001001)…, [173]…, 820001-…) is not part of it (kept in row_name)
        regexp_replace(
            max(row_name) filter (where row_kind = 'funding_unit') over (partition by document_id, unit_seq),
            '{{ var("printed_code_pattern") }}', ''
        ) as unit_name

    from in_units

)

select * from final

-- Every printed row of a current edition with the funding unit (资金使用单位) it belongs to: the last
-- unit row printed above it.

with

table_rows as (

    select * from {{ ref('stg_extract__table_rows') }}

),

current_editions as (

    select * from {{ ref('int_document_editions') }}
    where is_current_edition

),

in_units as (

    select
        *,
        count(*) filter (where row_kind = 'funding_unit') over (
            partition by document_id
            order by row_number
            rows between unbounded preceding and current row
        ) as unit_seq

    from table_rows
    where document_id in (select document_id from current_editions)

),

final as (

    select
        *,
        document_id || '-u' || lpad(cast(unit_seq as varchar), 2, '0') as funding_unit_id

    from in_units

)

select * from final

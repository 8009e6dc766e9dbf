-- Every printed row with the funding unit (资金使用单位) it belongs to: the last unit row above it.

with

table_rows as (

    select * from {{ ref('stg_extract__table_rows') }}

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

),

final as (

    select
        *,
        document_id || '-u' || lpad(cast(unit_seq as varchar), 2, '0') as funding_unit_id

    from in_units

)

select * from final

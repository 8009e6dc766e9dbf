-- Every printed indicator of a current edition, whatever the table's format: the packed cells split
-- (int_indicators_split, codes as printed) and the indicators printed one per row or card line
-- (int_indicator_rows, codes from their category names), with the same ids and columns. Columns only one kind
-- prints are NULL for the other (printed_indicator for the packed cell; weight, direction and the target cells
-- for the formats printing them).

with

packed as (

    select * from {{ ref('int_indicators_split') }}

),

indicator_rows as (

    select * from {{ ref('int_indicator_rows') }}

),

final as (

    select * from packed
    union all by name
    select * from indicator_rows

)

select * from final

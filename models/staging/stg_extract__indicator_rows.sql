with

source as (

    select * from {{ ref('raw_indicator_rows') }}

),

renamed as (

    select
        document_id,
        cast(row_number as integer) as row_number,
        cast(indicator_seq as integer) as indicator_seq,
        nullif(trim(level1_name), '') as level1_name,
        nullif(trim(level2_name), '') as level2_name,
        nullif(trim(indicator_name), '') as indicator_name,

        -- operator, value and unit where the format prints them in cells of their own
        nullif(trim(operator), '') as target_operator,
        nullif(trim(target_value), '') as target_value,
        nullif(trim(target_unit), '') as target_unit,
        nullif(trim(period_target), '') as period_target,
        nullif(trim(annual_target), '') as annual_target,

        nullif(trim(weight), '') as printed_weight,
        try_cast(nullif(trim(weight), '') as decimal(9, 4)) as weight,
        nullif(trim(direction), '') as direction,
        cast(nullif(page, '') as integer) as page_number,
        nullif(trim(standard), '') as performance_standard,
        nullif(trim(remark), '') as remark

    from source

)

select * from renamed

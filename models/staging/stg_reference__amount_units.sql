with

source as (

    select * from {{ ref('amount_units') }}

),

renamed as (

    select
        trim(printed_unit) as printed_unit,
        amount_unit,
        cast(to_wan_yuan as {{ amount_type() }}) as to_wan_yuan

    from source

)

select * from renamed

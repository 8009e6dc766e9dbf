with

labels as (

    select * from {{ ref('stg_reference__code_labels') }}

),

final as (

    select
        code_set,
        code,
        label_zh
    from labels

)

select * from final

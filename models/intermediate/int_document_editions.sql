-- One department-year can arrive twice (a corrected edition). The latest file is current; earlier
-- editions stay in dim_document, marked replaced, and nothing of theirs reaches the other marts.

with

documents as (

    select * from {{ ref('stg_extract__documents') }}

),

amount_units as (

    select * from {{ ref('stg_reference__amount_units') }}

),

ranked as (

    select
        *,
        row_number() over edition_order as edition_rank,
        first_value(document_id) over edition_order as current_document_id

    from documents
    window edition_order as (
        partition by department_name, fiscal_year
        order by source_modified_at desc, source_file desc, document_id asc
    )

),

final as (

    select
        ranked.*,
        ranked.edition_rank = 1 as is_current_edition,
        case when ranked.edition_rank > 1 then ranked.current_document_id end as replaced_by_document_id,
        amount_units.amount_unit is not null as is_amount_unit_known,
        -- an unknown printed unit holds the document back (int_document_checks); released, it counts as 万元
        coalesce(amount_units.to_wan_yuan, 1) as to_wan_yuan

    from ranked
    left join amount_units on ranked.amount_unit = amount_units.printed_unit

)

select * from final

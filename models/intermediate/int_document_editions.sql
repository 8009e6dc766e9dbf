-- One department-year can arrive twice (a corrected edition). The latest file is current; earlier
-- editions stay in dim_document, marked replaced, and nothing of theirs reaches the other marts.

with

documents as (

    select * from {{ ref('stg_extract__documents') }}

),

ranked as (

    select
        *,
        row_number() over edition_order as edition_rank,
        first_value(document_id) over edition_order as current_document_id

    from documents
    window edition_order as (
        partition by department_name, fiscal_year
        order by source_modified_at desc, source_file desc, document_id
    )

),

final as (

    select
        *,
        edition_rank = 1 as is_current_edition,
        case when edition_rank > 1 then current_document_id end as replaced_by_document_id

    from ranked

)

select * from final

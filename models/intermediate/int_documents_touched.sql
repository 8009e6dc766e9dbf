-- The documents an incremental night recomputes (macros/incremental.sql): every document, published before or
-- now, of a department-year in which a document's record appeared, disappeared or changed since the published
-- build (a file added, replaced, removed or kept stale; a manifest edit of a year or department; compared as
-- record digests of stg_extract__documents). The whole department-year, because which edition is current depends
-- on all of its documents. On a new warehouse every document is touched. A document whose year or department
-- changed is listed under both, so both department-years and departments are recomputed.

with

documents as (

    select {{ document_record('documents') }}
    from {{ ref('stg_extract__documents') }} as documents

),

previous_documents as (

    select * from meta.previous_documents

),

touched_department_years as (

    select
        department_name,
        fiscal_year
    from documents
    where record_digest not in (select record_digest from previous_documents)

    union

    select
        department_name,
        fiscal_year
    from previous_documents
    where record_digest not in (select record_digest from documents)

),

all_documents as (

    select
        document_id,
        department_name,
        fiscal_year
    from documents

    union

    select
        document_id,
        department_name,
        fiscal_year
    from previous_documents

),

final as (

    select distinct
        all_documents.document_id,
        all_documents.department_name,
        all_documents.fiscal_year

    from all_documents
    inner join touched_department_years
        on
            all_documents.department_name is not distinct from touched_department_years.department_name
            and all_documents.fiscal_year is not distinct from touched_department_years.fiscal_year

)

select * from final

-- The documents an incremental night recomputes (macros/incremental.sql): every document, published before or
-- now, of a department-year in which a file was added, changed, kept stale or removed since the published build
-- (raw_build_files), or in which a document appeared or disappeared. The whole department-year, because which
-- edition is current depends on all of its documents. On a full build every document is touched.

with

documents as (

    select * from {{ ref('stg_extract__documents') }}

),

build_files as (

    select * from {{ ref('stg_extract__build_files') }}
    where status in ('added', 'changed', 'stale', 'removed')

),

previous_documents as (

    {{ previous_documents() }}

),

touched_department_years as (

    select
        department_name,
        fiscal_year
    from documents
    where
        source_file in (select source_file from build_files)
        or document_id not in (select document_id from previous_documents)

    union

    select
        department_name,
        fiscal_year
    from previous_documents
    where
        source_file in (select source_file from build_files)
        or document_id not in (select document_id from documents)

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

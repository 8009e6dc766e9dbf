-- Every reason a file or document did not publish as it is: the extractor's and the quality gate's (raw
-- quarantine) and the document checks that hold a document back (int_document_checks, unless accepted).

with

quarantined as (

    select * from {{ ref('stg_extract__quarantine') }}

),

document_checks as (

    select * from {{ ref('int_document_checks') }}
    where not is_accepted

),

reasons as (

    select
        source_file,
        document_id,
        stage,
        reason_code,
        reason,
        page_number,
        row_number,
        subject,
        printed_value,
        computed_value,
        disposition

    from quarantined

    union all

    select
        source_file,
        document_id,
        stage,
        reason_code,
        reason,
        page_number,
        row_number,
        subject,
        printed_value,
        computed_value,
        'held_back' as disposition

    from document_checks

)

select * from reasons

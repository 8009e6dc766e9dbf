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
        {{ quarantine_reason_columns() | join(',\n        ') }},
        disposition

    from quarantined

    union all

    select
        {{ quarantine_reason_columns() | join(',\n        ') }},
        'held_back' as disposition

    from document_checks

)

select * from reasons

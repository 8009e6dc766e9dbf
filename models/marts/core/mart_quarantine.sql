-- Files the extractor or its quality gate refused, for analysts to see what is missing and why.

with

quarantined as (

    select * from {{ ref('stg_extract__quarantine') }}

)

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

-- Files the extractor or its quality gate refused, for analysts to see what is missing and why.

with

quarantined as (

    select * from {{ ref('stg_extract__quarantine') }}

)

select
    source_file,
    reason,
    page_number

from quarantined

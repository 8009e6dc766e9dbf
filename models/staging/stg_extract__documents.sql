with

source as (

    select * from {{ ref('raw_documents') }}

),

renamed as (

    select
        document_id,
        source_file,
        trim(department_name) as department_name,
        cast(nullif(trim(fiscal_year), '') as integer) as fiscal_year,
        nullif(fiscal_year_source, '') as fiscal_year_source,
        table_title,
        nullif(trim(amount_unit), '') as amount_unit,
        cast(page_count as integer) as page_count,
        table_pages,
        cast(table_chars as integer) as table_chars,
        cast(cell_chars as integer) as cell_chars,
        extractor_version,
        cast(source_modified_at as timestamptz) as source_modified_at,
        source_sha256,
        cast(table_ordinal as integer) as table_ordinal,
        table_format,
        cast(is_stale as boolean) as is_stale,
        nullif(stale_reason, '') as stale_reason,
        nullif(fiscal_year_conflict, '') as fiscal_year_conflict,
        text_source,
        nullif(ocr_pages, '') as ocr_pages

    from source

)

select * from renamed

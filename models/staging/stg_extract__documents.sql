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
        cast(source_modified_at as timestamptz) as source_modified_at

    from source

)

select * from renamed

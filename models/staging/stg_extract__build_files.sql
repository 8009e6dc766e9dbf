with

source as (

    select * from {{ ref('raw_build_files') }}

),

renamed as (

    select
        source_file,
        source_sha256,
        status

    from source

)

select * from renamed

{#- Incremental nights (docs/performance.md). nightly/build.py builds on a copy of the published warehouse and
    the on-run-start hook snapshots its documents into meta.previous_documents before the seeds reload.
    int_documents_touched and int_departments_touched turn that into the documents and departments to recompute; a per-document model recomputes only the touched documents, a model
    comparing years only the touched departments, and each deletes the rows it recomputes (or that are gone)
    before they are inserted again. A full rebuild (--full-refresh) computes everything. -#}

{#- One document as an incremental night compares it (the select list over `relation`, an alias of
    stg_extract__documents): its keys and a digest of its whole staged record, so a night recomputes a document
    whose record appeared, disappeared or changed in any column (a new edition, a manifest edit of its year or
    department, a stale flag). -#}
{% macro document_record(relation) -%}
    {{ relation }}.document_id,
    {{ relation }}.source_file,
    {{ relation }}.department_name,
    {{ relation }}.fiscal_year,
    md5(cast({{ relation }} as varchar)) as record_digest
{%- endmacro %}

{#- on-run-start: before the raw seeds are reloaded, the documents of the warehouse being built on (nightly/build.py
    builds on a copy of the published one) are kept in meta.previous_documents, read through the staging model
    that typed them; a new warehouse keeps an empty table, so every document counts as new. -#}
{% macro snapshot_previous_documents() -%}
    {%- set staged = adapter.get_relation(target.database, 'staging', 'stg_extract__documents') if execute else none -%}
    create schema if not exists meta;
    {% if staged is not none -%}
        create or replace table meta.previous_documents as
        select {{ document_record('documents') }}
        from {{ staged }} as documents
    {%- else -%}
        create or replace table meta.previous_documents (
            document_id varchar, source_file varchar, department_name varchar, fiscal_year integer,
            record_digest varchar
        )
    {%- endif %}
{%- endmacro %}

{#- `where <column> in (the touched documents)` on an incremental run of an incremental model; nothing otherwise. -#}
{% macro where_touched_documents(column='document_id', keyword='where') -%}
    {#- not in a unit test (no `this`): it would need the model as an input -#}
    {%- set touched = ref('int_documents_touched') if this is not none else none -%}
    {%- if touched is not none and is_incremental() -%}
{{ keyword }} {{ column }} in (select document_id from {{ touched }})
    {%- endif -%}
{%- endmacro %}

{#- `where <column> in (printed names of the touched departments)`, likewise. -#}
{% macro where_touched_departments(column='department_name', keyword='where') -%}
    {#- not in a unit test (no `this`): it would need the model as an input -#}
    {%- set touched = ref('int_departments_touched') if this is not none else none -%}
    {%- if touched is not none and is_incremental() -%}
{{ keyword }} {{ column }} in (select department_name from {{ touched }})
    {%- endif -%}
{%- endmacro %}

{#- pre_hook of a per-document incremental model: its rows of touched (replaced, stale, removed…) documents go. -#}
{% macro delete_touched_documents(column='document_id') -%}
    {%- if this is not none and is_incremental() -%}
        delete from {{ this }}
        where {{ column }} in (select document_id from {{ ref('int_documents_touched') }})
    {%- endif -%}
{%- endmacro %}

{#- pre_hook of a model keyed by project comparing years: the rows of the touched departments' projects, and of
    projects that are gone, go. `projects`: the model (a parent of this one) listing the projects of this run. -#}
{% macro delete_touched_projects(columns, projects) -%}
    {%- if this is not none and is_incremental() -%}
        delete from {{ this }}
        where
        {%- for column in columns %}
            {{ 'or ' if not loop.first }}{{ column }} not in (select project_id from {{ ref(projects) }})
            or {{ column }} in (
                select project_id from {{ ref(projects) }}
                where department_name in (select department_name from {{ ref('int_departments_touched') }})
            )
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}

{#- Incremental nights (README "Scale"). scripts/build.py builds on a copy of the published warehouse and
    snapshots the published documents into meta.previous_documents before dbt runs; raw_build_files says what
    happened to each file since then. int_documents_touched and int_departments_touched turn that into the
    documents and departments to recompute; a per-document model recomputes only the touched documents, a model
    comparing years only the touched departments, and each deletes the rows it recomputes (or that are gone)
    before they are inserted again. A full rebuild (--full-refresh) computes everything. -#}

{#- The published build's documents (scripts/build.py writes them on an incremental build; the on-run-start hook
    creates the table empty otherwise, so a dbt run by hand recomputes every document). -#}
{% macro previous_documents() -%}
    select
        document_id,
        source_file,
        department_name,
        fiscal_year
    from meta.previous_documents
{%- endmacro %}

{#- on-run-start: the table previous_documents() reads, empty unless scripts/build.py wrote it. -#}
{% macro create_previous_documents() -%}
    create schema if not exists meta;
    create table if not exists meta.previous_documents (
        document_id varchar, source_file varchar, department_name varchar, fiscal_year integer
    )
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

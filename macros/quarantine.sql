{#- The quarantine reason schema (docs/architecture.md), as analysts read it in mart_quarantine: every reason,
    whoever raised it (extractor, quality gate, document checks), has these columns, then its disposition. -#}
{% macro quarantine_reason_columns() -%}
    {{ return([
        'source_file', 'document_id', 'stage', 'reason_code', 'reason', 'page_number', 'row_number', 'subject',
        'printed_value', 'computed_value',
    ]) }}
{%- endmacro %}

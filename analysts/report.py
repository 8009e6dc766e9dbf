"""The HTML report: ``REPORTS/index.html`` across departments and years, and one page per department-year
(``REPORTS/<year>_<department>.html``) with the budget by funding unit, the largest projects, the changes since
the prior year and the quality of the performance targets.

Usage: python -m analysts.report WAREHOUSE REPORTS_DIR

Every figure comes from a query in analysts/queries/report_*.sql; charts are inline SVG drawn here, so a page
opens offline, from a file or a mail attachment, with nothing fetched (its Content-Security-Policy forbids it).
Labels are the Chinese column names of var('zh_column_labels'). A page is rewritten only when its figures
changed (analysts.files.ChangedOnly).
"""

from __future__ import annotations

import sys
from decimal import Decimal
from functools import partial
from html import escape
from pathlib import Path

import duckdb

from analysts.files import (
    ChangedOnly,
    command_line,
    content_hash,
    department_years,
    file_stem,
    header,
    query,
    shown_digests,
    zh_labels,
)
from extract.data_docs import site_of

PAGE_QUERIES = (
    "report_summary",
    "report_units",
    "report_largest_projects",
    "report_yoy_changes",
    "report_flags_by_kind",
)
REPORT_FORMAT = "jixiao-report-3"  # part of every page's content hash: bump it when the layout below changes
DEFAULT_CHART_WIDTH = 760
DEFAULT_LABEL_WIDTH = 300
DEFAULT_BAR_HEIGHT = 22
DEFAULT_LABEL_CHARS = 20
STATUS_COLOURS = {"new": "#2e7d32", "discontinued": "#c62828", "changed": "#1565c0"}
BAR_COLOUR = "#4472c4"
SUMMED = "（各单位之和）"  # beside a total the book does not print: the sum of its funding units
# What the index shows of each department-year (report_summary's columns): its content hash covers these alone, so
# a change elsewhere (the projects' sum behind a printed 合计) does not rewrite it.
INDEX_COLUMNS = (
    *("fiscal_year", "department_name", "total_amount", "is_total_printed", "project_count", "prior_fiscal_year"),
    *("new_project_count", "discontinued_project_count", "changed_project_count"),
    *("new_label", "discontinued_label", "changed_label", "quantified_target_share", "flag_count"),
)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 24px auto; max-width: 1000px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; } th { background: #eef3fb; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.kpis { display: flex; gap: 12px; flex-wrap: wrap; }
.kpi { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.kpi b { display: block; font-size: 20px; } .kpi span { font-size: 12px; color: #666; }
svg text { font-size: 12px; fill: #222; } .note { color: #666; font-size: 13px; }
"""


def amount(value: Decimal | float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def share(value: Decimal | float | None) -> str:
    """A share (0.7376) in percent, the unit its header names: 73.8."""
    return "" if value is None else f"{float(value) * 100:.1f}"


def shorten(text: str, chars: int = DEFAULT_LABEL_CHARS) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def bar_chart(items: list[tuple[str, float, str]], title: str) -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour) per bar; negative values extend left of a
    zero line in the middle."""
    if not items:
        return ""
    width, label_width = DEFAULT_CHART_WIDTH, DEFAULT_LABEL_WIDTH
    value_width = 90
    plot = width - label_width - value_width
    negative = any(value < 0 for _, value, _ in items)
    largest = max(abs(value) for _, value, _ in items) or 1.0
    scale = (plot / 2 if negative else plot) / largest
    zero = label_width + (plot / 2 if negative else 0)
    height = len(items) * DEFAULT_BAR_HEIGHT + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, value, colour) in enumerate(items):
        y = 4 + index * DEFAULT_BAR_HEIGHT
        bar = abs(value) * scale
        x = zero if value >= 0 else zero - bar
        text_x = (x + bar + 4) if value >= 0 else (x - 4)
        anchor = "start" if value >= 0 else "end"
        if negative and value < 0:
            text_x, anchor = zero + 4, "start"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(shorten(label))}'
            f"<title>{escape(label)}</title></text>"
            f'<rect x="{x:.1f}" y="{y + 3}" width="{max(bar, 1):.1f}" height="{DEFAULT_BAR_HEIGHT - 6}" '
            f'fill="{colour}"/><text x="{text_x:.1f}" y="{y + 15}" text-anchor="{anchor}">{amount(value)}</text>'
        )
    if negative:
        parts.append(f'<line x1="{zero}" x2="{zero}" y1="0" y2="{height}" stroke="#888"/>')
    parts.append("</svg>")
    return "".join(parts)


def table(columns: list[str], rows: list[tuple], numeric: set[int]) -> str:
    """A small HTML table: ``columns`` are the headers, ``numeric`` the indexes of right-aligned amount columns."""
    head = "".join(f"<th>{escape(column)}</th>" for column in columns)
    body = []
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if index in numeric:
                cells.append(f'<td class="n">{amount(value)}</td>')
            else:
                cells.append(f"<td>{escape('' if value is None else str(value))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>{body}</body></html>\n"
    )


def kpis(items: list[tuple[str, str]]) -> str:
    cards = "".join(
        f'<div class="kpi"><b>{escape(value)}</b><span>{escape(label)}</span></div>' for label, value in items
    )
    return f'<div class="kpis">{cards}</div>'


def fetch(connection: duckdb.DuckDBPyConnection, name: str, parameters: dict) -> list[tuple]:
    """A report query's rows without the department-year each begins with."""
    return [row[2:] for row in connection.execute(query(name), parameters).fetchall()]


def department_page(connection: duckdb.DuckDBPyConnection, fiscal_year: int, department_name: str) -> str:
    """One department-year's page."""
    labels = zh_labels()
    parameters = {"fiscal_year": fiscal_year, "department_name": department_name}
    summary_cursor = connection.execute(query("report_summary"), parameters)
    summary = dict(zip([c[0] for c in summary_cursor.description], summary_cursor.fetchall()[0], strict=True))
    units = fetch(connection, "report_units", parameters)
    largest = fetch(connection, "report_largest_projects", parameters)
    changes = fetch(connection, "report_yoy_changes", parameters)
    flags = fetch(connection, "report_flags_by_kind", parameters)

    title = f"{department_name} {fiscal_year}年 项目支出绩效目标"
    body = [
        '<p><a href="index.html">← 全部部门和年度</a></p>',
        f"<h1>{escape(title)}</h1>",
        kpis(
            [
                (total_label(summary), amount(summary["total_amount"])),
                (labels["project_count"], str(summary["project_count"])),
                ("资金使用单位数", str(summary["unit_count"] or 0)),
                (header("quantified_target_share"), share(summary["quantified_target_share"])),
                (labels["flag_count"], str(summary["flag_count"] or 0)),
            ]
        ),
        reconciliation_note(summary),
        "<h2>按资金使用单位的预算（万元）</h2>",
        bar_chart([(name, float(total or 0), BAR_COLOUR) for name, total, *_ in units], "按资金使用单位的预算"),
        table(
            [header(c) for c in ("unit_name", "total_amount", "fiscal_appropriation", "special_account_funds")]
            + [header("other_funds"), labels["project_count"]],
            units,
            {1, 2, 3, 4},
        ),
        "<h2>最大的项目（万元）</h2>",
        bar_chart([(name, float(total or 0), BAR_COLOUR) for name, _, total, _ in largest], "最大的项目"),
        table([header(c) for c in ("project_name", "unit_name", "total_amount", "indicator_count")], largest, {2}),
        "<h2>同比变化</h2>",
    ]
    if summary["prior_fiscal_year"] is None:
        body.append(f'<p class="note">{escape(department_name)}在{fiscal_year}年之前没有已载入的年度，无同比。</p>')
    else:
        body.append(
            f'<p class="note">与{summary["prior_fiscal_year"]}年相比：{summary["new_label"]} '
            f"{summary['new_project_count']} 个，{summary['discontinued_label']} "
            f"{summary['discontinued_project_count']} 个，{summary['changed_label']} "
            f"{summary['changed_project_count']} 个项目；各项目之和 {amount(summary['prior_total_amount'])} → "
            f"{amount(summary['projects_total_amount'])} 万元。</p>"
        )
        body.append(
            bar_chart(
                [
                    (f"{label}：{name}", float(change or 0), STATUS_COLOURS[status])
                    for status, label, _, name, _, _, change in changes
                ],
                "同比变化（万元）",
            )
        )
        rows = [tuple(rest) for _, *rest in changes]
        body.append(
            table(
                [labels["change_status"], labels["unit_name"], labels["project_name"]]
                + [header(c) for c in ("prior_total_amount", "total_amount", "change_amount")],
                rows,
                {3, 4, 5},
            )
        )
    quantified = summary["quantified_target_count"] or 0
    targets = summary["target_count"] or 0
    body += [
        "<h2>绩效指标质量</h2>",
        f'<p class="note">{labels["quantified_target_count"]} {quantified} / {labels["target_count"]} {targets}'
        f"（{share(summary['quantified_target_share'])}%）；{labels['flag_count']} {summary['flag_count'] or 0}。</p>",
        bar_chart(
            [("量化", float(quantified), "#2e7d32"), ("未量化", float(targets - quantified), "#9e9e9e")],
            "指标值是否量化（个）",
        ).replace(".00<", "<"),
        bar_chart(
            [(description, float(count), "#ef6c00") for _, description, count in flags], "问题按类型（个）"
        ).replace(".00<", "<"),
        table([labels["flag_code"], labels["flag_description_zh"], labels["flag_count"]], flags, set()),
    ]
    return page(title, "\n".join(body))


def total_label(summary: dict) -> str:
    """The total's label says what it is: the 合计 as printed, or, where the book prints none, the units' sum."""
    return header("total_amount", "合计" if summary["is_total_printed"] else "各资金使用单位之和")


def reconciliation_note(summary: dict) -> str:
    """Where the printed 合计 differs from what its projects add up to (rounding, or a book held back and released),
    the page says so, with the difference."""
    difference = summary["printed_minus_projects"]
    if not difference:  # NULL where the book prints no 合计 (or no project); 0 where they agree
        return ""
    return (
        f'<p class="note">合计按书中所印：{amount(summary["total_amount"])} 万元；各项目之和 '
        f"{amount(summary['projects_total_amount'])} 万元，相差 {amount(difference)} 万元"
        "（见 marts.mart_reconciliation）。</p>"
    )


def yoy_counts(item: dict) -> list[str]:
    """New, discontinued and re-priced projects; a dash in a department's first loaded year (nothing to compare)."""
    columns = ("new_project_count", "discontinued_project_count", "changed_project_count")
    return ["—" if item["prior_fiscal_year"] is None else str(item[column]) for column in columns]


def index_page(summaries: list[tuple], columns: list[str], data_docs: str | None = None) -> tuple[str, str]:
    """The index of every department-year, and a link to the quality gate's Data Docs (``data_docs``, relative)."""
    labels = zh_labels()
    items = [dict(zip(columns, values, strict=True)) for values in summaries]
    shown = [[item[column] for column in INDEX_COLUMNS] for item in items]
    digest = content_hash([REPORT_FORMAT, shown, data_docs])
    rows = []
    for item in items:
        link = f"{file_stem(item['fiscal_year'], item['department_name'])}.html"
        rows.append(
            "<tr>"
            f'<td>{item["fiscal_year"]}</td><td><a href="{escape(link)}">{escape(item["department_name"])}</a></td>'
            f'<td class="n">{amount(item["total_amount"])}{"" if item["is_total_printed"] else SUMMED}</td>'
            f'<td class="n">{item["project_count"]}</td>'
            + "".join(f'<td class="n">{changes}</td>' for changes in yoy_counts(item))
            + f'<td class="n">{share(item["quantified_target_share"])}</td><td class="n">{item["flag_count"] or 0}</td>'
            "</tr>"
        )
    statuses = [items[0][f"{code}_label"] if items else code for code in ("new", "discontinued", "changed")]
    headers = [labels["fiscal_year"], labels["department_name"], header("total_amount")]
    headers += [labels["project_count"], *statuses, header("quantified_target_share"), labels["flag_count"]]
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    chart = bar_chart(
        [
            (f"{item['fiscal_year']} {item['department_name']}", float(item["total_amount"] or 0), BAR_COLOUR)
            for item in items
        ],
        "各部门各年度预算（万元）",
    )
    body = (
        "<h1>项目支出绩效目标：全部部门和年度</h1>"
        f'<p class="note">{len(summaries)} 个部门年度。金额单位：万元。点击部门查看该年度的详细页面。</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<h2>预算（万元）</h2>{chart}"
    )
    if data_docs:
        body += (
            f'<p class="note"><a href="{escape(data_docs)}">抽取质量检查报告</a>（great-expectations Data Docs：'
            "每份预算书的原始行在载入前的检查结果）。</p>"
        )
    return page("项目支出绩效目标：全部部门和年度", body), digest


def write_page(connection: duckdb.DuckDBPyConnection, fiscal_year: int, department_name: str, path: Path) -> None:
    path.write_text(department_page(connection, fiscal_year, department_name), encoding="utf-8")


def write_report(warehouse: Path, reports: Path) -> list[str]:
    """Write the index and every department-year page whose figures changed; returns the names written."""
    outputs = ChangedOnly(reports)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        shown = shown_digests(connection, PAGE_QUERIES, "fiscal_year", "department_name")
        for item in department_years(connection):
            year, department = item["fiscal_year"], item["department_name"]
            digest = content_hash([REPORT_FORMAT, shown.get((year, department))])
            name = f"{file_stem(year, department)}.html"
            outputs.write(name, digest, partial(write_page, connection, year, department))
        cursor = connection.execute(query("report_summary"), {"fiscal_year": None, "department_name": None})
        columns = [column[0] for column in cursor.description]
        data_docs = site_of(reports) / "index.html"  # the quality gate's, when the build wrote them here
        link = data_docs.relative_to(reports).as_posix() if data_docs.exists() else None
        html, digest = index_page(cursor.fetchall(), columns, link)
        outputs.write("index.html", digest, lambda path: path.write_text(html, encoding="utf-8"))
    outputs.finish()
    print(f"report: {len(outputs.written)} of {len(outputs.current)} pages written -> {reports / 'index.html'}")
    return outputs.written


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, "report", write_report)


if __name__ == "__main__":
    sys.exit(main())

"""Do two runs hold the same data? Compare two raw-seed folders (and two warehouses), table by table.

``python -m devtools.compare_outputs BEFORE_SEEDS AFTER_SEEDS [--warehouses BEFORE.duckdb AFTER.duckdb]``

For proving that a change to the code changes nothing: run the extractor (and dbt) with the old code and the new
on the same PDFs, then compare. Each table's rows are compared as sets, sorted, so row order does not matter; a
table is reported ``identical`` or with one line per difference: a cell that changed (naming the row by its key,
the shortest run of leading columns that tells the rows apart), a row only in one run, a column or a table only in
one. Exit status: 0 identical, 1 differences, 2 a folder or warehouse that cannot be read.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import duckdb

# A warehouse's schema that is about the build, not the data (build ids, times): never compared.
BUILD_SCHEMAS = ("meta",)
# Differences listed per table at most (the rest are counted).
DEFAULT_MOST = 20

Row = tuple[str, ...]


class Table:
    """One table's columns and rows, every value as text (a NULL is ``NULL``, a text 'NULL' is quoted)."""

    def __init__(self, columns: Sequence[str], rows: list[Row]) -> None:
        self.columns = tuple(columns)
        self.rows = rows


def read_seeds(folder: Path) -> dict[str, Table]:
    """Every ``*.csv`` of a raw-seed folder, by file name without ``.csv``."""
    tables = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            tables[path.stem] = Table(header, [tuple(row) for row in reader])
    return tables


def _text(value: object) -> str:
    return "NULL" if value is None else repr(value) if isinstance(value, str) and value == "NULL" else str(value)


def read_warehouse(path: Path) -> dict[str, Table]:
    """Every table and view of a warehouse (``schema.name``) but the build's own metadata."""
    tables = {}
    with duckdb.connect(str(path), read_only=True) as connection:
        names = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() order by all"
        ).fetchall()
        for schema, name in names:
            if schema in BUILD_SCHEMAS:
                continue
            cursor = connection.execute(f'select * from "{schema}"."{name}"')
            columns = [column[0] for column in cursor.description]
            tables[f"{schema}.{name}"] = Table(columns, [tuple(_text(v) for v in row) for row in cursor.fetchall()])
    return tables


def _key_width(before: list[Row], after: list[Row], width: int) -> int:
    """The fewest leading columns that tell every row apart in both runs (all of them when none do)."""
    for size in range(1, width + 1):
        if all(len({row[:size] for row in rows}) == len(rows) for rows in (before, after)):
            return size
    return width


def _count(differences: int) -> str:
    return f"{differences} difference" + ("" if differences == 1 else "s")


def _show(key: Row) -> str:
    return "(" + ", ".join(key) + ")"


def compare_table(name: str, before: Table, after: Table, most: int = DEFAULT_MOST) -> list[str]:
    """One line per difference between two runs of one table (none: identical)."""
    if before.columns != after.columns:
        gone = [c for c in before.columns if c not in after.columns]
        added = [c for c in after.columns if c not in before.columns]
        detail = f"only before: {', '.join(gone) or '-'}; only after: {', '.join(added) or '-'}"
        return [f"{name}: columns differ ({detail}; order: {before.columns != after.columns})"]
    if sorted(before.rows) == sorted(after.rows):
        return []
    width = _key_width(before.rows, after.rows, len(before.columns))
    key_columns = ", ".join(before.columns[:width])
    lines: list[str] = []
    if width < len(before.columns):
        old = {row[:width]: row for row in before.rows}
        new = {row[:width]: row for row in after.rows}
        for key in sorted(old.keys() & new.keys()):
            for column, was, now in zip(before.columns, old[key], new[key], strict=True):
                if was != now:
                    lines.append(f"{name}: row ({key_columns}) = {_show(key)}: {column} {was!r} -> {now!r}")
        lines += [f"{name}: row ({key_columns}) = {_show(key)} only before" for key in sorted(old.keys() - new.keys())]
        lines += [f"{name}: row ({key_columns}) = {_show(key)} only after" for key in sorted(new.keys() - old.keys())]
    else:
        counts_before, counts_after = Counter(before.rows), Counter(after.rows)
        for row in sorted(counts_before.keys() | counts_after.keys()):
            if counts_before[row] != counts_after[row]:
                lines.append(f"{name}: row {_show(row)} {counts_before[row]}x before, {counts_after[row]}x after")
    if len(lines) > most:
        lines = [*lines[:most], f"{name}: ... and {len(lines) - most} more differences"]
    return lines


def compare(before: dict[str, Table], after: dict[str, Table], most: int = DEFAULT_MOST) -> tuple[list[str], list[str]]:
    """(a line per table saying whether it is identical, a line per difference)."""
    report: list[str] = []
    differences: list[str] = []
    for name in sorted(before.keys() | after.keys()):
        if name not in after or name not in before:
            line = f"{name}: only {'before' if name in before else 'after'}"
            report.append(line)
            differences.append(line)
            continue
        found = compare_table(name, before[name], after[name], most)
        rows = len(before[name].rows)
        report.append(f"{name}: identical ({rows} rows)" if not found else f"{name}: {_count(len(found))}")
        differences += found
    return report, differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.compare_outputs", description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="raw-seed folder of the first run")
    parser.add_argument("after", type=Path, help="raw-seed folder of the second run")
    parser.add_argument("--warehouses", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="two DuckDB files")
    parser.add_argument("--most", type=int, default=DEFAULT_MOST, help="differences listed per table at most")
    args = parser.parse_args(argv)
    pairs: list[tuple[str, dict[str, Table], dict[str, Table]]] = []
    try:
        for folder in (args.before, args.after):
            if not folder.is_dir():
                raise OSError(f"{folder} is not a folder")
        pairs.append(("seeds", read_seeds(args.before), read_seeds(args.after)))
        if args.warehouses:
            for path in args.warehouses:
                if not path.is_file():
                    raise OSError(f"{path} is not a file")
            before_warehouse, after_warehouse = args.warehouses
            pairs.append(("warehouse", read_warehouse(before_warehouse), read_warehouse(after_warehouse)))
    except (OSError, duckdb.Error) as error:
        print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    all_differences = []
    for label, before, after in pairs:
        report, differences = compare(before, after, args.most)
        for line in report:
            print(f"{label} {line}")
        all_differences += [f"{label} {line}" for line in differences]
    if all_differences:
        print(f"{_count(len(all_differences))}:", file=sys.stderr)
        for line in all_differences:
            print(line, file=sys.stderr)
        return 1
    print("identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())

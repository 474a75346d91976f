"""The owner's spreadsheet files, written so Excel opens them as they are.

CSV: UTF-8 with a byte-order mark; without it Excel reads the file in the system's code page and
Persian comes out as mojibake. Text that a spreadsheet would run as a formula is guarded
(``inventory_db.formula_guard``, the catalog export's rule); numbers stay numbers.

XLSX: one sheet per table, right to left, a bold frozen header. Every text cell is stored as
text, so a value such as ``=HYPERLINK(...)`` is shown as typed and never run, without the CSV's
leading quote.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from inventory_db.formula_guard import guard
from owner.commands.common import CliError

Table = tuple[Sequence[str], Iterable[dict[str, Any]]]  # columns, rows keyed by them

_WIDEST_COLUMN = 60  # characters; longer text (an address) wraps in Excel rather than push the sheet


def _writable(file: str) -> Path:
    """The path to write, or the owner's one-line error for a missing folder or a folder given."""
    path = Path(file)
    if not path.parent.is_dir():
        raise CliError(f"no such folder: {path.parent} (for {path})")
    if path.is_dir():
        raise CliError(f"{path} is a folder, not a file")
    return path


def write_csv(file: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> int:
    """Write ``rows`` (dicts keyed by ``columns``; a missing key is an empty cell) to ``file``;
    returns the rows written."""
    path = _writable(file)
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([guard(row.get(column, "")) for column in columns])
            count += 1
    return count


def write_xlsx(file: str, sheets: Mapping[str, Table]) -> int:
    """Write each table to a sheet of its name, in order; returns the rows written in all."""
    path = _writable(file)
    book = Workbook()
    book.remove(book.active)
    count = 0
    for name, (columns, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.sheet_view.rightToLeft = True
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        widths = [len(column) for column in columns]
        for row in rows:
            values = [row.get(column) for column in columns]
            sheet.append(values)
            for cell, value in zip(sheet[sheet.max_row], values, strict=True):
                if isinstance(value, str):
                    cell.data_type = TYPE_STRING  # openpyxl would take a leading = for a formula
            widths = [max(w, len(str(v)) if v is not None else 0) for w, v in zip(widths, values, strict=True)]
            count += 1
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, _WIDEST_COLUMN)
    book.save(path)
    return count

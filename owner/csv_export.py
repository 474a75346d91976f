"""The owner's CSV files, written so Excel opens them as they are.

UTF-8 with a byte-order mark: without it Excel reads the file in the system's code page and
Persian comes out as mojibake. Text that a spreadsheet would run as a formula is guarded
(``inventory_db.formula_guard``, the catalog export's rule); numbers stay numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterable, Sequence

from inventory_db.formula_guard import guard
from owner.commands.common import CliError


def write_csv(file: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> int:
    """Write ``rows`` (dicts keyed by ``columns``; a missing key is an empty cell) to ``file``;
    returns the rows written. A folder that does not exist is the owner's one-line error."""
    path = Path(file)
    if not path.parent.is_dir():
        raise CliError(f"no such folder: {path.parent} (for {path})")
    if path.is_dir():
        raise CliError(f"{path} is a folder, not a file")
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([guard(row.get(column, "")) for column in columns])
            count += 1
    return count

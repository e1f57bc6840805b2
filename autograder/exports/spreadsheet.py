"""CSV cells that a spreadsheet shows as text and never runs: OWASP's defence against CSV injection.

A cell that begins with = + - @, a tab or a carriage return is a formula to Excel, LibreOffice
and Google Sheets (``=HYPERLINK(...)`` in a student's name would run on the instructor's
machine). ``inert`` puts a single quote before such a text, as OWASP recommends; a number,
negative ones included, is left as it is. Every CSV file the kit writes goes through ``writer``.
"""

import csv
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: object) -> object:
    """The cell as a spreadsheet should show it: a text that would start a formula behind a quote; anything else as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _number(cell):
        return "'" + cell
    return cell


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class writer:  # noqa: N801 (named as the csv module's, whose place it takes)
    """csv.writer whose rows' cells are made inert first."""

    def __init__(self, file: TextIO, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([inert(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)

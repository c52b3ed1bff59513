"""Shared pieces of the readers: the error hierarchy and spreadsheet cell references.

Nothing here imports a spreadsheet or country library, so ``defbudget.readers`` stays light.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from defbudget.errors import DefbudgetError

__all__ = ["SourceFormatError", "cell_ref", "column_letters"]


class SourceFormatError(DefbudgetError, ValueError):
    """An input file does not have the layout its reader expects.

    The message names the file (and, for workbooks, the sheet and the cell in A1 notation),
    what was found, what was expected and how to fix it. Attributes ``path``, ``sheet`` and
    ``cell`` hold the location for programmatic use (``None`` where not applicable).
    """

    def __init__(self, message: str, *, path: str | PathLike | None = None,
                 sheet: str | None = None, cell: str | None = None):
        self.path = None if path is None else Path(path)
        self.sheet = sheet
        self.cell = cell
        self.detail = message  # the message without the location prefix
        where = []
        if path is not None:
            where.append(f"{Path(path).name}")
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if cell is not None:
            where.append(f"cell {cell}")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)


def column_letters(col: int) -> str:
    """Spreadsheet column letters of a zero-based column index.

    Examples
    --------
    >>> column_letters(0), column_letters(25), column_letters(26), column_letters(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    if col < 0:
        raise ValueError(f"column index must be >= 0, got {col}")
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """A1 reference of a zero-based (row, column) position.

    Examples
    --------
    >>> cell_ref(0, 0), cell_ref(5, 2), cell_ref(13, 27)
    ('A1', 'C6', 'AB14')
    """
    return f"{column_letters(col)}{row + 1}"


def parse_cell_ref(ref: str) -> tuple[int, int]:
    """Zero-based (row, column) of an A1 reference such as ``"D12"``.

    Examples
    --------
    >>> parse_cell_ref("A1"), parse_cell_ref("D12"), parse_cell_ref("AB14")
    ((0, 0), (11, 3), (13, 27))
    """
    col = 0
    i = 0
    n = len(ref)
    while i < n and "A" <= ref[i] <= "Z":
        col = col * 26 + (ord(ref[i]) - 64)
        i += 1
    if i == 0 or i == n:
        raise ValueError(f"not an A1 cell reference: {ref!r}")
    return int(ref[i:]) - 1, col - 1

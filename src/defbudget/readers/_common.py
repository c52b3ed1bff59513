"""Shared pieces of the readers: the error class of bad input files, and the spreadsheet cell
references of :mod:`defbudget._xlsx` (re-exported here for the readers' old imports).

Nothing here imports a spreadsheet or country library, so ``defbudget.readers`` stays light.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from defbudget._xlsx import cell_ref, column_letters, parse_cell_ref
from defbudget.errors import DefbudgetError

__all__ = ["SourceFormatError", "cell_ref", "column_letters", "parse_cell_ref"]


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


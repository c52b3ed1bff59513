"""Export tidy frames to a formatted Excel workbook, and read the export back exactly.

:func:`to_excel` writes a workbook a researcher can hand to a colleague who works in Excel:

* ``Contents`` — what each sheet holds, with links.
* one **data sheet per series** (one measure, unit, price basis and period convention), years
  across and countries (and bases) down, a header block naming measure, unit, prices, period
  convention and sources, flagged values styled with a key, and a native Excel line chart;
* ``Sources`` — the full citation and licence of every source id used;
* ``Notes`` — the conversion basis (exchange rates, deflators) and what every flag and
  budget stage means;
* hidden ``_tidy`` (``_tidy2``, … for several frames) and ``_meta`` sheets holding the tidy
  frames themselves, so that :func:`read_excel_export` gives back exactly what was written.

Values stay in whole units (yen, dollars, ratios) in every cell; number formats do the
scaling (``#,##0.0,,,`` shows yen as billions of yen, ``0.00%`` shows a ratio as a percentage),
so a colleague's formulas work on the true values.

Safety rules (each one tested):

* Text is always written as text: a country name or note that starts with ``=``, ``+``, ``-``,
  ``@``, tab or CR is a string cell (with Excel's quote prefix), never a formula.
* The workbook is written to a temporary file in the destination folder and moved into place
  with :func:`os.replace`, so a failure never leaves a partial file or damages an old one.
* An existing file is never replaced unless ``overwrite=True``, and even then only when it is
  itself a defbudget export (it has the ``_meta`` sheet). Any other workbook at that path may
  be an input — a SIPRI download, a colleague's spreadsheet — and is refused. File names of
  SIPRI's downloads (``SIPRI-Milex-data-*``) are refused outright.
* Frames over Excel's 1,048,576 rows are refused, naming the limit; memory stays bounded
  (XlsxWriter in memory up to 250,000 rows, in ``constant_memory`` mode beyond; tidy sheets
  streamed).
* Reading back never trusts the sizes ``_meta`` records: the archive and each hidden sheet
  are checked first (:mod:`defbudget.excel._guard`), and a tidy sheet too big to read back
  in bounded memory is refused before parsing.

One module per job: ``_cells`` (cell values and text safety), ``_labels`` (titles, units,
periods, sheet names), ``_data_sheets``, ``_front`` (Contents, Sources, Notes), ``_tidy``
(the hidden-sheet codec, write and read), ``_keys`` (format 3's row key: repetitive columns
as one number per row into a table in ``_meta``), ``_book`` (the workbook and ``_meta``),
``_save`` (destination checks, atomic save), ``_guard`` (bounds before parsing), ``_read``
(read-back, formats 2 and 3) and ``_legacy`` (format-1 files). XlsxWriter and
python-calamine are imported only when a workbook is written or read; ``import defbudget``
imports neither.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from defbudget.excel._book import (
    EXCEL_MAX_ROWS,
    FORMAT_NAME,
    FORMAT_VERSION,
    build,
    check_row_limit,
    normalise_frames,
    normalise_notes,
)
from defbudget.excel._cells import _ILLEGAL_XML, _RISKY_LEADING, _escape_text, _unescape_text
from defbudget.excel._data_sheets import MAX_CHART_SERIES
from defbudget.excel._front import (
    CONTENTS_SHEET,
    META_SHEET,
    NOTES_SHEET,
    SOURCES_SHEET,
    TIDY_SHEET,
)
from defbudget.excel._labels import (
    FLAG_MEANINGS,
    MEASURE_TITLES,
    ROW_LABEL_CANDIDATES,
    SERIES_COLUMNS,
    STAGE_MEANINGS,
    _sheet_name,
)
from defbudget.excel._save import PROTECTED_NAME_PATTERNS, check_destination, save_atomically

__all__ = [
    "CONTENTS_SHEET",
    "EXCEL_MAX_ROWS",
    "FLAG_MEANINGS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_CHART_SERIES",
    "MEASURE_TITLES",
    "META_SHEET",
    "NOTES_SHEET",
    "PROTECTED_NAME_PATTERNS",
    "ROW_LABEL_CANDIDATES",
    "SERIES_COLUMNS",
    "SOURCES_SHEET",
    "STAGE_MEANINGS",
    "TIDY_SHEET",
    "_ILLEGAL_XML",
    "_RISKY_LEADING",
    "_escape_text",
    "_sheet_name",
    "_unescape_text",
    "read_excel_export",
    "to_excel",
]


def to_excel(frames: pd.DataFrame | Mapping[str, pd.DataFrame], path: str | os.PathLike[str],
             *, overwrite: bool = False, title: str | None = None,
             notes: str | Sequence[str] | None = None) -> Path:
    """Write tidy frames to a formatted workbook with data, charts, sources and notes.

    Parameters
    ----------
    frames
        One tidy frame (see :mod:`defbudget.schema`), or a dict ``{name: frame}``; each
        name prefixes its frame's sheet names. A frame mixing several series (measures,
        units, price bases or period conventions) is split over several data sheets.
        Values are whole units (yen, dollars, ratios) and are written unscaled.
    path
        Destination ``.xlsx`` file. Its folder must exist.
    overwrite
        Replace an existing file at *path*. Only a workbook written by this function is
        ever replaced; any other file there is refused, since it may be an input.
    title
        Title printed on the ``Contents`` sheet and stored in the workbook properties.
    notes
        Free-text notes (one string or a list of paragraphs) printed first on ``Notes``.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    FileExistsError
        *path* exists and ``overwrite`` is False, or it is not a defbudget export.
    defbudget.schema.SchemaError
        A frame breaks the tidy contract (every breach is listed).
    defbudget.errors.DataError
        A frame has more rows (or a text more characters) than an Excel sheet (cell) holds.
    ValueError, TypeError
        Another bad argument; the message names the value and the fix.

    Notes
    -----
    Layout of a data sheet: rows 1–4 are the header block (title; unit, prices, period
    convention and measure; sources; the key to the cell styles), row 5 the table header
    (country, then basis etc. where needed, then one column per year), then one row per
    country (and basis). Cells hold whole units; the number format scales them to billions
    (``¥ bn``, ``$ bn``) or percent. Estimates are blue italic, highly uncertain figures red
    italic, draft budgets have a yellow fill, requests an orange one, unavailable values are
    blank with a grey fill. The line chart below the table draws at most
    :data:`MAX_CHART_SERIES` rows.

    The frames' index is not stored (tidy frames carry their data in columns); the frames
    come back from :func:`read_excel_export` with a fresh ``RangeIndex``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from defbudget import schema, to_excel, read_excel_export
    >>> frame = schema.coerce(pd.DataFrame({
    ...     "country": "Japan", "iso3": "JPN", "year": [2025, 2026], "period": "FY",
    ...     "fy_start_month": 4, "measure": "defense_budget",
    ...     "basis": "mod_excl_saco_realignment", "value": [8.7005e12, 9.0353e12],
    ...     "unit": "JPY", "price_basis": "current", "stage": ["enacted", "draft"],
    ...     "source": "my_notes"}))
    >>> out = to_excel(frame, pathlib.Path(tempfile.mkdtemp()) / "japan.xlsx", title="Japan")
    >>> out.name
    'japan.xlsx'
    >>> read_excel_export(out).equals(frame)
    True
    """
    check_row_limit(frames)
    named, kind = normalise_frames(frames)
    path = check_destination(path, overwrite=overwrite)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None; got {type(title).__name__} "
                        f"{title!r}. Pass e.g. title='Japan defence budget'.")
    note_list = normalise_notes(notes)
    save_atomically(lambda stage: build(stage, named, kind=kind, title=title, notes=note_list),
                    path, overwrite=overwrite)
    return path


def read_excel_export(path: str | os.PathLike[str]) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """Read back the tidy frame(s) stored in a workbook written by :func:`to_excel`.

    The frames are rebuilt from the hidden ``_tidy`` sheets and the column dtypes recorded
    in ``_meta``; the formatted data sheets are not read. Values are exact: floats round-trip
    bit for bit, strings character for character (including text such as ``"=1+1"``), and
    every column comes back with its dtype, optional and extra columns included. Missing values
    in an ``object`` column come back as one missing marker (the first kind it held).

    A workbook opened and saved again in Excel or LibreOffice still reads (shared strings
    are understood); LibreOffice Calc saves numbers with 15 significant digits, so a value
    like ``0.1 + 0.2`` then comes back as ``0.3`` (whole-unit budget figures are unaffected).
    Edits to the hidden sheets are read as edited, and rejected if they no longer fit the
    recorded dtypes.

    Parameters
    ----------
    path
        A workbook written by :func:`to_excel`.

    Returns
    -------
    pandas.DataFrame or dict of str to pandas.DataFrame
        The frame if one frame was written, the dict ``{name: frame}`` if a dict was; each
        with a fresh ``RangeIndex``. Units are whatever the frames' ``unit`` column says
        (whole units, never scaled).

    Raises
    ------
    FileNotFoundError
        *path* does not exist.
    defbudget.errors.SourceFormatError
        (a ``ValueError``) *path* is not an xlsx workbook, or not one written by
        :func:`to_excel`, or its hidden sheets were edited into something that no longer fits
        the recorded dtypes or sizes (which are checked before anything is allocated).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from defbudget import schema, to_excel, read_excel_export
    >>> frame = schema.coerce(pd.DataFrame({
    ...     "country": "Japan", "year": [2024, 2025], "period": "FY", "fy_start_month": 4,
    ...     "measure": "milex_share_gdp", "basis": "sipri", "value": [0.0137, 0.0142],
    ...     "unit": "ratio", "price_basis": "current", "source": "my_notes"}))
    >>> out = to_excel({"Japan": frame}, pathlib.Path(tempfile.mkdtemp()) / "share.xlsx")
    >>> back = read_excel_export(out)
    >>> list(back), back["Japan"]["value"].tolist()
    (['Japan'], [0.0137, 0.0142])
    """
    from defbudget.excel._read import read_export

    path = Path(os.fspath(path)).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{str(path)!r} does not exist (or is not a file). "
                                "Pass the path of a workbook written by defbudget.to_excel.")
    return read_export(path)

"""Export tidy frames to a formatted Excel workbook, and read the export back exactly.

BENCHMARK BASELINE: defbudget's first Excel writer (src/defbudget/excel.py at commit 6fe2630),
kept verbatim below this paragraph so that benchmarks/excel_export.py can time it side by side
with the XlsxWriter + calamine export. Not part of the package; do not edit.

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

* Text is always written as text: a country name or note that starts with ``=``, ``+``, ``-``
  or ``@`` is a string cell (with Excel's quote prefix), never a formula.
* The workbook is written to a temporary file in the destination folder and moved into place
  with :func:`os.replace`, so a failure never leaves a partial file or damages an old one.
* An existing file is never replaced unless ``overwrite=True``, and even then only when it is
  itself a defbudget export (it has the ``_meta`` sheet). Any other workbook at that path may
  be an input — a SIPRI download, a colleague's spreadsheet — and is refused. File names of
  SIPRI's downloads (``SIPRI-Milex-data-*``) are refused outright.

This module imports openpyxl; ``import defbudget`` does not import this module.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fnmatch
import json
import math
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from defbudget import schema
from defbudget._atomic import named_os_error, new_file_mode, temp_beside
from defbudget.errors import DataError

__all__ = [
    "MAX_CHART_SERIES",
    "META_SHEET",
    "PROTECTED_NAME_PATTERNS",
    "TIDY_SHEET",
    "read_excel_export",
    "to_excel",
]

#: Name of the hidden sheet holding the (first) tidy frame; further frames go to ``_tidy2``...
TIDY_SHEET = "_tidy"
#: Name of the hidden sheet holding column dtypes, frame names and the defbudget version.
META_SHEET = "_meta"
CONTENTS_SHEET = "Contents"
SOURCES_SHEET = "Sources"
NOTES_SHEET = "Notes"
#: Identifies a workbook written by :func:`to_excel` (first cell of the ``_meta`` sheet).
FORMAT_NAME = "defbudget-excel-export"
FORMAT_VERSION = 1
#: At most this many rows of a data sheet are drawn in its chart (the largest most recent
#: values); the sheet says so when it leaves rows out. Every row is always in the table.
MAX_CHART_SERIES = 8
#: File names never written, even with ``overwrite=True``: these are inputs users download.
PROTECTED_NAME_PATTERNS = ("SIPRI-Milex-data-*",)

#: Columns that together define one series, i.e. one data sheet.
SERIES_COLUMNS = ("measure", "unit", "price_basis", "base_year", "period", "fy_start_month")
#: Columns added to a data sheet's row labels, in this order, only when needed to tell rows
#: apart ("basis" whenever a series has more than one basis).
ROW_LABEL_CANDIDATES = ("basis", "source", "stage", "iso3")

_FORBIDDEN_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEET_NAMES = {"history"}  # Excel reserves "History"
_MAX_SHEET_NAME = 31
_MAX_CELL_TEXT = 32_767
_RISKY_LEADING = ("=", "+", "-", "@", "\t", "\r")
#: Rows a worksheet can hold (Excel 2007 and later), header included.
EXCEL_MAX_ROWS = 1_048_576

# Excel's escape for characters XML 1.0 cannot hold (ST_Xstring): _xHHHH_. "\r" is escaped
# too, because XML parsers turn it into "\n". A literal "_xHHHH_" is protected as "_x005F_xHHHH_".
_LITERAL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")
_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")

MEASURE_TITLES = {
    "defense_budget": "Defence budget (national definition)",
    "milex": "Military expenditure (SIPRI definition)",
    "milex_share_gdp": "Military expenditure as a share of GDP",
    "milex_per_capita": "Military expenditure per person",
    "milex_share_govt": "Military expenditure as a share of government spending",
    "gdp": "Gross domestic product, nominal",
    "gdp_real": "Gross domestic product, real",
    "gdp_deflator": "GDP deflator",
    "price_index": "Price index",
    "exchange_rate": "Exchange rate",
    "reported_figure": "Reported figure",
}

#: What each quality flag means, as printed on the Notes sheet.
FLAG_MEANINGS = {
    "estimate": "An estimate, not a published figure (SIPRI prints its estimates in blue).",
    "highly_uncertain": "A highly uncertain figure (SIPRI prints these in red).",
    "unavailable": "No figure is available from the source for this period; the cell is blank.",
    "not_independent": "The country did not exist or was not independent in this period.",
    "derived": "Computed by defbudget from published figures (e.g. a total from its parts).",
    "transcribed": "Transcribed from a PDF or printed table; check against the original.",
    "outlier": "A known, documented outlier that is kept on purpose.",
}
#: What each budget stage means, as printed on the Notes sheet.
STAGE_MEANINGS = {
    "request": "Budget request (e.g. a ministry's request to the finance ministry), not enacted.",
    "draft": "Government draft budget (Japan: approved by Cabinet in December), not yet "
             "passed by the legislature.",
    "enacted": "Initial budget as enacted by the legislature.",
    "supplementary": "Supplementary budget, on top of the initial budget.",
    "actual": "Outturn: what was actually spent.",
    "estimate": "Estimate of spending by the source.",
    "notification": "A sale notified to the legislature (procurement figure).",
    "agreement": "A signed agreement (procurement figure).",
    "projection": "A projected programme cost (procurement figure).",
}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_UNIT_SYMBOLS = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

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
    _check_row_limit(frames)
    named, kind = _normalise_frames(frames)
    path = _check_destination(path, overwrite=overwrite)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None; got {type(title).__name__} "
                        f"{title!r}. Pass e.g. title='Japan defence budget'.")
    note_list = _normalise_notes(notes)
    workbook, sheets = _build_workbook(named, kind=kind, title=title, notes=note_list)
    _save_atomically(workbook, path, overwrite=overwrite, sheets=sheets)
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
    ValueError
        *path* is not an xlsx workbook, or not one written by :func:`to_excel`, or its
        hidden sheets were edited into something that no longer fits the recorded dtypes.

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
    from openpyxl import load_workbook

    path = Path(os.fspath(path)).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{str(path)!r} does not exist (or is not a file). "
                                "Pass the path of a workbook written by defbudget.to_excel.")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValueError(f"{str(path)!r} is not a readable .xlsx workbook ({exc}). Pass a "
                         "workbook written by defbudget.to_excel.") from exc
    try:
        if META_SHEET not in workbook.sheetnames:
            raise ValueError(
                f"{str(path)!r} is not a workbook written by defbudget.to_excel: it has no "
                f"{META_SHEET!r} sheet (sheets: {workbook.sheetnames}). Read other "
                "workbooks with pandas.read_excel, or SIPRI's with defbudget.read_sipri.")
        meta = _read_meta(workbook[META_SHEET], path)
    finally:
        workbook.close()
    frames = {}
    with zipfile.ZipFile(path) as archive:
        members = _sheet_paths(archive)
        shared = _shared_strings(archive)
        for spec in meta["frames"]:
            if spec["sheet"] not in members:
                raise ValueError(f"{str(path)!r}: the hidden sheet {spec['sheet']!r} holding "
                                 f"frame {spec['key']!r} is missing. Export the frame again.")
            where = f"{str(path)!r}, sheet {spec['sheet']!r}"
            frames[spec["key"]] = _read_tidy_sheet(archive, members[spec["sheet"]], shared,
                                                   spec, where)
    if meta["kind"] == "frame":
        return next(iter(frames.values()))
    return frames


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------

def _check_row_limit(frames) -> None:
    """Refuse a frame whose hidden tidy sheet would pass Excel's row limit (header included)."""
    items = ([(None, frames)] if isinstance(frames, pd.DataFrame)
             else list(frames.items()) if isinstance(frames, Mapping) else [])
    for name, frame in items:
        if isinstance(frame, pd.DataFrame) and len(frame) + 1 > EXCEL_MAX_ROWS:
            label = "the frame" if name is None else f"frames[{name!r}]"
            raise DataError(
                f"{label} has {len(frame):,} rows; its tidy sheet would need "
                f"{len(frame) + 1:,} rows with the header, more than Excel's limit of "
                f"{EXCEL_MAX_ROWS:,} rows per sheet. Filter the frame (fewer countries or "
                "years) or split it, or write a CSV instead.")


def _normalise_frames(frames) -> tuple[dict[str, pd.DataFrame], str]:
    if isinstance(frames, pd.DataFrame):
        named, kind = {"data": frames}, "frame"
    elif isinstance(frames, Mapping):
        if not frames:
            raise ValueError("frames is an empty dict; pass one tidy frame or "
                             "{'name': frame, ...} with at least one frame.")
        named, kind = dict(frames), "dict"
        for key, frame in named.items():
            if not isinstance(key, str) or not key.strip():
                raise TypeError(f"frame names must be non-empty strings; got {key!r}. "
                                f"Use e.g. {{'Japan': frame}}.")
            if not isinstance(frame, pd.DataFrame):
                raise TypeError(f"frames[{key!r}] is a {type(frame).__name__}, expected a "
                                "pandas DataFrame in the tidy shape (defbudget.schema).")
    else:
        raise TypeError(f"frames must be a pandas DataFrame or a dict of them; got "
                        f"{type(frames).__name__}. Pass one tidy frame or {{'name': frame}}.")
    for key, frame in named.items():
        label = "frame" if kind == "frame" else f"frames[{key!r}]"
        cols = list(frame.columns)
        bad = [c for c in cols if not isinstance(c, str)]
        if bad:
            raise TypeError(f"{label} has non-string column name(s) {bad[:5]!r}; name every "
                            "column with a string, e.g. frame.rename(columns=str).")
        dups = sorted({c for c in cols if cols.count(c) > 1})
        if dups:
            raise ValueError(f"{label} has duplicated column name(s) {dups!r}; rename them so "
                             "each column has its own name.")
        schema.validate(frame, name=label)
    return named, kind


def _normalise_notes(notes) -> list[str]:
    if notes is None:
        return []
    if isinstance(notes, str):
        return [notes]
    if isinstance(notes, Sequence) and all(isinstance(n, str) for n in notes):
        return list(notes)
    raise TypeError(f"notes must be a string or a list of strings; got {notes!r}.")


def _check_destination(path, *, overwrite: bool) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__} "
                        f"{path!r}. Pass e.g. 'japan_budget.xlsx'.")
    path = Path(os.fspath(path)).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"path {str(path)!r} must end in .xlsx (got {path.suffix or 'no '!s}"
                         f"{'' if path.suffix else 'suffix'}); to_excel writes Excel 2007+ "
                         f"workbooks. Use e.g. {str(path.with_suffix('.xlsx'))!r}.")
    for pattern in PROTECTED_NAME_PATTERNS:
        if fnmatch.fnmatch(path.name.lower(), pattern.lower()):
            raise ValueError(
                f"refusing to write {str(path)!r}: the name matches {pattern!r}, the name of "
                "SIPRI's own download, which defbudget only ever reads. Choose another name, "
                "e.g. 'sipri_export.xlsx'.")
    parent = path.parent
    if not parent.is_dir():
        raise FileNotFoundError(f"the folder {str(parent)!r} for {path.name!r} does not exist;"
                                " create it first (e.g. Path(...).mkdir(parents=True)).")
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a folder; pass a file path ending in .xlsx.")
    if path.exists():
        if not overwrite:
            raise FileExistsError(f"{str(path)!r} already exists; pass overwrite=True to replace"
                                  " it, or choose another path.")
        if not _is_export(path):
            raise FileExistsError(
                f"{str(path)!r} exists and is not a workbook written by defbudget.to_excel (it "
                f"has no {META_SHEET!r} sheet), so it may be an input file; refusing to replace"
                " it even with overwrite=True. Choose another path, or move the file away.")
    return path


def _is_export(path: Path) -> bool:
    """True if *path* is an xlsx workbook with the ``_meta`` sheet of a defbudget export."""
    from defusedxml.ElementTree import fromstring

    try:
        with zipfile.ZipFile(path) as archive:
            root = fromstring(archive.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    return any(sheet.get("name") == META_SHEET for sheet in root.iter(f"{ns}sheet"))


# --------------------------------------------------------------------------------------------
# Atomic save
# --------------------------------------------------------------------------------------------

def _save_atomically(workbook, path: Path, *, overwrite: bool,
                     sheets: dict[str, bytes] | None = None) -> None:
    """Save to a temp file beside *path*, then move it into place; clean up on any failure."""
    mode = new_file_mode(path)
    try:
        tmp = temp_beside(path, ".tmp")  # unique name; removes debris of killed runs
    except OSError as exc:
        raise named_os_error(exc, path) from exc
    try:
        workbook.save(tmp)
        _inject_sheets(tmp, sheets or {})
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, path)
        else:
            # link() never replaces an existing file, so a file created meanwhile survives.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileExistsError(f"{str(path)!r} already exists (it appeared while the "
                                      "workbook was being written); pass overwrite=True to "
                                      "replace it, or choose another path.") from None
            except OSError:  # file system without hard links
                if path.exists():
                    raise FileExistsError(f"{str(path)!r} already exists; pass overwrite=True"
                                          " to replace it, or choose another path.") from None
                os.replace(tmp, path)
            else:
                tmp.unlink()
    except FileExistsError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    except OSError as exc:  # disk full, permissions: name the file asked for, not the temp
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise named_os_error(exc, path) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


# --------------------------------------------------------------------------------------------
# Text safety
# --------------------------------------------------------------------------------------------

def _escape_text(text: str) -> str:
    """Make *text* storable in xlsx XML exactly (Excel's ``_xHHHH_`` convention)."""
    text = _LITERAL_ESCAPE.sub("_x005F_", text)
    return _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _unescape_text(text: str) -> str:
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _set_text(cell, text: str) -> None:
    """Store *text* in *cell* as a string, never a formula, whatever it starts with."""
    cell.value = None
    cell._value = _escape_text(text)  # bypass openpyxl's "=..." → formula inference
    cell.data_type = "s"
    if text.startswith(_RISKY_LEADING):
        cell.quotePrefix = True  # Excel shows and edits it as text ('=1+1)


def _set_number(cell, value) -> None:
    """Store an int or finite float exactly: openpyxl's own writer rounds to 16 digits."""
    cell.value = None
    cell._value = repr(float(value)) if isinstance(value, float) else str(int(value))
    cell.data_type = "n"


def _put(cell, value) -> None:
    """Write a display value (str, number, bool or missing) into *cell* safely."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        cell.value = None
    elif isinstance(value, str):
        _set_text(cell, value)
    elif isinstance(value, (bool, np.bool_)):
        cell.value = bool(value)
    elif isinstance(value, (int, np.integer)):
        _set_number(cell, int(value))
    elif isinstance(value, (float, np.floating)):
        if math.isfinite(value):
            _set_number(cell, float(value))
        else:
            _set_text(cell, "inf" if value > 0 else "-inf")
    else:
        _set_text(cell, str(value))


# --------------------------------------------------------------------------------------------
# Column encoding for the hidden _tidy sheet (exact round trip)
# --------------------------------------------------------------------------------------------

def _rate_text(lo: float, hi: float, source, unit) -> str:
    """An exchange rate (range) as quoted: local currency per US$ ('¥150.7/$'), or per euro
    when the dollar is not one side ('162.3 JPY per EUR')."""
    from defbudget.fx import _canonical
    from defbudget.tables import format_rate

    if _is_missing(source) or not isinstance(unit, str) or source == unit:
        return f"{lo:.6g}" if lo == hi else f"{lo:.6g} to {hi:.6g}"
    quote, base = _canonical(str(source), unit)
    def one(v: float) -> str:
        return format_rate(v, quote) if base == "USD" else f"{v:,.4g} {quote} per {base}"

    return one(lo) if lo == hi else f"{one(lo)} to {one(hi)}"


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def _column_spec(name: str, series: pd.Series, label: str) -> dict[str, Any]:
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        na = "NA" if dtype.na_value is pd.NA else "nan"
        return {"name": name, "kind": "string", "storage": dtype.storage, "na": na}
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        if isinstance(dtype, (pd.BooleanDtype, pd.core.arrays.integer.IntegerDtype,
                              pd.core.arrays.floating.FloatingDtype)):
            return {"name": name, "kind": "masked", "dtype": dtype.name}
    elif dtype.kind == "b":
        return {"name": name, "kind": "bool"}
    elif dtype.kind in "iu":
        return {"name": name, "kind": "int", "dtype": dtype.name}
    elif dtype.kind == "f":
        return {"name": name, "kind": "float", "dtype": dtype.name}
    elif dtype.kind == "O":
        na_kinds = {_na_name(v) for v in series if _is_missing(v)}
        for pos, value in enumerate(series):
            if not (_is_missing(value) or isinstance(value, (str, bool, int, float, np.bool_,
                                                              np.integer, np.floating))):
                raise TypeError(
                    f"{label}, column {name!r}, row {pos}: value {value!r} of type "
                    f"{type(value).__name__} cannot be stored exactly in Excel (expected str, "
                    "int, float, bool or missing). Convert the column, e.g. "
                    f"frame[{name!r}].astype(str), or drop it.")
            if isinstance(value, (float, np.floating)) and math.isinf(value):
                raise ValueError(
                    f"{label}, column {name!r}, row {pos}: infinite value in an object column "
                    "cannot be stored exactly. Cast the column to float, or replace it.")
        return {"name": name, "kind": "object", "na": sorted(na_kinds)[0] if na_kinds else "None"}
    raise TypeError(f"{label}, column {name!r} has dtype {dtype}, which to_excel cannot store "
                    "exactly (supported: str/string, object of str/numbers, int, float, bool "
                    f"and their nullable versions). Convert it, e.g. frame[{name!r}].astype(str),"
                    " or drop it.")


def _na_name(value) -> str:
    if value is None:
        return "None"
    if value is pd.NA:
        return "NA"
    if value is pd.NaT:
        return "NaT"
    return "nan"


def _encode_column(series: pd.Series, spec: dict, label: str) -> tuple[list, list[int]]:
    """Cell values for one column, and the row positions holding an empty string."""
    kind = spec["kind"]
    empty: list[int] = []
    if kind in ("float", "int", "bool"):
        values = series.to_numpy().tolist()
    elif kind == "masked":
        values = series.array.to_numpy(dtype=object, na_value=None).tolist()
        if spec["dtype"].startswith("Float"):  # NaN (not NA) inside a nullable float column
            values = ["nan" if v is not None and math.isnan(v) else v for v in values]
    else:
        values = series.tolist()
    out = []
    for pos, value in enumerate(values):
        if isinstance(value, str) and kind in ("string", "object"):
            if value == "":
                empty.append(pos)
                value = None
            elif len(_escape_text(value)) > _MAX_CELL_TEXT:
                raise ValueError(f"{label}, column {spec['name']!r}, row {pos}: text of "
                                 f"{len(value):,} characters is longer than an Excel cell "
                                 f"holds ({_MAX_CELL_TEXT:,}). Shorten or split it.")
        out.append(value)
    return out, empty


_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _xml_text(text: str) -> str:
    return (_escape_text(text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def _xml_cell(ref: str, value) -> str:
    """One ``<c>`` element: text inline (never a formula), numbers exact, booleans."""
    if isinstance(value, str):
        return (f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">'
                f'{_xml_text(value)}</t></is></c>')
    if isinstance(value, (bool, np.bool_)):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, np.integer)):
        return f'<c r="{ref}"><v>{int(value)}</v></c>'
    value = float(value)
    if math.isfinite(value):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return _xml_cell(ref, "inf" if value > 0 else "-inf")


def _tidy_sheet_xml(frame: pd.DataFrame, label: str) -> tuple[bytes, dict]:
    """The hidden ``_tidy`` worksheet as XML, and the column specs for ``_meta``.

    Written directly rather than cell by cell through openpyxl: a SIPRI-sized frame has
    ~700,000 cells, which openpyxl takes ~15 s to serialise and ~15 s to read back.
    """
    from openpyxl.utils import get_column_letter

    specs = [_column_spec(c, frame[c], label) for c in frame.columns]
    letters = [get_column_letter(j) for j in range(1, len(specs) + 1)]
    nrows = len(frame)
    cells: list[list[str]] = [[] for _ in range(nrows + 1)]
    cells[0] = [_xml_cell(f"{col}1", spec["name"]) for col, spec in zip(letters, specs,
                                                                         strict=True)]
    empties: dict[str, list[int]] = {}
    for col, name, spec in zip(letters, frame.columns, specs, strict=True):
        values, empty = _encode_column(frame[name], spec, label)
        if empty:
            empties[name] = empty
        for i, value in enumerate(values, start=1):
            if not _is_missing(value):
                cells[i].append(_xml_cell(f"{col}{i + 1}", value))
    last = f"{letters[-1]}{nrows + 1}" if letters else "A1"
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
             f'<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">',
             f'<dimension ref="A1:{last}"/>',
             '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
             'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>',
             '<sheetFormatPr defaultRowHeight="15"/><sheetData>']
    parts += [f'<row r="{i}">{"".join(row)}</row>' for i, row in enumerate(cells, start=1)
              if row]
    parts.append('</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" '
                 'header="0.5" footer="0.5"/></worksheet>')
    return "".join(parts).encode("utf-8"), {"nrows": nrows, "columns": specs,
                                            "empty_strings": empties}


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name -> path inside the xlsx archive."""
    from defusedxml.ElementTree import fromstring

    book = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in book.iter(f"{{{_NS_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_NS_REL}}}id"), "")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[sheet.get("name")] = target
    return out


def _inject_sheets(path: Path, sheets: dict[str, bytes]) -> None:
    """Replace the XML of the named (placeholder) worksheets inside the xlsx at *path*."""
    if not sheets:
        return
    rewritten = path.with_name(path.name + ".z")
    try:
        with zipfile.ZipFile(path) as src:
            where = _sheet_paths(src)
            replace = {where[name]: xml for name, xml in sheets.items()}
            with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in src.infolist():
                    data = replace.get(info.filename)
                    dst.writestr(info, src.read(info) if data is None else data,
                                 compress_type=zipfile.ZIP_DEFLATED)
        os.replace(rewritten, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            rewritten.unlink()


_REF = re.compile(r"([A-Z]+)(\d+)")


def _sheet_cells(archive: zipfile.ZipFile, member: str, shared: list[str] | None
                 ) -> list[tuple[int, int, Any]]:
    """(row, column, value) of every non-empty cell of a worksheet (1-based).

    Values as openpyxl gives them: str, int, float or bool. Understands inline and shared
    strings, so a workbook re-saved by Excel or LibreOffice still reads. A streaming expat
    parser with callbacks: several times faster than building elements; DTDs and entity
    declarations (never present in xlsx) are refused.
    """
    from xml.parsers import expat

    ns = _NS_MAIN + " "
    tag_c, tag_v, tag_t, tag_row, tag_rph = ns + "c", ns + "v", ns + "t", ns + "row", ns + "rPh"
    out: list[tuple[int, int, Any]] = []
    col_of: dict[str, int] = {}
    state = {"row": 0, "col": 0, "kind": "n", "collect": False, "rph": 0}
    buf: list[str] = []

    def start(tag, attrs):
        if tag == tag_c:
            ref = attrs.get("r")
            if ref:
                m = _REF.match(ref)
                letters = m.group(1)
                col = col_of.get(letters)
                if col is None:
                    col = 0
                    for ch in letters:
                        col = col * 26 + ord(ch) - 64
                    col_of[letters] = col
                state["row"], state["col"] = int(m.group(2)), col
            else:
                state["col"] += 1
            state["kind"] = attrs.get("t", "n")
            buf.clear()
            state["has"] = False
        elif tag == tag_v or (tag == tag_t and not state["rph"]):
            state["collect"] = True
            state["has"] = True
        elif tag == tag_rph:
            state["rph"] += 1
        elif tag == tag_row:
            r = attrs.get("r")
            state["row"] = int(r) if r else state["row"] + 1
            state["col"] = 0

    def end(tag):
        if tag in (tag_v, tag_t):
            state["collect"] = False
        elif tag == tag_rph:
            state["rph"] -= 1
        elif tag == tag_c:
            if not state["has"]:
                return
            text = "".join(buf)
            kind = state["kind"]
            if kind in ("inlineStr", "str", "e"):
                value = text
            elif kind == "s":
                value = shared[int(text)] if shared is not None else None
            elif kind == "b":
                value = text == "1"
            elif "." in text or "E" in text or "e" in text:
                value = float(text)
            else:
                value = int(text)
            if value is not None:
                out.append((state["row"], state["col"], value))

    def chars(data):
        if state["collect"]:
            buf.append(data)

    def refuse(*_args):
        raise ValueError(f"{member} declares a DTD or entities, which xlsx files never do; "
                         "refusing to parse it.")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    with archive.open(member) as stream:
        parser.ParseFile(stream)
    return out


def _shared_strings(archive: zipfile.ZipFile) -> list[str] | None:
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(archive.read("xl/sharedStrings.xml"))
    except KeyError:
        return None
    ns = f"{{{_NS_MAIN}}}"
    return ["".join(t.text or "" for t in si.iter(f"{ns}t")) for si in root.iter(f"{ns}si")]


def _decode_column(raw: list, spec: dict, where: str) -> pd.Series:
    kind = spec["kind"]
    name = spec["name"]

    def bad(pos, value, expected):
        return ValueError(f"{where}: column {name!r}, data row {pos + 1} holds {value!r}, "
                          f"expected {expected}. The hidden sheet was edited; export again.")

    if kind in ("float", "masked") and (kind == "float" or spec["dtype"].startswith("Float")):
        data, mask = [], []
        for pos, v in enumerate(raw):
            if v is None:
                data.append(math.nan)
                mask.append(True)
            elif (isinstance(v, str) and v in ("inf", "-inf", "nan")) or (
                    isinstance(v, (int, float)) and not isinstance(v, bool)):
                data.append(float(v))
                mask.append(False)
            else:
                raise bad(pos, v, "a number")
        arr = np.array(data, dtype=np.float64)
        if kind == "float":
            return pd.Series(arr.astype(spec["dtype"]), name=name)
        return pd.Series(pd.arrays.FloatingArray(arr.astype(spec["dtype"].lower()),
                                                 np.array(mask, dtype=bool)), name=name)
    if kind in ("int", "masked") and (kind == "int" or "Int" in spec["dtype"]):
        for pos, v in enumerate(raw):
            if not (v is None or (isinstance(v, int) and not isinstance(v, bool))):
                raise bad(pos, v, "an integer")
        if kind == "int":
            if any(v is None for v in raw):
                raise bad(raw.index(None), None, "an integer (the column has no missing values)")
            return pd.Series(np.array(raw, dtype=spec["dtype"]), name=name)
        return pd.Series(pd.array(raw, dtype=spec["dtype"]), name=name)
    if kind in ("bool", "masked"):
        for pos, v in enumerate(raw):
            if not (v is None or isinstance(v, bool)):
                raise bad(pos, v, "TRUE or FALSE")
        if kind == "bool":
            if any(v is None for v in raw):
                raise bad(raw.index(None), None, "TRUE or FALSE (no missing values)")
            return pd.Series(np.array(raw, dtype=bool), name=name)
        return pd.Series(pd.array(raw, dtype="boolean"), name=name)
    if kind == "string":
        values = [None if v is None else _unescape_text(v) if isinstance(v, str) else str(v)
                  for v in raw]
        for pos in spec.get("_empty", ()):
            values[pos] = ""
        na_value = pd.NA if spec["na"] == "NA" else np.nan
        dtype = pd.StringDtype(storage=spec["storage"], na_value=na_value)
        return pd.Series(values, dtype=dtype, name=name)
    if kind == "object":
        na = {"None": None, "NA": pd.NA, "NaT": pd.NaT, "nan": np.nan}[spec["na"]]
        values = [na if v is None else _unescape_text(v) if isinstance(v, str) else v
                  for v in raw]
        for pos in spec.get("_empty", ()):
            values[pos] = ""
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return pd.Series(arr, dtype=object, name=name)  # no inference of a str dtype
    raise ValueError(f"{where}: column {name!r} has unknown kind {kind!r} in {META_SHEET}; "
                     "it was written by a newer defbudget. Upgrade defbudget.")


def _read_tidy_sheet(archive: zipfile.ZipFile, member: str, shared, spec: dict,
                     where: str) -> pd.DataFrame:
    columns = spec["columns"]
    ncols, nrows = len(columns), spec["nrows"]
    cols: list[list] = [[None] * nrows for _ in range(ncols)]
    names: list = [""] * ncols
    for row, col, value in _sheet_cells(archive, member, shared):
        if col > ncols or row > nrows + 1:
            raise ValueError(f"{where}: cell {_cell_ref(row, col)} is outside the "
                             f"{nrows + 1} rows x {ncols} columns written. The hidden sheet "
                             "was edited; export the frame again.")
        if row == 1:
            names[col - 1] = _unescape_text(value) if isinstance(value, str) else value
        else:
            cols[col - 1][row - 2] = value
    expected = [c["name"] for c in columns]
    if names != expected:
        raise ValueError(f"{where}: header row is {names!r}, expected {expected!r}. The "
                         "hidden sheet was edited; export the frame again.")
    series = []
    for raw, col in zip(cols, columns, strict=True):
        col = {**col, "_empty": spec["empty_strings"].get(col["name"], ())}
        series.append(_decode_column(raw, col, where))
    if not series:
        return pd.DataFrame(index=pd.RangeIndex(nrows))
    frame = pd.concat(series, axis=1)
    frame.columns = expected  # keep names exactly
    return frame


def _cell_ref(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


# --------------------------------------------------------------------------------------------
# Meta sheet
# --------------------------------------------------------------------------------------------

_META_CHUNK = 30_000


def _write_meta(ws, meta: dict) -> None:
    from defbudget._version import __version__

    rows = [
        ("format", FORMAT_NAME),
        ("format_version", FORMAT_VERSION),
        ("defbudget_version", __version__),
        ("pandas_version", pd.__version__),
        ("written", _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("about", "Read by defbudget.read_excel_export() to rebuild the exact tidy frames "
                  "from the _tidy sheets. Do not edit."),
    ]
    text = json.dumps(meta, ensure_ascii=True, separators=(",", ":"))
    rows += [("json", text[i:i + _META_CHUNK]) for i in range(0, len(text), _META_CHUNK)]
    for i, (key, value) in enumerate(rows, start=1):
        _put(ws.cell(row=i, column=1), key)
        _put(ws.cell(row=i, column=2), value)


def _read_meta(ws, path: Path) -> dict:
    values = {}
    chunks = []
    for key, value, *_ in ws.iter_rows(max_col=2, values_only=True):
        if key == "json":
            chunks.append(value or "")
        elif key is not None:
            values[key] = value
    if values.get("format") != FORMAT_NAME or not chunks:
        raise ValueError(f"{str(path)!r}: the {META_SHEET!r} sheet is not a defbudget export's "
                         "(format marker missing). Export the frames again with to_excel.")
    if not isinstance(values.get("format_version"), int) or (
            values["format_version"] > FORMAT_VERSION):
        raise ValueError(f"{str(path)!r} was written in export format "
                         f"{values.get('format_version')!r} by defbudget "
                         f"{values.get('defbudget_version')!r}; this defbudget reads format "
                         f"{FORMAT_VERSION}. Upgrade defbudget.")
    try:
        return json.loads("".join(chunks))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{str(path)!r}: the {META_SHEET!r} sheet is damaged ({exc}). Export "
                         "the frames again.") from exc


# --------------------------------------------------------------------------------------------
# Sheet names
# --------------------------------------------------------------------------------------------

def _sheet_name(wanted: str, used: set[str]) -> str:
    """A valid, unique (case-insensitively) Excel sheet name close to *wanted*."""
    name = _FORBIDDEN_SHEET_CHARS.sub("_", wanted)
    name = _ILLEGAL_XML.sub("_", name)
    # No leading/trailing apostrophe (Excel forbids it) and no leading underscore (reserved
    # for the hidden sheets).
    name = re.sub(r"\s+", " ", name).lstrip("'_ ").rstrip("' ")
    name = name[:_MAX_SHEET_NAME].rstrip("' ") or "Sheet"
    candidate, n = name, 1
    while candidate.lower() in used or candidate.lower() in _RESERVED_SHEET_NAMES:
        n += 1
        suffix = f" ({n})"
        candidate = name[:_MAX_SHEET_NAME - len(suffix)].rstrip().rstrip("'") + suffix
    used.add(candidate.lower())
    return candidate


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# --------------------------------------------------------------------------------------------
# Series and their description
# --------------------------------------------------------------------------------------------

def _series_keys(frame: pd.DataFrame) -> list[tuple]:
    keys = frame[list(SERIES_COLUMNS)].drop_duplicates()
    return [tuple(None if _is_missing(v) else v for v in row)
            for row in keys.itertuples(index=False, name=None)]


def _series_mask(frame: pd.DataFrame, key: tuple) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for col, value in zip(SERIES_COLUMNS, key, strict=True):
        s = frame[col]
        mask &= s.isna().to_numpy() if value is None else (s == value).fillna(False).to_numpy(
            dtype=bool)
    return mask


def _price_text(price_basis, base_year) -> str:
    return f"constant {int(base_year)} prices" if price_basis == "constant" else "current prices"


def _period_text(period: str, start: int, year_is: str = "start", iso3: str | None = None
                 ) -> str:
    if period == "CY":
        return "calendar years (January–December)"
    if start == 1:
        return "fiscal years = calendar years (January–December)"
    end = _MONTHS[(start - 2) % 12]
    if year_is == "end":
        return (f"fiscal years {_MONTHS[start - 1]}–{end}, labelled by the year they end in "
                f"({_year_label(2025, period, start, year_is, iso3)} = {_MONTHS[start - 1]} "
                f"2024 – {end} 2025)")
    return (f"fiscal years {_MONTHS[start - 1]}–{end}, labelled by the year they start in "
            f"({_year_label(2025, period, start, year_is, iso3)} = {_MONTHS[start - 1]} 2025 "
            f"– {end} 2026)")


def _year_label(year: int, period: str, start: int, year_is: str = "start",
                iso3: str | None = None):
    if period == "CY":
        return int(year)
    if iso3 is not None:  # one government's sheet: its own name for the year
        from defbudget.fiscal import official_label

        label = official_label(iso3, int(year), int(start), year_is=year_is)
        return int(label) if label.isdigit() else label
    if start in (1, 4):
        return f"FY{year}"
    return f"FY{year}/{(year + 1) % 100:02d}"


def _sheet_fy(sub: pd.DataFrame) -> tuple[str, str | None]:
    """(year_is, iso3) of a data sheet: the government's naming when one country fills it."""
    year_is = "start"
    if "fy_year_is" in sub.columns:
        named = set(sub["fy_year_is"].dropna())
        if named == {"end"}:
            year_is = "end"
    countries = sub["iso3"].dropna().unique() if "iso3" in sub.columns else []
    iso3 = str(countries[0]) if len(countries) == 1 else None
    return year_is, iso3


def _unit_display(unit: str, max_abs: float) -> tuple[str, str, str]:
    """Number format, short unit label (e.g. '¥ bn') and a sentence on scaling."""
    if unit == "ratio":
        return "0.00%", "%", "Cells hold ratios (0.0137); the number format shows percent (1.37%)."
    if unit in ("index", "count"):
        fmt = "#,##0.0" if unit == "index" else "#,##0"
        return fmt, unit, f"Cells hold the {unit} values as published."
    base = unit.split("/")[0]
    per = " per person" if unit.endswith("/person") else ""
    symbol = _UNIT_SYMBOLS.get(base, base)
    name = {"JPY": "yen", "USD": "US dollars", "EUR": "euros", "GBP": "pounds"}.get(base, base)
    for factor, commas, short, long in ((1e9, ",,,", "bn", "billions"),
                                        (1e6, ",,", "m", "millions")):
        if max_abs >= factor:
            return (f"#,##0.0{commas}", f"{symbol} {short}{per}",
                    f"Cells hold whole {name}{per}; the number format shows {long}.")
    return "#,##0", f"{symbol}{per}", f"Cells hold whole {name}{per}."


# --------------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------------

class _Styles:
    """Fonts, fills and the key to the styling of flagged values."""

    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.Font = Font
        self.title = Font(bold=True, size=14)
        self.bold = Font(bold=True)
        self.small = Font(size=9, color="404040")
        self.header_fill = PatternFill("solid", fgColor="DDEBF7")
        self.header_border = Border(bottom=Side(style="thin", color="808080"))
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.center = Alignment(horizontal="center")
        self.link = Font(color="0563C1", underline="single")
        self.fills = {
            "draft": PatternFill("solid", fgColor="FFF2CC"),
            "request": PatternFill("solid", fgColor="FCE4D6"),
            "unavailable": PatternFill("solid", fgColor="D9D9D9"),
        }
        self.fonts = {
            "estimate": Font(italic=True, color="1F4E9B"),
            "highly_uncertain": Font(italic=True, color="C00000"),
            "other": Font(color="7030A0"),
        }

    #: (category, text in the key), in the order of the key.
    KEY = (("estimate", "estimate"), ("highly_uncertain", "highly uncertain"),
           ("draft", "draft budget"), ("request", "budget request"),
           ("unavailable", "unavailable (blank)"), ("other", "other flag (see comment)"))

    def apply(self, cell, category: str) -> None:
        if category in self.fills:
            cell.fill = self.fills[category]
        if category in self.fonts:
            cell.font = self.fonts[category]


def _categories(flag, stage) -> list[str]:
    """Style categories of one observation: at most one font and one fill."""
    cats = []
    flags = [] if flag is None else [f.strip() for f in str(flag).split(",")]
    if "highly_uncertain" in flags:
        cats.append("highly_uncertain")
    elif "estimate" in flags:
        cats.append("estimate")
    elif any(f not in ("unavailable", "") for f in flags):
        cats.append("other")
    if "unavailable" in flags:
        cats.append("unavailable")
    elif stage in ("draft", "request"):
        cats.append(stage)
    return cats


# --------------------------------------------------------------------------------------------
# Workbook
# --------------------------------------------------------------------------------------------

def _build_workbook(named: dict[str, pd.DataFrame], *, kind: str, title: str | None,
                    notes: list[str]):
    from openpyxl import Workbook

    from defbudget._version import __version__

    styles = _Styles()
    wb = Workbook()
    contents = wb.active
    contents.title = CONTENTS_SHEET
    used = {CONTENTS_SHEET.lower(), SOURCES_SHEET.lower(), NOTES_SHEET.lower()}
    data_sheets: list[dict] = []  # one per data sheet, for Contents, Sources, Notes and _meta
    for key, frame in named.items():
        keys = _series_keys(frame)
        varying = {col for i, col in enumerate(SERIES_COLUMNS)
                   if len({k[i] for k in keys}) > 1}
        for skey in keys:
            sub = frame.loc[_series_mask(frame, skey)]
            name = _sheet_name(_wanted_name(key if kind == "dict" else None, skey, varying),
                               used)
            ws = wb.create_sheet(name)
            info = _write_data_sheet(ws, sub, skey, frame_key=key if kind == "dict" else None,
                                     styles=styles)
            info.update(sheet=name, frame=key)
            data_sheets.append(info)
    sources = wb.create_sheet(SOURCES_SHEET)
    _write_sources(sources, named, data_sheets, styles)
    notes_ws = wb.create_sheet(NOTES_SHEET)
    _write_notes(notes_ws, named, data_sheets, notes, styles)
    injected: dict[str, bytes] = {}
    meta: dict[str, Any] = {"kind": kind, "frames": [], "data_sheets": [
        {"sheet": d["sheet"], "frame": d["frame"], "series": d["series"],
         "rows": d["rows"], "chart_rows": d["chart_rows"]} for d in data_sheets]}
    for i, (key, frame) in enumerate(named.items(), start=1):
        sheet = TIDY_SHEET if i == 1 else f"{TIDY_SHEET}{i}"
        ws = wb.create_sheet(sheet)
        ws.sheet_state = "hidden"
        label = "frame" if kind == "frame" else f"frames[{key!r}]"
        xml, spec = _tidy_sheet_xml(frame, label)
        injected[sheet] = xml  # replaces this empty placeholder sheet after saving
        meta["frames"].append({"key": key, "sheet": sheet, **spec})
    meta_ws = wb.create_sheet(META_SHEET)
    meta_ws.sheet_state = "hidden"
    _write_meta(meta_ws, json.loads(json.dumps(meta, default=_json_default)))
    _write_contents(contents, title, named, data_sheets, styles, kind)
    wb.properties.creator = f"defbudget {__version__}"
    wb.properties.title = title or "defbudget export"
    wb.active = 0
    return wb, injected


def _json_default(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return str(value)


def _wanted_name(frame_key: str | None, skey: tuple, varying: set[str]) -> str:
    measure, unit, price_basis, base_year, period, start = skey
    parts = [] if frame_key is None else [frame_key]
    if frame_key is None or "measure" in varying:
        parts.append(measure)
    if frame_key is None or "unit" in varying:
        parts.append("%" if unit == "ratio" else unit)
    if "price_basis" in varying or "base_year" in varying:
        parts.append(f"const{int(base_year)}" if price_basis == "constant" else "current")
    if "period" in varying or "fy_start_month" in varying:
        parts.append(period if period == "CY" else f"FY{int(start):02d}")
    return " ".join(str(p) for p in parts)


def _row_dims(sub: pd.DataFrame) -> list[str]:
    dims = ["country"]
    for col in ROW_LABEL_CANDIDATES:
        if col == "basis" and sub["basis"].nunique(dropna=False) > 1:
            dims.append(col)
            continue
        if not sub.duplicated([*dims, "year"]).any():
            break
        if col != "basis" and sub[col].nunique(dropna=False) > 1:
            dims.append(col)
    return dims


def _write_data_sheet(ws, sub: pd.DataFrame, skey: tuple, *, frame_key: str | None,
                      styles: _Styles) -> dict:
    from openpyxl.chart import LineChart, Reference, Series
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter

    measure, unit, price_basis, base_year, period, start = skey
    start = int(start)
    dims = _row_dims(sub)
    years = sorted(int(y) for y in sub["year"].unique())
    values = sub["value"].to_numpy(dtype=float, na_value=np.nan)
    finite = values[np.isfinite(values)]
    max_abs = float(np.abs(finite).max()) if finite.size else 0.0
    fmt, unit_short, scaling = _unit_display(unit, max_abs)
    label_cols = len(dims)
    first_year_col = label_cols + 1
    header_row = 5
    first_row = header_row + 1

    # Header block.
    measure_title = MEASURE_TITLES.get(measure, measure.replace("_", " ").capitalize())
    countries = list(dict.fromkeys(sub["country"]))
    who = countries[0] if len(countries) == 1 else f"{len(countries)} countries"
    heading = f"{measure_title} — {who} — {unit_short}, {_price_text(price_basis, base_year)}"
    if frame_key is not None:
        heading = f"{frame_key}: {heading}"
    _put(ws.cell(row=1, column=1), heading)
    ws.cell(row=1, column=1).font = styles.title
    line2 = (f"Unit: {unit_short} ({unit}). {scaling} Prices: "
             f"{_price_text(price_basis, base_year)}. Period: "
             f"{_period_text(period, start, *_sheet_fy(sub))}. "
             f"Measure: {measure}.")
    _put(ws.cell(row=2, column=1), line2)
    source_ids = sorted({str(s) for s in sub["source"].dropna()})
    shown_ids = ", ".join(source_ids[:4]) + (
        f" and {len(source_ids) - 4} more" if len(source_ids) > 4 else "")
    _put(ws.cell(row=3, column=1), f"Sources: {shown_ids} (full citations on the Sources "
         "sheet; flags and conversions on the Notes sheet).")
    for r in (2, 3):
        ws.cell(row=r, column=1).font = styles.small

    # Table header.
    headers = [d.replace("_", " ").capitalize() if d != "iso3" else "ISO3" for d in dims]
    headers += [_year_label(y, period, start, *_sheet_fy(sub)) for y in years]
    for j, text in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=j)
        _put(cell, text)
        cell.font = styles.bold
        cell.fill = styles.header_fill
        cell.border = styles.header_border
        if j >= first_year_col:
            cell.alignment = styles.center

    # Table body: one row per distinct label tuple, in order of first appearance.
    label_keys = list(zip(*(sub[d].astype(object).where(sub[d].notna(), None).tolist()
                            for d in dims), strict=True))
    codes: dict[tuple, int] = {}
    groups = np.array([codes.setdefault(k, len(codes)) for k in label_keys], dtype=np.int64)
    n_rows = len(codes)
    year_pos = {y: i for i, y in enumerate(years)}
    labels = pd.DataFrame(list(codes), columns=dims, dtype=object)
    for i, row in enumerate(labels.itertuples(index=False, name=None)):
        for j, value in enumerate(row, start=1):
            _put(ws.cell(row=first_row + i, column=j), None if _is_missing(value) else value)
    used_cats: set[str] = set()
    latest = np.full(n_rows, np.nan)  # the latest non-missing value of each row, for the chart
    latest_year = np.full(n_rows, -1)
    flags = sub["flag"].tolist()
    stages = sub["stage"].tolist()
    for g, year, value, flag, stage in zip(groups, sub["year"].tolist(), values, flags, stages,
                                           strict=True):
        cell = ws.cell(row=first_row + int(g), column=first_year_col + year_pos[int(year)])
        if math.isfinite(value):
            _set_number(cell, float(value))
            if year > latest_year[g]:
                latest[g], latest_year[g] = value, year
        cell.number_format = fmt
        flag = None if _is_missing(flag) else flag
        stage = None if _is_missing(stage) else stage
        for cat in _categories(flag, stage):
            styles.apply(cell, cat)
            used_cats.add(cat)
        if flag is not None and "other" in _categories(flag, stage):
            cell.comment = Comment(f"flag: {flag}" + (f"; stage: {stage}" if stage else ""),
                                   "defbudget")

    # Key to the cell styles, in row 4.
    _put(ws.cell(row=4, column=1), "Key:")
    ws.cell(row=4, column=1).font = styles.bold
    col = 2
    year_width = _year_width(fmt, max_abs, headers[first_year_col - 1:])
    shown = [(c, t) for c, t in _Styles.KEY if c in used_cats]
    if not shown:
        _put(ws.cell(row=4, column=2), "no flagged values on this sheet: every figure is as "
                                       "published.")
    for cat, text in shown:
        _put(ws.cell(row=4, column=col), text)
        span = max(1, math.ceil((len(text) + 2) / year_width))
        for j in range(col, col + span):
            styles.apply(ws.cell(row=4, column=j), cat)
        if span > 1:
            ws.merge_cells(start_row=4, start_column=col, end_row=4, end_column=col + span - 1)
        col += span

    # Layout: widths, frozen panes, print setup.
    for j in range(1, label_cols + 1):
        texts = [str(headers[j - 1])] + [str(v) for v in labels.iloc[:, j - 1].dropna()]
        ws.column_dimensions[get_column_letter(j)].width = min(
            45, max(8, max(len(t) for t in texts) + 2))
    for j in range(first_year_col, first_year_col + len(years)):
        ws.column_dimensions[get_column_letter(j)].width = year_width
    ws.freeze_panes = ws.cell(row=first_row, column=first_year_col).coordinate
    ws.print_title_rows = f"1:{header_row}"
    ws.print_title_cols = f"A:{get_column_letter(label_cols)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = max(1, math.ceil(len(years) / 20))
    ws.page_setup.fitToHeight = 0
    ws.oddFooter.center.text = "&A — page &P of &N"
    ws.oddFooter.left.text = "defbudget export"

    # Chart.
    chart_rows = list(range(n_rows))
    last_row = first_row + n_rows - 1
    note_row = last_row + 2
    if n_rows > MAX_CHART_SERIES:
        order = np.argsort(-np.nan_to_num(np.abs(latest), nan=-1.0), kind="stable")
        chart_rows = sorted(int(r) for r in order[:MAX_CHART_SERIES])
        _put(ws.cell(row=note_row, column=1),
             f"The chart draws {MAX_CHART_SERIES} of the {n_rows} rows: those with the largest "
             "latest value. Every row is in the table above.")
        ws.cell(row=note_row, column=1).font = styles.small
    if n_rows:
        chart = LineChart()
        chart.title = f"{measure_title} ({unit_short})"
        chart.y_axis.title = f"{unit_short}, {_price_text(price_basis, base_year)}"
        chart.x_axis.title = "Calendar year" if period == "CY" else "Fiscal year"
        chart.y_axis.number_format = fmt.replace("0.0", "0")
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.display_blanks = "gap"
        chart.legend.position = "b"
        chart.width, chart.height = 24, 12
        for r in chart_rows:
            ref = Reference(ws, min_col=first_year_col, max_col=first_year_col + len(years) - 1,
                            min_row=first_row + r, max_row=first_row + r)
            name = " · ".join(str(v) for v in labels.iloc[r] if not _is_missing(v))
            series = Series(ref, title=_escape_text(name)[:255])
            series.smooth = False
            series.marker.symbol = "circle" if len(years) < 3 else "none"
            chart.series.append(series)
        chart.set_categories(Reference(ws, min_col=first_year_col, min_row=header_row,
                                       max_col=first_year_col + len(years) - 1,
                                       max_row=header_row))
        # Anchored right of the label columns: LibreOffice repeats those (print titles) on
        # every page, and would repeat any part of a chart lying in them.
        ws.add_chart(chart, ws.cell(row=note_row + 1, column=first_year_col).coordinate)
    return {"series": dict(zip(SERIES_COLUMNS, skey, strict=True)), "dims": dims,
            "rows": n_rows, "years": [years[0], years[-1]] if years else [],
            "chart_rows": len(chart_rows) if n_rows else 0, "unit_label": unit_short,
            "number_format": fmt, "sources": source_ids, "flags_used": sorted(used_cats),
            "period_text": _period_text(period, start, *_sheet_fy(sub))}


def _year_width(fmt: str, max_abs: float, year_headers: list) -> float:
    if fmt.endswith("%"):
        digits = len(f"{max_abs * 100:,.2f}%")
    else:
        scale = 1e9 if fmt.endswith(",,,") else 1e6 if fmt.endswith(",,") else 1.0
        decimals = 1 if "." in fmt else 0
        digits = len(f"{max_abs / scale:,.{decimals}f}")
    header = max((len(str(h)) for h in year_headers), default=4)
    return max(digits + 3, header + 2, 8)


def _write_contents(ws, title, named, data_sheets, styles: _Styles, kind: str) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    from defbudget._version import __version__

    _put(ws.cell(row=1, column=1), title or "Defence budget data — defbudget export")
    ws.cell(row=1, column=1).font = styles.title
    today = _dt.date.today().isoformat()
    _put(ws.cell(row=2, column=1), f"Written by defbudget {__version__} on {today}. Values "
         "are whole units (yen, dollars, ratios); number formats show them in billions or %.")
    ws.cell(row=2, column=1).font = styles.small
    for j, text in enumerate(("Sheet", "What it holds", "Rows", "Years", "Period convention"),
                             start=1):
        cell = ws.cell(row=4, column=j)
        _put(cell, text)
        cell.font = styles.bold
        cell.fill = styles.header_fill
    r = 5
    for d in data_sheets:
        s = d["series"]
        what = (f"{MEASURE_TITLES.get(s['measure'], s['measure'])}, {d['unit_label']}, "
                f"{_price_text(s['price_basis'], s['base_year'])}")
        if kind == "dict":
            what = f"{d['frame']}: {what}"
        years = d["years"]
        _contents_row(ws, r, d["sheet"], what, d["rows"],
                      f"{years[0]}–{years[1]}" if years else "", styles, Hyperlink)
        _put(ws.cell(row=r, column=5), d["period_text"])
        r += 1
    _contents_row(ws, r, SOURCES_SHEET, "Full citation and licence of every source used", None,
                  "", styles, Hyperlink)
    _contents_row(ws, r + 1, NOTES_SHEET, "Conversion basis (exchange rates, deflators), the "
                  "meaning of each flag and budget stage", None, "", styles, Hyperlink)
    total = sum(len(f) for f in named.values())
    _put(ws.cell(row=r + 3, column=1),
         f"The long (tidy) table of all {total:,} observations is in the hidden sheet "
         f"{TIDY_SHEET!r} (Format ▸ Sheet ▸ Unhide); defbudget.read_excel_export(path) reads "
         "it back exactly.")
    ws.cell(row=r + 3, column=1).font = styles.small
    ws.column_dimensions["A"].width = max(14, max((len(d["sheet"]) for d in data_sheets),
                                                  default=10) + 2)
    ws.column_dimensions["B"].width = min(80, max(
        (len(str(c.value)) for c in ws["B"] if c.row > 3 and c.value), default=20) + 2)
    ws.column_dimensions["C"].width = 8
    ws.column_dimensions["D"].width = 12
    ws.column_dimensions["E"].width = 60
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0


def _contents_row(ws, r, sheet, what, rows, years, styles, hyperlink_cls) -> None:
    cell = ws.cell(row=r, column=1)
    _put(cell, sheet)
    cell.hyperlink = hyperlink_cls(ref=cell.coordinate, location=f"{_quote_sheet(sheet)}!A1")
    cell.font = styles.link
    _put(ws.cell(row=r, column=2), what)
    _put(ws.cell(row=r, column=3), rows)
    _put(ws.cell(row=r, column=4), years)


# --------------------------------------------------------------------------------------------
# Sources and Notes
# --------------------------------------------------------------------------------------------

_SOURCE_ID_COLUMNS = ("source", "fx_source", "deflator_source")


def _source_ids(named: dict[str, pd.DataFrame]) -> dict[str, set[str]]:
    """Every source id used, with the columns it appears in."""
    found: dict[str, set[str]] = {}
    for frame in named.values():
        for col in _SOURCE_ID_COLUMNS:
            if col in frame.columns:
                for sid in frame[col].dropna().unique():
                    found.setdefault(str(sid), set()).add(col)
    return dict(sorted(found.items()))


def _resolve_sources(ids) -> dict[str, dict[str, str | None]]:
    """Citation, licence and URL of each id from defbudget.datasets; None where unknown."""
    try:
        from defbudget import datasets
    except ImportError:
        datasets = None
    package_sources: dict[str, dict] = {}
    if datasets is not None and hasattr(datasets, "datapackage"):
        try:
            package = datasets.datapackage()
        except (OSError, LookupError, ValueError):
            package = {}
        for entry in package.get("sources", []) or []:
            sid = entry.get("id") or entry.get("name")
            if sid:
                package_sources[str(sid)] = entry
    out = {}
    for sid in ids:
        citation = None
        if datasets is not None and hasattr(datasets, "cite") and sid.strip():
            try:
                citation = datasets.cite(sid, style="text")
            except (LookupError, ValueError):
                citation = None
        entry = package_sources.get(sid, {})
        citation = citation or entry.get("citation")
        out[sid] = {"citation": citation, "license": _licence_text(entry),
                    "url": entry.get("path") or entry.get("url")}
    return out


def _licence_text(entry: dict) -> str | None:
    lic = entry.get("license") or entry.get("licenses") or entry.get("licence")
    if lic is None:
        return None
    if isinstance(lic, str):
        return lic
    if isinstance(lic, Mapping):
        lic = [lic]
    parts = []
    for item in lic:
        if isinstance(item, Mapping):
            text = item.get("title") or item.get("name") or ""
            if item.get("path"):
                text = f"{text} ({item['path']})" if text else item["path"]
            parts.append(text)
        else:
            parts.append(str(item))
    return "; ".join(p for p in parts if p) or None


def _write_sources(ws, named, data_sheets, styles: _Styles) -> None:
    ids = _source_ids(named)
    resolved = _resolve_sources(ids)
    sheets_of: dict[str, list[str]] = {}
    for d in data_sheets:
        for sid in d["sources"]:
            sheets_of.setdefault(sid, []).append(d["sheet"])
    _put(ws.cell(row=1, column=1), "Sources")
    ws.cell(row=1, column=1).font = styles.title
    _put(ws.cell(row=2, column=1), "Every source id used in this workbook, with its full "
         "citation and licence. Cite the original sources, not this file.")
    ws.cell(row=2, column=1).font = styles.small
    headers = ("Source id", "Citation", "Licence", "URL", "Used for", "Note")
    for j, text in enumerate(headers, start=1):
        cell = ws.cell(row=4, column=j)
        _put(cell, text)
        cell.font = styles.bold
        cell.fill = styles.header_fill
    for i, (sid, cols) in enumerate(ids.items(), start=5):
        info = resolved[sid]
        used_for = ", ".join(sheets_of.get(sid, []))
        extra = sorted(c for c in cols if c != "source")
        if extra:
            used_for = "; ".join(p for p in (used_for, "as " + ", ".join(extra)) if p)
        note = None
        if info["citation"] is None:
            note = ("Not a source shipped with defbudget, so no citation is on file: add its "
                    "publisher, title, URL, date and licence here.")
        row = (sid, info["citation"] or sid, info["license"] or "not recorded", info["url"],
               used_for, note)
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j)
            _put(cell, value)
            cell.alignment = styles.wrap
        url = info["url"]
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            ws.cell(row=i, column=4).hyperlink = url
            ws.cell(row=i, column=4).font = styles.link
    for letter, width in zip("ABCDEF", (24, 70, 22, 40, 28, 40), strict=True):
        ws.column_dimensions[letter].width = width
    _fit_wrapped_rows(ws)
    ws.freeze_panes = "A5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0


def _display_len(text: str) -> int:
    """Width of *text* in Latin characters: CJK (wide) characters count twice."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit_wrapped_rows(ws) -> None:
    """Set row heights for wrapped text: LibreOffice does not grow rows from xlsx itself."""
    from openpyxl.utils import get_column_letter

    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                width = ws.column_dimensions[get_column_letter(cell.column)].width or 8.43
                per_line = max(1.0, width * 1.2)
                lines = max(lines, sum(max(1, math.ceil(_display_len(part) / per_line))
                                       for part in cell.value.split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 15 * lines


def _write_notes(ws, named, data_sheets, notes: list[str], styles: _Styles) -> None:
    r = 1

    def line(text, font=None):
        nonlocal r
        cell = ws.cell(row=r, column=1)
        _put(cell, text)
        if font is not None:
            cell.font = font
        r += 1

    def table(headers, rows):
        nonlocal r
        for j, text in enumerate(headers, start=1):
            cell = ws.cell(row=r, column=j)
            _put(cell, text)
            cell.font = styles.bold
            cell.fill = styles.header_fill
        r += 1
        for row in rows:
            for j, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=j)
                _put(cell, value)
                cell.alignment = styles.wrap
            r += 1

    line("Notes", styles.title)
    for text in notes:
        line(text)
    if notes:
        r += 1
    line("How the numbers are stored", styles.bold)
    line("Every cell holds the value in whole units (yen, US dollars, ratios), exactly as in "
         "the tidy frame; the number format only changes how it is shown (¥ bn = billions "
         "of yen, % = ratio × 100). Formulas on these cells use the true values. Blank cells "
         "have no figure.")
    r += 1

    line("Series on each data sheet", styles.bold)
    table(("Sheet", "Measure", "Period convention", "Unit shown", "Prices"),
          [(d["sheet"], d["series"]["measure"], d["period_text"], d["unit_label"],
            _price_text(d["series"]["price_basis"], d["series"]["base_year"]))
           for d in data_sheets])
    r += 1

    line("Conversion basis (exchange rates and price deflators)", styles.bold)
    conv_cols = ("fx_from", "fx_basis", "fx_source", "deflator", "deflator_source")
    rows = []
    for d in data_sheets:
        frame = named[d["frame"]]
        sub = frame.loc[_series_mask(frame, tuple(d["series"].values()))]
        present = [c for c in (*conv_cols, "fx_rate") if c in sub.columns]
        if not present or sub[present].isna().all().all():
            continue
        combos = sub[[c for c in conv_cols if c in sub.columns]].drop_duplicates()
        for combo in combos.itertuples(index=False):
            combo = combo._asdict()
            rate = ""
            if "fx_rate" in sub.columns:
                m = np.ones(len(sub), dtype=bool)
                for c, v in combo.items():
                    m &= (sub[c].isna() if _is_missing(v) else sub[c] == v).to_numpy(bool)
                rates = sub.loc[m, "fx_rate"].dropna()
                if len(rates):
                    rate = _rate_text(float(rates.min()), float(rates.max()),
                                      combo.get("fx_from"), sub["unit"].iloc[0])
            by = d["series"]["base_year"]
            rows.append((d["sheet"], *(None if _is_missing(combo.get(c)) else combo.get(c)
                                      for c in conv_cols), rate,
                         None if by is None else int(by)))
    if rows:
        table(("Sheet", "Converted from", "FX basis", "FX source", "Deflator",
               "Deflator source",
               "FX rate (as quoted: local currency per US$)",
               "Price base year"), rows)
    else:
        line("No currency conversion or deflation: every value is as published, in the "
             "source's own currency and prices.")
    r += 1

    line("Flags and budget stages", styles.bold)
    line("How flagged values look on the data sheets (the key is also on each sheet):")
    key_row = r
    for j, (cat, text) in enumerate(_Styles.KEY, start=1):
        cell = ws.cell(row=key_row, column=j)
        _put(cell, text)
        styles.apply(cell, cat)
    r += 2
    used_flags = set()
    used_stages = set()
    for frame in named.values():
        for f in frame["flag"].dropna():
            used_flags.update(x.strip() for x in str(f).split(","))
        used_stages.update(str(s) for s in frame["stage"].dropna())
    flag_rows = [("flag", code, FLAG_MEANINGS.get(code, "Flag set by the source."),
                  "yes" if code in used_flags else "no") for code in
                 [*FLAG_MEANINGS, *sorted(used_flags - set(FLAG_MEANINGS))]]
    stage_rows = [("stage", code, STAGE_MEANINGS.get(code, "Stage set by the source."),
                   "yes" if code in used_stages else "no") for code in
                  [*STAGE_MEANINGS, *sorted(used_stages - set(STAGE_MEANINGS))]]
    table(("Kind", "Code", "Meaning", "Used here"), flag_rows + stage_rows)
    r += 1
    line("Reading the data back", styles.bold)
    line(f"The hidden sheets {TIDY_SHEET!r} and {META_SHEET!r} hold the long (tidy) table "
         "and its column types: defbudget.read_excel_export(path) returns exactly the frame "
         "that was written.")
    for letter, width in zip("ABCDEFGH", (26, 36, 70, 18, 18, 18, 30, 14), strict=True):
        ws.column_dimensions[letter].width = width
    _fit_wrapped_rows(ws)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0

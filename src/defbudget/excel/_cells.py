"""Cell values: text escaping, missing values, and safe writes into XlsxWriter sheets.

Every text goes through :func:`put` (or the tidy codec in :mod:`._tidy`) and so is written with
``write_string``: a country name or note starting with ``=``, ``+``, ``-``, ``@``, tab or CR
is text (with Excel's quote prefix on the visible sheets), never a formula.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

#: Leading characters that make Excel (or a CSV reader) evaluate a cell as a formula.
_RISKY_LEADING = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL_TEXT = 32_767

# Excel's escape for characters XML 1.0 cannot hold (ST_Xstring): _xHHHH_. "\r" is escaped
# too, because XML parsers turn it into "\n". A literal "_xHHHH_" is protected as "_x005F_xHHHH_".
# Format-1 exports store text this way (read by ._legacy); display text uses it for charts.
_LITERAL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")
_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_text(text: str) -> str:
    """Make *text* storable in xlsx XML exactly (Excel's ``_xHHHH_`` convention)."""
    text = _LITERAL_ESCAPE.sub("_x005F_", text)
    return _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _unescape_text(text: str) -> str:
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def display_text(text: str) -> str:
    """Text for a visible cell: XlsxWriter escapes control characters itself, but a lone
    surrogate cannot be written as UTF-8 at all, so it shows as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def plain_text(text: str) -> str:
    """Text for chart titles, series names and comments: every character XML cannot hold
    shows as U+FFFD, and a leading '=' (XlsxWriter's mark of a cell reference) gets a space."""
    text = _ILLEGAL_XML.sub("\ufffd", text)
    return " " + text if text.startswith("=") else text


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def _na_name(value: Any) -> str:
    if value is None:
        return "None"
    if value is pd.NA:
        return "NA"
    if value is pd.NaT:
        return "NaT"
    return "nan"


class Formats:
    """XlsxWriter formats made once per distinct set of properties (a workbook holds at
    most 64,000), so that cells share them."""

    def __init__(self, workbook: Any):
        self._workbook = workbook
        self._made: dict[tuple, Any] = {}

    def __call__(self, **props: Any) -> Any:
        if not props:
            return None
        key = tuple(sorted(props.items()))
        fmt = self._made.get(key)
        if fmt is None:
            fmt = self._made[key] = self._workbook.add_format(dict(props))
        return fmt


def put(ws: Any, row: int, col: int, value: Any, formats: Formats,
        **props: Any) -> None:
    """Write a display value (str, number, bool or missing) at 0-based (*row*, *col*).

    Text is always a string cell; text Excel would evaluate gets the quote prefix. A missing
    value with properties is a formatted blank; without, nothing is written.
    """
    if _is_missing(value):
        if props:
            ws.write_blank(row, col, None, formats(**props))
    elif isinstance(value, str):
        if value.startswith(_RISKY_LEADING):
            props = {**props, "quote_prefix": True}
        ws.write_string(row, col, display_text(value), formats(**props))
    elif isinstance(value, (bool, np.bool_)):
        ws.write_boolean(row, col, bool(value), formats(**props))
    elif isinstance(value, (int, np.integer)) and abs(int(value)) <= 2**53:
        ws.write_number(row, col, int(value), formats(**props))
    elif isinstance(value, (float, np.floating)) and math.isfinite(value):
        ws.write_number(row, col, float(value), formats(**props))
    elif isinstance(value, (float, np.floating)):
        ws.write_string(row, col, "inf" if value > 0 else "-inf", formats(**props))
    else:
        put(ws, row, col, str(value), formats, **props)

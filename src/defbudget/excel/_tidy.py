"""The hidden ``_tidy`` sheets: a tidy frame's cells, written streamed, read by calamine.

Format 3 (this module and :mod:`._keys`) stores, for each frame, a header row and one row per
observation; ``_meta`` records each column's dtype (see :func:`column_spec`). The frame's
repetitive columns (text, ints, bools; in a SIPRI frame all but ``year`` and ``value``) are
not repeated per row: the first column, headed ``key (table in _meta)``, holds each row's
number in the table of their distinct combinations that ``_meta`` records once (``coded``
and ``table``, see :mod:`._keys`). A user who unhides the sheet sees that key column and one
column per remaining column; the text itself is in the visible data sheets. The other
columns' values:

* numbers are number cells holding the shortest exact repr (``0.30000000000000004``);
  integers beyond 2**53, which a double cannot hold, and ``inf``/``-inf``/``nan`` (where a
  column keeps NaN apart from NA) are text cells, cast back by the column's dtype;
* text is a text cell. Text Excel's XML cannot hold as it is (control characters, lone
  surrogates, U+FFFE/U+FFFF, a literal ``_xHHHH_``), the empty string, and text starting
  with ``"`` are stored as a JSON string literal (``"a\\r\\nb"``, underscores as ``\\u005f``),
  which starts with ``"`` and is decoded as JSON on reading;
* a missing value is no cell (an empty text cell in the last row, so that the sheet's extent
  is always the frame's);
* an ``object`` column remembers which of its numbers were ints (``int_rows``).

Format 2 (one column per frame column, no key) is read by the same code with no column
coded; format 1 by :mod:`._legacy`. Format 3 exists for speed: calamine's parse of the
SIPRI frame's 1.74 million cells (88 MB of XML) took 2.3 s of a 3.6 s read-back; its 238,000
cells now take a tenth of a second (``benchmarks/excel_export.py``).

Why a streamed writer and not XlsxWriter for these sheets: the issue asks for XlsxWriter in
``constant_memory`` mode unless a side-by-side benchmark shows it cannot meet the speed goal
(export at least 2x faster than the first writer). XlsxWriter's ``write_*`` calls cost about
3.6 microseconds a cell on the benchmark machine: in format 2 the SIPRI frame's cells alone
took longer than the goal allowed. Format 3 has a seventh of the cells, but the
benchmark's 1,000,000-row frame still has 3 million: 10.1 s through XlsxWriter's
``write_*`` calls against 1.6 s streamed here (one run, 2 CPUs, load ~2.5;
``benchmarks/excel_export.py`` prints XlsxWriter's time for the SIPRI cells side by side),
and the cell encoding above (JSON literals, big ints as text) must be exactly this one.
XlsxWriter writes every visible sheet and ``_meta``; it leaves an empty hidden placeholder
for each ``_tidy`` sheet, which :mod:`._save` replaces in the zip with the XML of this
module, streamed in chunks of rows and escaped with :func:`xml.sax.saxutils.escape`, so
memory stays bounded.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from defbudget.errors import DataError
from defbudget.excel._cells import _MAX_CELL_TEXT, _is_missing, _na_name
from defbudget.excel._keys import KEY_HEADER
from defbudget.readers._common import SourceFormatError

FORMAT_VERSION = 3
_CHUNK_ROWS = 20_000
_NEEDS_JSON = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_MEMO_LIMIT = 20_000
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAX_EXACT_INT = 2**53


def column_letter(index: int) -> str:
    """Excel column letters of 0-based *index* (0 -> 'A', 26 -> 'AA')."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------------------------
# Column specs (recorded in _meta)
# --------------------------------------------------------------------------------------------

def column_spec(name: str, series: pd.Series, label: str) -> dict[str, Any]:
    """How column *name* is stored and cast back; refuses what cannot round-trip."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        na = "NA" if dtype.na_value is pd.NA else "nan"
        return {"name": name, "kind": "string", "storage": dtype.storage, "na": na}
    if isinstance(dtype, (pd.BooleanDtype, pd.core.arrays.integer.IntegerDtype,
                          pd.core.arrays.floating.FloatingDtype)):
        return {"name": name, "kind": "masked", "dtype": dtype.name}
    if not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        kind = {"b": "bool", "i": "int", "u": "int", "f": "float"}.get(dtype.kind)
        if kind == "bool":
            return {"name": name, "kind": "bool"}
        if kind is not None:
            return {"name": name, "kind": kind, "dtype": dtype.name}
        if dtype.kind == "O":
            return _object_spec(name, series, label)
    raise TypeError(f"{label}, column {name!r} has dtype {dtype}, which to_excel cannot store "
                    "exactly (supported: str/string, object of str/numbers, int, float, bool "
                    f"and their nullable versions). Convert it, e.g. frame[{name!r}].astype(str),"
                    " or drop it.")


def _object_spec(name: str, series: pd.Series, label: str) -> dict[str, Any]:
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
            raise DataError(
                f"{label}, column {name!r}, row {pos}: infinite value in an object column "
                "cannot be stored exactly. Cast the column to float, or replace it.")
    return {"name": name, "kind": "object", "na": sorted(na_kinds)[0] if na_kinds else "None"}


# --------------------------------------------------------------------------------------------
# Writing: cell XML, column by column, a chunk of rows at a time
# --------------------------------------------------------------------------------------------

def _text_body(text: str, memo: dict[str, str], where: str) -> str:
    """The part of a text cell after its reference (memoised: tidy columns repeat)."""
    stored = text
    if text == "" or text.startswith('"') or _NEEDS_JSON.search(text):
        stored = json.dumps(text, ensure_ascii=True).replace("_", "\\u005f")
    if len(stored) > _MAX_CELL_TEXT:
        raise DataError(f"{where}: text of {len(text):,} characters is longer than an "
                        f"Excel cell holds ({_MAX_CELL_TEXT:,} once stored). Shorten or "
                        "split it.")
    stored = escape(stored)
    space = ' xml:space="preserve"' if stored[:1].isspace() or stored[-1:].isspace() else ""
    body = f' t="inlineStr"><is><t{space}>{stored}</t></is></c>'
    if len(memo) < _MEMO_LIMIT:
        memo[text] = body
    return body


def check_texts(values: list, where: str) -> None:
    """Refuse, as a cell would, a text of a key table longer than an Excel cell holds (the
    data sheets show it in a cell, and a later export may store it as one)."""
    for pos, value in enumerate(values):
        if isinstance(value, str) and len(value) * 6 + 2 > _MAX_CELL_TEXT:
            _text_body(value, {}, f"{where}, key table entry {pos}")


def _text_cell(ref: str, text: str, memo: dict[str, str], where: str) -> str:
    body = memo.get(text)
    if body is None:
        body = _text_body(text, memo, where)
    return f'<c r="{ref}"{body}'


def _number_cell(ref: str, value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, np.integer)):
        value = int(value)
        if abs(value) > _MAX_EXACT_INT:
            return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        return f'<c r="{ref}"><v>{value}</v></c>'
    value = float(value)
    if math.isfinite(value):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'  # inf, -inf, nan


_EMPTY = ' t="inlineStr"><is><t></t></is></c>'


def _column_values(series: pd.Series, spec: dict) -> list:
    """Python values of a column, with None for every missing value; NaN kept apart from NA
    in nullable float columns (written as the text 'nan')."""
    kind = spec["kind"]
    if kind in ("float", "int", "bool"):
        values = series.to_numpy().tolist()
        return [None if v != v else v for v in values] if kind == "float" else values
    if kind == "masked":
        values = series.array.to_numpy(dtype=object, na_value=None).tolist()
        if spec["dtype"].startswith("Float"):
            values = [v if v is None or v == v else math.nan for v in values]
        return values
    missing = series.isna().to_numpy(dtype=bool).tolist()
    return [None if m else v for v, m in zip(series.tolist(), missing, strict=True)]


def _chunk_cells(values: list, letter: str, first: int, last_row: int, memo: dict,
                 where: str) -> list[str]:
    """Cell XML of one column for sheet rows *first*... (1-based); '' where no cell.

    The common cases (text seen before, a finite float, an int a double holds) are inline:
    this loop runs once per cell of the frame.
    """
    out: list[str] = []
    append = out.append
    for row, value in enumerate(values, start=first):
        cls = value.__class__
        if value is None:
            append(f'<c r="{letter}{row}"{_EMPTY}' if row == last_row else "")
        elif cls is str:
            body = memo.get(value)
            if body is None:
                body = _text_body(value, memo, f"{where}, column {letter}, row {row}")
            append(f'<c r="{letter}{row}"{body}')
        elif cls is float and value - value == 0.0:
            append(f'<c r="{letter}{row}"><v>{value!r}</v></c>')
        elif cls is int and -_MAX_EXACT_INT <= value <= _MAX_EXACT_INT:
            append(f'<c r="{letter}{row}"><v>{value}</v></c>')
        elif isinstance(value, str):  # a str subclass (numpy.str_) in an object column
            append(_text_cell(f"{letter}{row}", str(value), memo,
                              f"{where}, column {letter}, row {row}"))
        else:
            append(_number_cell(f"{letter}{row}", value))
    return out


def sheet_xml(frame: pd.DataFrame, specs: list[dict], label: str,
              keys: np.ndarray | None = None) -> Iterator[bytes]:
    """The XML of one hidden tidy sheet, in chunks of rows (UTF-8 bytes).

    *specs* are the columns stored as cells (in frame order); with *keys* (format 3, see
    :mod:`._keys`), a first column holds each row's key into the table in ``_meta``.
    """
    positions = [frame.columns.get_loc(spec["name"]) for spec in specs]
    names = [spec["name"] for spec in specs]
    if keys is not None:
        names.insert(0, KEY_HEADER)
    letters = [column_letter(j) for j in range(len(names))]
    nrows = len(frame)
    last_row = nrows + 1
    last = f"{letters[-1]}{last_row}" if letters else "A1"
    yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}"><dimension ref="A1:{last}"/>'
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
           'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/><sheetData>').encode()
    memos: list[dict[str, str]] = [{} for _ in names]
    header = [_text_cell(f"{col}1", name, {}, f"{label}, column names")
              for col, name in zip(letters, names, strict=True)]
    if header:
        yield f'<row r="1">{"".join(header)}</row>'.encode()
    shift = 0 if keys is None else 1
    for lo in range(0, nrows, _CHUNK_ROWS):
        hi = min(nrows, lo + _CHUNK_ROWS)
        part = frame.iloc[lo:hi]
        columns = []
        if keys is not None:
            columns.append(_chunk_cells(keys[lo:hi].tolist(), letters[0], lo + 2, last_row,
                                        memos[0], f"{label}, keys"))
        for j, (pos, spec) in enumerate(zip(positions, specs, strict=True), start=shift):
            values = _column_values(part.iloc[:, pos], spec)
            columns.append(_chunk_cells(values, letters[j], lo + 2, last_row, memos[j],
                                        f"{label}, column {spec['name']!r}"))
        pieces = []
        for r, cells in enumerate(zip(*columns, strict=True), start=lo + 2):
            body = "".join(cells)
            if body:
                pieces.append(f'<row r="{r}">{body}</row>')
        yield "".join(pieces).encode("utf-8")
    yield (b'</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" '
           b'header="0.5" footer="0.5"/></worksheet>')


# --------------------------------------------------------------------------------------------
# Reading: calamine rows -> columns cast by the recorded dtypes
# --------------------------------------------------------------------------------------------

def _bad(where: str, name: str, pos: int, value: Any, expected: str) -> SourceFormatError:
    return SourceFormatError(f"{where}: column {name!r}, data row {pos + 1} holds {value!r}, "
                      f"expected {expected}. The hidden sheet was edited; export again.")


def _floats(raw: tuple, name: str, where: str, keep_nan_text: bool
            ) -> tuple[np.ndarray, np.ndarray]:
    """(values, missing mask) of a float column; text 'inf', '-inf', 'nan' and exact reprs."""
    mask = np.fromiter((v == "" for v in raw), dtype=bool, count=len(raw))
    try:
        data = np.array([math.nan if m else v for v, m in zip(raw, mask.tolist(),
                                                             strict=True)], dtype=np.float64)
    except (TypeError, ValueError):
        for pos, v in enumerate(raw):
            if not (v == "" or _is_number(v)):
                raise _bad(where, name, pos, v, "a number") from None
        raise
    if any(isinstance(v, bool) for v in raw):
        pos = next(i for i, v in enumerate(raw) if isinstance(v, bool))
        raise _bad(where, name, pos, raw[pos], "a number")
    if not keep_nan_text:
        mask |= np.isnan(data)
    return data, mask


def _is_number(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def _ints(raw: tuple, name: str, where: str) -> tuple[list[int | None], bool]:
    """Exact ints of an integer column (numbers up to 2**53, longer ones as text)."""
    out: list[int | None] = []
    missing = False
    for pos, v in enumerate(raw):
        if v == "":
            out.append(None)
            missing = True
        elif isinstance(v, float) and v.is_integer():
            out.append(int(v))
        elif isinstance(v, int) and not isinstance(v, bool):
            out.append(v)
        elif isinstance(v, str) and re.fullmatch(r"-?[0-9]+", v):
            out.append(int(v))
        else:
            raise _bad(where, name, pos, v, "an integer")
    return out, missing


def _bools(raw: tuple, name: str, where: str) -> tuple[list[bool | None], bool]:
    out: list[bool | None] = []
    for pos, v in enumerate(raw):
        if v == "":
            out.append(None)
        elif isinstance(v, bool):
            out.append(v)
        else:
            raise _bad(where, name, pos, v, "TRUE or FALSE")
    return out, None in out


def _text(v: Any) -> Any:
    if isinstance(v, str) and v.startswith('"'):
        return json.loads(v)
    return v


def decode_column(raw: tuple, spec: dict, where: str, int_rows: list[int] = ()  # type: ignore[assignment]
                  ) -> pd.Series:
    """One column of a tidy sheet (calamine values: '' for no cell), cast by its spec."""
    kind, name = spec["kind"], spec["name"]
    dtype = spec.get("dtype", "")
    if kind == "float" or (kind == "masked" and dtype.startswith("Float")):
        data, mask = _floats(raw, name, where, keep_nan_text=kind == "masked")
        if kind == "float":
            return pd.Series(data.astype(dtype), name=name)
        return pd.Series(pd.arrays.FloatingArray(data.astype(dtype.lower()), mask), name=name)
    if kind == "int" or (kind == "masked" and "Int" in dtype):
        ints, missing = _ints(raw, name, where)
        if kind == "int":
            if missing:
                raise _bad(where, name, ints.index(None), None,
                           "an integer (the column has no missing values)")
            return pd.Series(np.array(ints, dtype=dtype), name=name)
        return pd.Series(pd.array(ints, dtype=dtype), name=name)
    if kind in ("bool", "masked"):
        flags, missing = _bools(raw, name, where)
        if kind == "bool":
            if missing:
                raise _bad(where, name, flags.index(None), None,
                           "TRUE or FALSE (no missing values)")
            return pd.Series(np.array(flags, dtype=bool), name=name)
        return pd.Series(pd.array(flags, dtype="boolean"), name=name)
    if kind == "string":
        # Few distinct texts in a tidy column: decode each once, then look them up.
        memo = {v: None if v == "" else str(_text(v)) if isinstance(v, str) else _number_text(v)
                for v in set(raw)}
        values = list(map(memo.__getitem__, raw))
        na_value = pd.NA if spec["na"] == "NA" else np.nan
        return pd.Series(values, dtype=pd.StringDtype(storage=spec["storage"],
                                                      na_value=na_value), name=name)
    if kind == "object":
        return _object_column(raw, spec, name, int_rows)
    raise SourceFormatError(f"{where}: column {name!r} has unknown kind {kind!r} in _meta; it "
                            "was written by a newer defbudget. Upgrade defbudget.")


def _number_text(v: Any) -> str:
    """A number Calc or Excel made of text that looked like one ('1' typed in a text column)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _object_column(raw: tuple, spec: dict, name: str, int_rows: list[int]) -> pd.Series:
    na = {"None": None, "NA": pd.NA, "NaT": pd.NaT, "nan": np.nan}[spec["na"]]
    values = [na if v == "" else _text(v) for v in raw]
    for pos in int_rows:
        values[pos] = int(values[pos])
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return pd.Series(arr, dtype=object, name=name)  # no inference of a str dtype

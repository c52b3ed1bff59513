"""The workbook as a whole: arguments checked, sheets planned and written in order, ``_meta``.

XlsxWriter runs in ``constant_memory`` mode for big frames: each sheet's rows go to a temp
file as they are written, so memory does not grow with the frame. Frames of at most
:data:`IN_MEMORY_ROWS` rows are written in memory instead, with no temp file per sheet.
Sheets are added in their final order
(Contents, data sheets, Sources, Notes, the hidden ``_tidy`` placeholders and ``_meta``) and
each is written top to bottom; Contents, added first, is filled in last.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from defbudget import schema
from defbudget.errors import DataError
from defbudget.excel import _keys, _tidy
from defbudget.excel._cells import Formats
from defbudget.excel._data_sheets import plan_sheet, write_data_sheet
from defbudget.excel._front import (
    CONTENTS_SHEET,
    META_SHEET,
    NOTES_SHEET,
    SOURCES_SHEET,
    TIDY_SHEET,
    write_contents,
    write_notes,
    write_sources,
)
from defbudget.excel._labels import (
    SERIES_COLUMNS,
    _sheet_name,
    _wanted_name,
    series_groups,
)
from defbudget.excel._save import Streams

#: Identifies a workbook written by :func:`to_excel` (first cell of the ``_meta`` sheet).
FORMAT_NAME = "defbudget-excel-export"
FORMAT_VERSION = _tidy.FORMAT_VERSION
#: Rows a worksheet can hold (Excel 2007 and later), header included.
EXCEL_MAX_ROWS = 1_048_576
_META_CHUNK = 30_000
#: Frames up to this many rows in all are written by XlsxWriter in memory (the visible
#: sheets of 250,000 values take ~100 MB there); larger ones in ``constant_memory`` mode.
IN_MEMORY_ROWS = 250_000


def check_row_limit(frames: Any) -> None:
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


def normalise_frames(frames: Any) -> tuple[dict[str, pd.DataFrame], str]:
    """``({name: frame}, "frame" | "dict")``, each frame checked against the tidy contract."""
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


def normalise_notes(notes: Any) -> list[str]:
    if notes is None:
        return []
    if isinstance(notes, str):
        return [notes]
    if isinstance(notes, Sequence) and all(isinstance(n, str) for n in notes):
        return list(notes)
    raise TypeError(f"notes must be a string or a list of strings; got {notes!r}.")


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return str(value)


def _int_rows(series: pd.Series) -> list[int]:
    """Positions of the ints in an object column (calamine gives every number as a float)."""
    return [i for i, v in enumerate(series.tolist())
            if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))]


def tidy_meta(named: dict[str, pd.DataFrame], kind: str
              ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """What ``_meta`` records of each frame (its sheet, size, column specs, coded columns and
    key table), and each frame's row keys (:mod:`._keys`), by frame name."""
    out = []
    keys = {}
    for i, (key, frame) in enumerate(named.items(), start=1):
        label = "frame" if kind == "frame" else f"frames[{key!r}]"
        specs = [_tidy.column_spec(c, frame[c], label) for c in frame.columns]
        int_rows = {s["name"]: rows for s in specs if s["kind"] == "object"
                    if (rows := _int_rows(frame[s["name"]]))}
        coded, keys[key], table = _keys.plan(frame, specs)
        for name, values in zip(coded, table, strict=True):
            _tidy.check_texts(values, f"{label}, column {name!r}")
        out.append({"key": key, "sheet": TIDY_SHEET if i == 1 else f"{TIDY_SHEET}{i}",
                    "nrows": len(frame), "ncols": len(specs), "columns": specs,
                    "int_rows": int_rows, "coded": coded, "table": table})
    return out, keys


def _write_meta(ws: Any, meta: dict) -> None:
    from defbudget._version import __version__

    rows: list[tuple[str, Any]] = [
        ("format", FORMAT_NAME),
        ("format_version", FORMAT_VERSION),
        ("defbudget_version", __version__),
        ("pandas_version", pd.__version__),
        ("written", _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("about", "Read by defbudget.read_excel_export() to rebuild the exact tidy frames "
                  "from the _tidy sheets. Do not edit."),
    ]
    # ASCII JSON with no underscore, so that no text looks like Excel's _xHHHH_ escape.
    text = json.dumps(meta, ensure_ascii=True, separators=(",", ":"),
                      default=_json_default).replace("_", "\\u005f")
    rows += [("json", text[i:i + _META_CHUNK]) for i in range(0, len(text), _META_CHUNK)]
    for i, (key, value) in enumerate(rows):
        ws.write_string(i, 0, key)
        if isinstance(value, int):
            ws.write_number(i, 1, value)
        else:
            ws.write_string(i, 1, value)


def _write_data_sheets(workbook: Any, formats: Formats, named: dict[str, pd.DataFrame],
                       kind: str) -> list[dict]:
    used = {CONTENTS_SHEET.lower(), SOURCES_SHEET.lower(), NOTES_SHEET.lower()}
    data_sheets: list[dict] = []
    for key, frame in named.items():
        groups = series_groups(frame)
        varying = {col for i, col in enumerate(SERIES_COLUMNS)
                   if len({k[i] for k, _ in groups}) > 1}
        frame_key = key if kind == "dict" else None
        for skey, positions in groups:
            sub = frame.iloc[positions]
            name = _sheet_name(_wanted_name(frame_key, skey, varying), used)
            ws = workbook.add_worksheet(name)
            countries = list(dict.fromkeys(sub["country"]))
            who = countries[0] if len(countries) == 1 else f"{len(countries)} countries"
            info = write_data_sheet(workbook, ws, plan_sheet(sub, skey), formats, sheet=name,
                                    frame_key=frame_key, who=who)
            info.update(sheet=name, frame=key, positions=positions)
            data_sheets.append(info)
    return data_sheets


def build(path: Path, named: dict[str, pd.DataFrame], *, kind: str, title: str | None,
          notes: list[str]) -> Streams:
    """Write the workbook to *path* with XlsxWriter; return the tidy sheets to stream in."""
    import xlsxwriter

    from defbudget._version import __version__

    tidy, keys = tidy_meta(named, kind)  # refuses unstorable columns before anything is written
    # In memory up to IN_MEMORY_ROWS: no temp file per sheet (a SIPRI export has 300 sheets,
    # and temp files cost more than the cells on a busy /tmp); beyond, constant memory.
    small = sum(len(f) for f in named.values()) <= IN_MEMORY_ROWS
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True} if small
                                   else {"constant_memory": True})
    try:
        formats = Formats(workbook)
        contents = workbook.add_worksheet(CONTENTS_SHEET)
        data_sheets = _write_data_sheets(workbook, formats, named, kind)
        write_sources(workbook.add_worksheet(SOURCES_SHEET), formats, named, data_sheets)
        write_notes(workbook.add_worksheet(NOTES_SHEET), formats, named, data_sheets, notes)
        for spec in tidy:
            workbook.add_worksheet(spec["sheet"]).hide()  # placeholder, streamed in later
        meta_ws = workbook.add_worksheet(META_SHEET)
        meta_ws.hide()
        _write_meta(meta_ws, {"kind": kind, "frames": tidy, "data_sheets": [
            {"sheet": d["sheet"], "frame": d["frame"], "series": d["series"],
             "rows": d["rows"], "chart_rows": d["chart_rows"]} for d in data_sheets]})
        write_contents(contents, formats, title=title, kind=kind, data_sheets=data_sheets,
                       total=sum(len(f) for f in named.values()))
        contents.activate()
        workbook.set_properties({"title": title or "defbudget export",
                                 "author": f"defbudget {__version__}"})
    finally:
        _close(workbook)
    return {spec["sheet"]: _stream(named[spec["key"]], spec, kind, keys[spec["key"]])
            for spec in tidy}


def _close(workbook: Any) -> None:
    """Close (write) the workbook; XlsxWriter wraps OS errors (disk full) in its own class,
    which is unwrapped so that the caller names the destination the user chose."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        workbook.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, OSError):
            raise cause from exc
        raise OSError(f"cannot write the workbook: {exc}") from exc


def _stream(frame: pd.DataFrame, spec: dict, kind: str, keys: np.ndarray | None) -> Any:
    label = "frame" if kind == "frame" else f"frames[{spec['key']!r}]"
    cells = [c for c in spec["columns"] if c["name"] not in set(spec["coded"])]
    return lambda: _tidy.sheet_xml(frame, cells, label, keys)

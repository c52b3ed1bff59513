"""Reading exports of format 1 (the first writer's): its own expat parser of the ``_tidy`` sheets.

Format 1 stored text with Excel's ``_xHHHH_`` escape, including the escape of a literal
``_xHHHH_`` (``_x005F_xHHHH_``). calamine undoes one level of that escape itself, and not a
nested one, so format-1 text would not come back exactly through calamine; these files are
read as the first writer read them (openpyxl for ``_meta``, expat for the tidy sheets). The
archive has passed :mod:`._guard` first. Kept as it was; only format 1 uses it.
"""

from __future__ import annotations

import json
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from defbudget.excel._cells import _unescape_text
from defbudget.excel._guard import check_sheet
from defbudget.excel._guard import sheet_paths as _sheet_paths

META_SHEET = "_meta"
FORMAT_NAME = "defbudget-excel-export"
FORMAT_VERSION = 1

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_REF = re.compile(r"([A-Z]+)(\d+)")


def _sheet_cells(archive: zipfile.ZipFile, member: str, shared: list[str] | None  # noqa: C901
                 ) -> list[tuple[int, int, Any]]:
    """(row, column, value) of every non-empty cell of a worksheet (1-based).

    Why this is long: the expat callbacks share the parser's state through closures; it is
    the first writer's reader kept unchanged for format-1 files.

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


def _decode_column(raw: list, spec: dict, where: str) -> pd.Series:  # noqa: C901
    """One format-1 column cast by its spec (one branch per stored kind, as first written)."""
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

def read_v1(path: Path) -> dict:
    """``{"kind": ..., "frames": {key: frame}}`` of a format-1 export at *path*."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
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
            nrows = spec.get("nrows")
            if not (isinstance(nrows, int) and 0 <= nrows < 1_048_576):
                raise ValueError(f"{str(path)!r}: _meta records {nrows!r} rows for sheet "
                                 f"{spec['sheet']!r}, which no export holds. Export again.")
            check_sheet(archive, members[spec["sheet"]], nrows + 1, len(spec["columns"]),
                        exact=True, sheet=spec["sheet"])  # before any allocation sized by _meta
            where = f"{str(path)!r}, sheet {spec['sheet']!r}"
            frames[spec["key"]] = _read_tidy_sheet(archive, members[spec["sheet"]], shared,
                                                   spec, where)
    return {"kind": meta["kind"], "frames": frames}

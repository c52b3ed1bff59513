"""Reading an export back: guard the archive, read ``_meta``, then each tidy sheet (calamine).

Nothing from ``_meta`` sizes an allocation: each tidy sheet's cells are scanned first
(:mod:`._guard`) and must fit the rows and columns ``_meta`` records exactly, and calamine
then builds the grid of the cells that are really there.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from defbudget._xlsx import XlsxLimitError
from defbudget.excel import _guard, _tidy
from defbudget.excel._book import EXCEL_MAX_ROWS, FORMAT_NAME, FORMAT_VERSION
from defbudget.excel._front import META_SHEET
from defbudget.readers._common import SourceFormatError

_MAX_COLS = 16_384
_FIX = "Export the frames again with defbudget.to_excel."


def read_export(path: Path) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """The frame(s) of the export at *path* (see :func:`defbudget.excel.read_excel_export`)."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with zipfile.ZipFile(path) as archive:
            members = _members(archive, path)
            meta_rows = _meta_rows(archive, members, path)
            values = _meta_values(meta_rows, path)
            if values["format_version"] == 1:
                from defbudget.excel._legacy import read_v1

                result = read_v1(path)
                return _shape(result["kind"], result["frames"])
            meta = _meta_json(meta_rows, path)
            specs = _frame_specs(meta, members, path)
            for spec in specs:
                _guard.check_sheet(archive, members[spec["sheet"]], spec["nrows"] + 1,
                                   spec["ncols"], exact=True, sheet=spec["sheet"])
    except XlsxLimitError as exc:
        raise _refuse(path, f"{str(path)!r}: {exc}. The workbook is damaged or was edited: "
                         f"{_FIX[0].lower()}{_FIX[1:]}") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(path, f"{str(path)!r} is not a readable .xlsx workbook ({exc}). Pass a "
                         "workbook written by defbudget.to_excel.") from exc
    frames = {}
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        for spec in specs:
            rows = workbook.get_sheet_by_name(spec["sheet"]).to_python(skip_empty_area=False)
            where = f"{str(path)!r}, sheet {spec['sheet']!r}"
            frames[spec["key"]] = _frame(rows, spec, where)
    except CalamineError as exc:
        raise _refuse(path, f"{str(path)!r}: calamine cannot read a hidden sheet ({exc}). "
                         f"{_FIX}") from exc
    return _shape(meta["kind"], frames)


def _refuse(path: Path, message: str) -> SourceFormatError:
    """The kit's format error; *message* names the file already, ``path`` holds it too."""
    exc = SourceFormatError(message)
    exc.path = Path(path)
    return exc


def _shape(kind: str, frames: dict[str, pd.DataFrame]) -> Any:
    return next(iter(frames.values())) if kind == "frame" else frames


def _members(archive: zipfile.ZipFile, path: Path) -> dict[str, str]:
    _guard.check_sizes(archive)
    try:
        members = _guard.sheet_paths(archive)
    except KeyError as exc:
        raise _refuse(path, f"{str(path)!r} is not a readable .xlsx workbook (no {exc}). "
                                "Pass a workbook written by defbudget.to_excel.") from exc
    if META_SHEET not in members:
        raise _refuse(path,
            f"{str(path)!r} is not a workbook written by defbudget.to_excel: it has no "
            f"{META_SHEET!r} sheet (sheets: {list(members)}). Read other workbooks with "
            "pandas.read_excel, or SIPRI's with defbudget.read_sipri.")
    return members


def _meta_rows(archive: zipfile.ZipFile, members: dict[str, str], path: Path) -> list[list]:
    from python_calamine import CalamineError, CalamineWorkbook

    _guard.check_sheet(archive, members[META_SHEET], EXCEL_MAX_ROWS, 2, exact=False,
                       sheet=META_SHEET)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return workbook.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise _refuse(path, f"{str(path)!r}: the {META_SHEET!r} sheet cannot be read ({exc}). "
                         f"{_FIX}") from exc


def _meta_values(rows: list[list], path: Path) -> dict[str, Any]:
    values = {row[0]: row[1] for row in rows if len(row) > 1 and row[0] not in ("", "json")}
    if values.get("format") != FORMAT_NAME:
        raise _refuse(path, f"{str(path)!r}: the {META_SHEET!r} sheet is not a defbudget "
                                "export's (format marker missing). Export the frames again "
                                "with to_excel.")
    version = values.get("format_version")
    if not (isinstance(version, (int, float)) and float(version).is_integer()
            and 1 <= version <= FORMAT_VERSION):
        raise _refuse(path, f"{str(path)!r} was written in export format {version!r} by "
                         f"defbudget {values.get('defbudget_version')!r}; this defbudget reads"
                         f" formats 1 to {FORMAT_VERSION}. Upgrade defbudget.")
    values["format_version"] = int(version)
    return values


def _meta_json(rows: list[list], path: Path) -> dict:
    text = "".join(str(row[1]) for row in rows if len(row) > 1 and row[0] == "json")
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refuse(path, f"{str(path)!r}: the {META_SHEET!r} sheet is damaged ({exc}). "
                         f"{_FIX}") from exc
    if not isinstance(meta, dict) or meta.get("kind") not in ("frame", "dict") or not (
            isinstance(meta.get("frames"), list)):
        raise _refuse(path, f"{str(path)!r}: the {META_SHEET!r} sheet does not describe the "
                         f"frames (kind and frames missing). {_FIX}")
    return meta


def _frame_specs(meta: dict, members: dict[str, str], path: Path) -> list[dict]:
    """The frames' specs, each with sane sizes (ints within Excel's limits, one spec per
    column) and its sheet present."""
    for spec in meta["frames"]:
        sheet = spec.get("sheet") if isinstance(spec, dict) else None
        if sheet not in members:
            raise _refuse(path, f"{str(path)!r}: the hidden sheet {sheet!r} holding a frame is "
                             f"missing. {_FIX}")
        nrows, ncols, columns = spec.get("nrows"), spec.get("ncols"), spec.get("columns")
        if not (isinstance(nrows, int) and isinstance(ncols, int) and isinstance(columns, list)
                and 0 <= nrows < EXCEL_MAX_ROWS and 0 < ncols <= _MAX_COLS
                and len(columns) == ncols):
            raise _refuse(path,
                f"{str(path)!r}, sheet {sheet!r}: _meta records {nrows!r} rows x {ncols!r} "
                f"columns ({len(columns) if isinstance(columns, list) else 'no'} column specs)"
                f", which no export holds. The workbook was edited or damaged. {_FIX}")
    return meta["frames"]


def _frame(rows: list[list], spec: dict, where: str) -> pd.DataFrame:
    columns = spec["columns"]
    nrows, ncols = spec["nrows"], spec["ncols"]
    if len(rows) != nrows + 1 or any(len(r) != ncols for r in rows[:1]):
        raise SourceFormatError(f"{where}: the sheet holds {len(rows)} rows x "
                         f"{len(rows[0]) if rows else 0} columns, not the {nrows + 1} x {ncols}"
                         f" recorded in _meta. The hidden sheet was edited; {_FIX}")
    expected = [c["name"] for c in columns]
    names = [_tidy._text(v) for v in rows[0]]
    if names != expected:
        raise SourceFormatError(f"{where}: header row is {names!r}, expected {expected!r}. The "
                                f"hidden sheet was edited; {_FIX}")
    data = list(zip(*rows[1:], strict=True)) if nrows else [() for _ in columns]
    int_rows = spec.get("int_rows", {})
    series = [_tidy.decode_column(raw, col, where, int_rows.get(col["name"], ()))
              for raw, col in zip(data, columns, strict=True)]
    frame = pd.concat(series, axis=1) if series else pd.DataFrame(index=pd.RangeIndex(nrows))
    frame.columns = expected  # keep names exactly
    return frame

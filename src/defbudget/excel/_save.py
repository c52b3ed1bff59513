"""Where an export may go, and how it gets there: destination checks, then an atomic save.

The workbook is written to a temp file beside the destination (XlsxWriter), its hidden tidy
placeholders are replaced by the streamed tidy sheets (:mod:`._tidy`) while copying it to a
second temp file, and that file is moved into place with :func:`os.link` (never replacing a
file that appeared meanwhile) or, with ``overwrite=True``, :func:`os.replace`. A failure
never leaves a partial file or damages an old one.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from defbudget._atomic import named_os_error, new_file_mode, temp_beside

#: File names never written, even with ``overwrite=True``: these are inputs users download.
PROTECTED_NAME_PATTERNS = ("SIPRI-Milex-data-*",)
META_SHEET = "_meta"


def check_destination(path: Any, *, overwrite: bool) -> Path:
    """The destination as a Path, or a clear error: wrong type or suffix, a SIPRI download's
    name, a missing folder, a folder, or an existing file that may not be replaced."""
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
        if not is_export(path):
            raise FileExistsError(
                f"{str(path)!r} exists and is not a workbook written by defbudget.to_excel (it "
                f"has no {META_SHEET!r} sheet), so it may be an input file; refusing to replace"
                " it even with overwrite=True. Choose another path, or move the file away.")
    return path


def is_export(path: Path) -> bool:
    """True if *path* is an xlsx workbook with the ``_meta`` sheet of a defbudget export."""
    from defbudget._xlsx import XlsxLimitError
    from defbudget.excel._guard import sheet_paths

    try:
        with zipfile.ZipFile(path) as archive:
            return META_SHEET in sheet_paths(archive)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, XlsxLimitError):
        return False


#: Sheet name -> a function giving that sheet's XML in chunks.
Streams = Mapping[str, Callable[[], Iterable[bytes]]]


def _inject(source: Path, target: Path, streams: Streams) -> None:
    """Copy the xlsx *source* to *target*, the named placeholder sheets replaced by streams."""
    from defbudget.excel._guard import sheet_paths

    with zipfile.ZipFile(source) as src:
        where = sheet_paths(src)
        replace = {where[name]: make for name, make in streams.items()}
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as dst:
            for info in src.infolist():
                out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                out.compress_type = zipfile.ZIP_DEFLATED
                make = replace.get(info.filename)
                if make is None:
                    with src.open(info) as fin, dst.open(out, "w") as fout:
                        shutil.copyfileobj(fin, fout, 1 << 20)
                    continue
                with dst.open(out, "w", force_zip64=True) as fout:
                    for piece in make():
                        fout.write(piece)


def save_atomically(build: Callable[[Path], Streams], path: Path, *, overwrite: bool) -> None:
    """Run *build* (which writes the workbook to the temp path it is given and returns the
    tidy sheets to stream in), then move the result into place; clean up on any failure."""
    mode = new_file_mode(path)
    try:
        stage = temp_beside(path, ".tmp")  # unique names; removes debris of killed runs
        tmp = temp_beside(path, ".tmp")
    except OSError as exc:
        raise named_os_error(exc, path) from exc
    try:
        streams = build(stage)
        _inject(stage, tmp, streams)
        stage.unlink()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        _move_into_place(tmp, path, overwrite=overwrite)
    except FileExistsError:
        _remove(stage, tmp)
        raise
    except OSError as exc:  # disk full, permissions: name the file asked for, not the temp
        _remove(stage, tmp)
        raise named_os_error(exc, path) from exc
    except BaseException:
        _remove(stage, tmp)
        raise


def _remove(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink()


def _move_into_place(tmp: Path, path: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, path)
        return
    # link() never replaces an existing file, so a file created meanwhile survives.
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(f"{str(path)!r} already exists (it appeared while the workbook "
                              "was being written); pass overwrite=True to replace it, or "
                              "choose another path.") from None
    except OSError:  # file system without hard links
        if path.exists():
            raise FileExistsError(f"{str(path)!r} already exists; pass overwrite=True to "
                                  "replace it, or choose another path.") from None
        os.replace(tmp, path)
    else:
        tmp.unlink()

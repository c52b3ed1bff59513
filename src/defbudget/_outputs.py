"""Safe output files: formula-proof CSV text, and never replacing a file the kit did not write.

Every CSV the kit writes goes through :func:`write_csv`:

* a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
  written with a leading apostrophe (``'=cmd|...``), so a spreadsheet opening the CSV shows
  it as text instead of running it as a formula (the same cells are text in the kit's Excel
  files);
* an existing file is replaced only when ``replace=True`` *and* the file is one the kit
  wrote: its first line is the header the kit would write now. Anything else (an input CSV,
  a SIPRI workbook, a file of another tool) is refused, ``--force`` or not;
* the file is written to a unique temp file and moved into place (:mod:`defbudget._atomic`).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from defbudget._atomic import atomic_output

__all__ = ["RISKY_LEADING", "is_kit_file", "neutralise", "refuse_foreign", "write_csv",
           "write_text"]

#: Text starting with one of these is run as a formula by spreadsheet programs.
RISKY_LEADING = ("=", "+", "-", "@", "\t", "\r")

#: How much of an existing file is read to decide whether the kit wrote it.
_HEAD_BYTES = 1 << 16


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of *frame* whose text cells starting with ``= + - @``, tab or CR begin with
    an apostrophe (numbers and other cells are unchanged); column names are treated alike.

    >>> import pandas as pd
    >>> neutralise(pd.DataFrame({"a": ["=1+1", "ok", "-x"], "v": [-1.0, 2.0, 3.0]}))
          a    v
    0  '=1+1 -1.0
    1    ok  2.0
    2   '-x  3.0
    """
    def fix(v):
        return "'" + v if isinstance(v, str) and v.startswith(RISKY_LEADING) else v

    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype) or isinstance(
                s.dtype, pd.CategoricalDtype):
            values = s.astype(object)
            if values.map(lambda v: isinstance(v, str) and v.startswith(RISKY_LEADING)).any():
                out[col] = values.map(fix)
    out.columns = [fix(c) for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """*frame* as CSV text, neutralised (see :func:`neutralise`), without its index."""
    safe = neutralise(frame)
    # pandas quotes a field holding "\n" but not one holding a bare "\r", which spreadsheet
    # programs and csv readers take for a line break: quote every text field then.
    texts = [str(c) for c in safe.columns]
    has_cr = any("\r" in t for t in texts) or any(
        safe[c].astype(object).map(lambda v: isinstance(v, str) and "\r" in v).any()
        for c in safe.columns
        if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c].dtype))
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False,
                quoting=csv.QUOTE_NONNUMERIC if has_cr else csv.QUOTE_MINIMAL)
    return buffer.getvalue()


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(_HEAD_BYTES)


def is_kit_file(path: Path, first_line: str) -> bool:
    """True if *path* starts with *first_line* (the header or title the kit writes)."""
    try:
        head = _head(path)
    except OSError:
        return False
    line = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
    want = first_line.rstrip("\r\n")
    if line == want:
        return True
    try:  # the same fields, quoted differently
        return next(csv.reader([line])) == next(csv.reader([want]))
    except (csv.Error, StopIteration):
        return False


def refuse_foreign(path: Path, *, replace: bool, ours: Callable[[Path], bool], what: str,
                   option: str = "--force") -> None:
    """Raise unless writing *path* is safe: it does not exist, or *replace* is set and
    ``ours(path)`` says the kit wrote it."""
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a folder; give a file name for the {what}")
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or not ours(path):
        raise FileExistsError(
            f"{str(path)!r} exists and was not written by defbudget (it is not a {what} the "
            "kit wrote), so it may be an input or someone else's file; refusing to replace "
            f"it, {option} or not. Choose another name, or move the file away.")
    if not replace:
        raise FileExistsError(f"{str(path)!r} exists; pass {option} to replace it, or "
                              "choose another name")


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, *, replace: bool,
              option: str = "--force", what: str = "CSV file",
              ours: Callable[[Path], bool] | None = None) -> Path:
    """Write *frame* as a formula-safe CSV to *path* atomically; see the module notes.

    *ours* tells a file the kit wrote (default: its first line is the header written now).
    """
    path = Path(path)
    if not str(path).strip():
        raise ValueError("the output path is empty; give a file name such as out.csv")
    text = csv_text(frame)
    header = text.split("\n", 1)[0]
    refuse_foreign(path, replace=replace, ours=ours or (lambda p: is_kit_file(p, header)),
                   what=what, option=option)
    with atomic_output(path, suffix=".csv") as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    return path


def write_text(text: str, path: str | os.PathLike, *, replace: bool, what: str,
               option: str = "--force") -> Path:
    """Write *text* (UTF-8) to *path* atomically; an existing file is replaced only when
    *replace* is set and its first line equals *text*'s first line."""
    path = Path(path)
    first = text.split("\n", 1)[0]
    refuse_foreign(path, replace=replace, ours=lambda p: is_kit_file(p, first), what=what,
                   option=option)
    with atomic_output(path, suffix=path.suffix or ".tmp") as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path

"""A small content-addressed cache for parsed source files.

Keys are the SHA-256 of the input file's bytes plus the reader's options and version, so an
edited or replaced file is never served stale, and the same workbook under another name is a
hit. Two layers:

* in memory, per session (at most :data:`MAX_ENTRIES` results, least recently used dropped);
* optionally on disk, in a directory given by the caller or by the ``DEFBUDGET_CACHE_DIR``
  environment variable: one file per frame (``<key>.npz``, written atomically): numeric
  columns as NumPy arrays, text and nullable columns as JSON, read back with
  ``allow_pickle=False``. That format holds data only, so a planted cache file cannot run
  code (no pickle is ever loaded). A cache file (or folder) not owned by you, or writable
  by others, is ignored with a :class:`CacheWarning` saying so; a damaged one is a miss.
  What comes back from disk is a DataFrame (or the ``(frame, info)`` pair that was
  stored) or nothing.

Stored frames are never handed out: :func:`get` returns a deep copy, so callers cannot
corrupt the cache by modifying what they received.
"""

from __future__ import annotations

import contextlib
import copy as _copy_module
import hashlib
import json
import os
import tempfile
import threading
import warnings
from collections import OrderedDict
from os import PathLike
from pathlib import Path
from typing import Any

from defbudget.errors import DefbudgetWarning, find_stack_level

__all__ = ["MAX_ENTRIES", "CacheWarning", "cache_dir", "clear", "file_digest", "get", "put"]



class CacheWarning(DefbudgetWarning):
    """A cache file was ignored (not yours, or writable by others); the message says which."""

#: How many parsed results the in-memory layer keeps.
MAX_ENTRIES = 8
_LOCK = threading.Lock()
_MEMORY: OrderedDict[str, object] = OrderedDict()


def file_digest(path: str | PathLike) -> str:
    """SHA-256 hex digest of a file's bytes (read in 1 MiB blocks).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.bin")
    >>> _ = open(p, "wb").write(b"abc")
    >>> file_digest(p)[:16]
    'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cache_dir(explicit: str | PathLike | None = None) -> Path | None:
    """The on-disk cache directory: *explicit*, else ``$DEFBUDGET_CACHE_DIR``, else None."""
    value = explicit if explicit is not None else os.environ.get("DEFBUDGET_CACHE_DIR")
    return Path(value) if value else None


def _copy(value):
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, type(None))):
        return value
    copy = getattr(value, "copy", None)
    if callable(copy):
        try:
            return copy(deep=True)
        except TypeError:
            return copy()
    return _copy_module.deepcopy(value)


def _trusted(path: Path) -> bool:
    """True if *path* is owned by this user and not writable by group or others; else warn."""
    try:
        st = path.stat()
    except OSError:
        return False
    problems = []
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        problems.append(f"owned by user id {st.st_uid}, not you")
    if st.st_mode & 0o022:
        problems.append("writable by others")
    if problems:
        warnings.warn(f"ignoring the cache file {str(path)!r}: {' and '.join(problems)}, so "
                      "it may have been planted; the workbook is read again. Delete the file, "
                      "or point DEFBUDGET_CACHE_DIR at a folder only you can write to.",
                      CacheWarning, stacklevel=find_stack_level())
        return False
    return True


def _disk_path(directory: Path, key: str) -> Path:
    return directory / f"{key}.npz"


#: Dtypes rebuilt from JSON lists (anything else is not cached on disk).
_JSON_DTYPES = {"str", "string", "object", "Int64", "Int32", "Float64", "boolean"}


def _pack(frame) -> tuple[dict, dict] | None:
    """(arrays, description) of *frame* for :func:`numpy.savez`, or None if a column holds
    something that is not plain data."""
    import numpy as np
    import pandas as pd

    if not isinstance(frame.index, pd.RangeIndex):
        return None
    arrays: dict[str, Any] = {}
    columns: list[dict[str, Any]] = []
    for i, name in enumerate(frame.columns):
        if not isinstance(name, str):
            return None
        s = frame[name]
        dtype = str(s.dtype)
        if isinstance(s.dtype, np.dtype) and s.dtype.kind in "biuf":
            arrays[f"c{i}"] = s.to_numpy()
            columns.append({"name": name, "dtype": dtype, "store": "npy"})
            continue
        if dtype not in _JSON_DTYPES:
            return None
        values = [None if pd.isna(v) else v for v in s.astype(object).tolist()]
        if not all(v is None or isinstance(v, (str, int, float, bool)) for v in values):
            return None
        values = [v.item() if hasattr(v, "item") else v  # type: ignore[union-attr]
                  for v in values]
        columns.append({"name": name, "dtype": dtype, "store": "json", "values": values})
    index = {"start": frame.index.start, "stop": frame.index.stop, "step": frame.index.step}
    return arrays, {"columns": columns, "index": index}


def _unpack(arrays, desc: dict):
    """The DataFrame described by *desc*, or None if it is not what :func:`_pack` wrote."""
    import numpy as np
    import pandas as pd

    data = {}
    for i, col in enumerate(desc["columns"]):
        name, dtype, store = col["name"], col["dtype"], col["store"]
        if not isinstance(name, str):
            return None
        if store == "npy":
            arr = arrays[f"c{i}"]
            if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biuf" or \
                    str(arr.dtype) != dtype:
                return None
            data[name] = arr
        elif store == "json" and dtype in _JSON_DTYPES and isinstance(col["values"], list):
            data[name] = pd.array(col["values"], dtype=dtype if dtype != "str" else "str")
        else:
            return None
    ix = desc["index"]
    index = pd.RangeIndex(int(ix["start"]), int(ix["stop"]), int(ix["step"]))
    frame = pd.DataFrame(data, index=index)
    return frame if len(frame.columns) == len(desc["columns"]) else None


def _load(path: Path):
    """The frame (or (frame, info)) stored in *path*, or None if it is not a cache file."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(bytes(archive["meta"]).decode("utf-8"))
            arrays = {k: archive[k] for k in archive.files if k != "meta"}
        frame = _unpack(arrays, meta["frame"])
    except Exception:  # any damaged or foreign file is a miss, never an error
        return None
    if frame is None or not isinstance(meta, dict):
        return None
    if meta.get("kind") == "pair":
        return (frame, meta.get("info"))
    return frame if meta.get("kind") == "frame" else None


def get(key: str, *, directory: Path | None = None):
    """A copy of the cached value for *key*, or None.

    From disk only a DataFrame (or the ``(frame, info)`` pair stored by :func:`put`) comes
    back; anything else, and any file that is not yours or is writable by others, is None.
    """
    with _LOCK:
        if key in _MEMORY:
            _MEMORY.move_to_end(key)
            return _copy(_MEMORY[key])
    if directory is not None:
        path = _disk_path(directory, key)
        if path.is_file() and _trusted(directory) and _trusted(path):
            value = _load(path)
            if value is None:
                return None  # a damaged or outdated cache file is a miss, not an error
            _remember(key, value)
            return _copy(value)
    return None


def _remember(key: str, value) -> None:
    with _LOCK:
        _MEMORY[key] = value
        _MEMORY.move_to_end(key)
        while len(_MEMORY) > MAX_ENTRIES:
            _MEMORY.popitem(last=False)


def put(key: str, value, *, directory: Path | None = None) -> None:
    """Store a private copy of *value* under *key* (and on disk when *directory* is given)."""
    value = _copy(value)
    _remember(key, value)
    if directory is not None:
        _store(key, value, directory)


def _store(key: str, value, directory: Path) -> None:
    """Write *value* (a frame, or a (frame, info) pair) as NumPy arrays and JSON; anything
    else, or a frame holding other objects, stays in memory only."""
    import numpy as np
    import pandas as pd

    meta: dict[str, Any]
    if isinstance(value, pd.DataFrame):
        frame, meta = value, {"kind": "frame"}
    elif (isinstance(value, tuple) and len(value) == 2
          and isinstance(value[0], pd.DataFrame)):
        frame, meta = value[0], {"kind": "pair", "info": value[1]}
    else:
        return
    packed = _pack(frame)
    if packed is None:
        return
    arrays, meta["frame"] = packed
    try:
        blob = json.dumps(meta, default=str, allow_nan=True).encode("utf-8")
    except (TypeError, ValueError):
        return
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{key}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, meta=np.frombuffer(blob, dtype=np.uint8), **arrays)
        os.replace(tmp, _disk_path(directory, key))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def clear() -> None:
    """Empty the in-memory layer (disk files are left alone)."""
    with _LOCK:
        _MEMORY.clear()

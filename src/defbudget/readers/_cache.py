"""A small content-addressed cache for parsed source files.

Keys are the SHA-256 of the input file's bytes plus the reader's options and version, so an
edited or replaced file is never served stale, and the same workbook under another name is a
hit. Two layers:

* in memory, per session (at most :data:`MAX_ENTRIES` results, least recently used dropped);
* optionally on disk, in a directory given by the caller or by the ``DEFBUDGET_CACHE_DIR``
  environment variable (pickle files written atomically; only ever read back from that
  directory, which should be one you own).

Stored frames are never handed out: :func:`get` returns a deep copy, so callers cannot
corrupt the cache by modifying what they received.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from os import PathLike
from pathlib import Path

__all__ = ["MAX_ENTRIES", "cache_dir", "clear", "file_digest", "get", "put"]

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
    return pickle.loads(pickle.dumps(value))


def get(key: str, *, directory: Path | None = None):
    """A copy of the cached value for *key*, or None."""
    with _LOCK:
        if key in _MEMORY:
            _MEMORY.move_to_end(key)
            return _copy(_MEMORY[key])
    if directory is not None:
        path = directory / f"{key}.pkl"
        if path.is_file():
            try:
                with open(path, "rb") as fh:
                    value = pickle.load(fh)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
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
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, directory / f"{key}.pkl")
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def clear() -> None:
    """Empty the in-memory layer (disk files are left alone)."""
    with _LOCK:
        _MEMORY.clear()

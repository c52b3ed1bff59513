"""A content-addressed cache for parsed source files: the second read of a file is free.

Keys are the SHA-256 of the input file's bytes plus the reader's options and version (the
reader builds that part), and, on disk, the versions of defbudget and pandas (added here), so
an edited or replaced file, a new release of the kit or of pandas is never served a stale
frame, and the same workbook under another name is a hit. Two layers:

* in memory, per session (at most :data:`MAX_ENTRIES` results, least recently used dropped);
* on disk, **on by default**, in ``platformdirs.user_cache_dir("defbudget")`` (on Linux
  ``~/.cache/defbudget``), or in the folder named by ``DEFBUDGET_CACHE_DIR`` or given by the
  caller. ``DEFBUDGET_NO_CACHE=1`` (the CLI's ``--no-cache``) turns the disk layer off. One
  file per frame (``<key>-defbudget<version>-pandas<version>.npz``, written atomically, only
  you may read or write it): numeric columns as NumPy arrays, text as integer codes plus a
  JSON list of the distinct strings, read back with ``allow_pickle=False``. That format holds
  data only, so a planted cache file cannot run code (no pickle is ever loaded). A cache file
  (or folder) not owned by you, or writable by others, is ignored with a
  :class:`CacheWarning` saying so; a damaged one is a miss; a cache folder that cannot be
  written is a warning, never a failed read. What comes back from disk is a DataFrame (or
  the ``(frame, info)`` pair that was stored) or nothing. ``defbudget cache info`` lists the
  files and ``defbudget cache clear`` removes them (:func:`disk_entries`, :func:`clear_disk`).

Why not Parquet (the issue's suggestion), measured on this project's machine with pandas
3.1.1 and pyarrow 26.0.1: installing pyarrow switches pandas 3's default ``str`` dtype to
pyarrow storage for every frame of the kit, and pyarrow refuses text that is not valid UTF-8:
``pd.Series(['a\\ud800b'])`` then raises UnicodeEncodeError (without pyarrow it is a
valid ``str`` Series), and ``to_parquet`` of such text raises even from an ``object``
column, so a frame holding a lone surrogate could neither be built nor round-tripped
exactly. pandas imports pyarrow whenever it is installed (about 25 ms of every start-up, the
CLI's included) and ``pyarrow.parquet`` adds about 8 ms, while this format loads the SIPRI
frame in about 10 ms. So the cache keeps the non-pickle ``.npz`` format.

Reads that go through :func:`read_through` also keep the warnings the parse issued, and
issue them again on a hit (from memory or disk), so a second run says what the first said.

Stored frames are never handed out: :func:`get` returns a deep copy, so callers cannot
corrupt the cache by modifying what they received.
"""

from __future__ import annotations

import contextlib
import copy as _copy_module
import hashlib
import json
import os
import re
import tempfile
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any

from defbudget.errors import DefbudgetWarning, find_stack_level

__all__ = ["ENV_DIR", "ENV_OFF", "MAX_ENTRIES", "CacheWarning", "cache_dir", "clear",
           "clear_disk", "default_dir", "disk_entries", "file_digest", "get", "put",
           "read_file_through", "read_through"]


class CacheWarning(DefbudgetWarning):
    """A cache file was ignored (not yours, or writable by others) or could not be written;
    the message says which and what to do."""


#: How many parsed results the in-memory layer keeps.
MAX_ENTRIES = 8
#: Environment variable naming the on-disk cache folder.
ENV_DIR = "DEFBUDGET_CACHE_DIR"
#: Environment variable that turns the on-disk cache off when set to 1 (or yes, true, on).
ENV_OFF = "DEFBUDGET_NO_CACHE"
#: The marker every cache file's metadata carries (``clear_disk`` removes only those).
_WRITER = "defbudget-cache"
_FORMAT = 2
_LOCK = threading.Lock()
#: key -> (value, warnings issued by the parse, or None when not recorded)
_MEMORY: OrderedDict[str, tuple[object, list[dict] | None]] = OrderedDict()


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


def disabled() -> bool:
    """True when ``DEFBUDGET_NO_CACHE`` turns the on-disk cache off."""
    return os.environ.get(ENV_OFF, "").strip().lower() in {"1", "yes", "true", "on"}


def default_dir() -> Path:
    """The folder used when nothing else is said: ``$DEFBUDGET_CACHE_DIR``, else the
    platform's user cache folder for defbudget (``~/.cache/defbudget`` on Linux)."""
    value = os.environ.get(ENV_DIR)
    if value:
        return Path(value)
    import platformdirs

    return Path(platformdirs.user_cache_dir("defbudget", appauthor=False))


def cache_dir(explicit: str | PathLike | None = None) -> Path | None:
    """The on-disk cache folder: *explicit*, else :func:`default_dir`; None when
    ``DEFBUDGET_NO_CACHE=1`` turns the disk layer off."""
    if disabled():
        return None
    return Path(explicit) if explicit is not None else default_dir()


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


def _owner_problems(st: os.stat_result) -> list[str]:
    problems = []
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        problems.append(f"owned by user id {st.st_uid}, not you")
    if st.st_mode & 0o022:
        problems.append("writable by others")
    return problems


def _trusted(path: Path) -> bool:
    """True if *path* is owned by this user and not writable by group or others; else warn."""
    try:
        st = path.stat()
    except OSError:
        return False
    problems = _owner_problems(st)
    if problems:
        warnings.warn(f"ignoring the cache file {str(path)!r}: {' and '.join(problems)}, so "
                      "it may have been planted; the file is read again. Delete the cache "
                      f"file, or point {ENV_DIR} at a folder only you can write to.",
                      CacheWarning, stacklevel=find_stack_level())
        return False
    return True


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+]", "_", text)


def version_tag() -> str:
    """``defbudget<version>-pandas<version>``: the part of every disk key that retires the
    files of another release of the kit or of pandas."""
    import pandas as pd

    from defbudget._version import __version__

    return f"defbudget{_safe(__version__)}-pandas{_safe(pd.__version__)}"


def _disk_path(directory: Path, key: str) -> Path:
    return directory / f"{key}-{version_tag()}.npz"


# --------------------------------------------------------------------------- the format
#: Text dtypes stored as codes into a JSON list of distinct strings.
_TEXT_DTYPES = {"str", "string"}
#: Nullable dtypes stored as values plus a mask (pandas.arrays constructors rebuild them).
_MASKED = {"Int64": "IntegerArray", "Int32": "IntegerArray", "Float64": "FloatingArray",
           "boolean": "BooleanArray"}
_NUMPY_KINDS = "biufmM"


def _pack_column(i: int, s, arrays: dict[str, Any]) -> dict[str, Any] | None:
    """How column *s* (position *i*) is stored: its description, its arrays added to
    *arrays*; None if it holds something that is not plain data."""
    import numpy as np
    import pandas as pd

    dtype = str(s.dtype)
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in _NUMPY_KINDS:
        arrays[f"c{i}"] = s.to_numpy()
        return {"dtype": dtype, "store": "npy"}
    if dtype in _MASKED:
        mask = s.isna().to_numpy()
        fill = False if dtype == "boolean" else 0
        arrays[f"c{i}"] = s.to_numpy(dtype=s.dtype.numpy_dtype, na_value=fill)
        arrays[f"m{i}"] = mask
        return {"dtype": dtype, "store": "masked"}
    if dtype in _TEXT_DTYPES:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        words = list(uniques)
        if not all(isinstance(w, str) for w in words):
            return None
        arrays[f"c{i}"] = codes.astype(np.int32)
        return {"dtype": dtype, "store": "codes", "values": words}
    if dtype == "object":
        values = s.tolist()
        if not all(v is None or type(v) in (str, int, float, bool) for v in values):
            return None
        return {"dtype": dtype, "store": "json", "values": values}
    return None


def _pack(frame) -> tuple[dict, dict] | None:
    """(arrays, description) of *frame* for :func:`numpy.savez`, or None if it holds
    something that is not plain data (then it stays in memory only)."""
    import pandas as pd

    if not isinstance(frame.index, pd.RangeIndex) or not frame.columns.is_unique:
        return None
    if str(frame.columns.dtype) not in ("object", "str"):
        return None
    attrs = _exact_json(frame.attrs)
    if attrs is None:
        return None
    arrays: dict[str, Any] = {}
    columns: list[dict[str, Any]] = []
    for i, name in enumerate(frame.columns):
        if not isinstance(name, str):
            return None
        col = _pack_column(i, frame.iloc[:, i], arrays)
        if col is None:
            return None
        columns.append({"name": name, **col})
    index = {"start": frame.index.start, "stop": frame.index.stop, "step": frame.index.step,
             "name": frame.index.name if isinstance(frame.index.name, str) else None}
    return arrays, {"columns": columns, "index": index, "attrs": attrs,
                    "columns_dtype": str(frame.columns.dtype),
                    "duplicate_labels": bool(frame.flags.allows_duplicate_labels)}


def _exact_json(value) -> Any:
    """*value* if JSON gives it back unchanged (dicts of text, numbers, lists), else None."""
    try:
        if json.loads(json.dumps(value, allow_nan=False)) == value:
            return value
    except (TypeError, ValueError):
        pass
    return None


def _unpack_column(i: int, col: dict, arrays):
    """The array of one described column, or None if it is not what :func:`_pack` wrote."""
    import numpy as np
    import pandas as pd

    dtype, store = col["dtype"], col["store"]
    if store == "npy":
        arr = arrays[f"c{i}"]
        ok = arr.dtype.kind in _NUMPY_KINDS and str(arr.dtype) == dtype
        return arr if ok else None
    if store == "masked" and dtype in _MASKED:
        data, mask = arrays[f"c{i}"], arrays[f"m{i}"]
        if mask.dtype != np.bool_ or data.shape != mask.shape:
            return None
        return getattr(pd.arrays, _MASKED[dtype])(data, mask)
    if store == "codes" and dtype in _TEXT_DTYPES:
        codes, words = arrays[f"c{i}"], col["values"]
        if codes.dtype.kind != "i" or not all(isinstance(w, str) for w in words):
            return None
        if len(codes) and (codes.min() < -1 or codes.max() >= len(words)):
            return None
        # each distinct string is checked once, then taken: -1 is the dtype's missing value
        return pd.array(words, dtype=dtype).take(codes.astype(np.intp), allow_fill=True)
    if store == "json" and dtype == "object" and isinstance(col["values"], list):
        out = np.empty(len(col["values"]), dtype=object)
        out[:] = col["values"]
        return out
    return None


def _unpack(arrays, desc: dict):
    """The DataFrame described by *desc*, or None if it is not what :func:`_pack` wrote."""
    import pandas as pd

    data = {}
    for i, col in enumerate(desc["columns"]):
        name = col["name"]
        values = _unpack_column(i, col, arrays) if isinstance(name, str) else None
        if values is None:
            return None
        data[name] = values
    ix = desc["index"]
    index = pd.RangeIndex(int(ix["start"]), int(ix["stop"]), int(ix["step"]), name=ix["name"])
    frame = pd.DataFrame(data, index=index)
    if len(frame.columns) != len(desc["columns"]):
        return None
    frame.columns = pd.Index(list(frame.columns), dtype=desc["columns_dtype"])
    frame.attrs = desc["attrs"]
    return frame.set_flags(allows_duplicate_labels=bool(desc["duplicate_labels"]))


def _read_meta(path: Path) -> dict | None:
    """The JSON metadata of a cache file, or None if it is not one the kit wrote."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(bytes(archive["meta"]).decode("utf-8"))
    except Exception:  # any damaged or foreign file: not ours
        return None
    if not isinstance(meta, dict) or meta.get("writer") != _WRITER:
        return None
    return meta


def _load(path: Path):
    """The frame (or (frame, info)) stored in *path*, or None if it is not a cache file."""
    entry = _load_entry(path)
    return None if entry is None else entry[0]


def _load_entry(path: Path) -> tuple[object, list[dict] | None] | None:
    """(value, recorded warnings) stored in *path*, or None if it is not a cache file."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(bytes(archive["meta"]).decode("utf-8"))
            arrays = {k: archive[k] for k in archive.files if k != "meta"}
        if meta.get("writer") != _WRITER or meta.get("format") != _FORMAT:
            return None
        frame = _unpack(arrays, meta["frame"])
    except Exception:  # any damaged or foreign file is a miss, never an error
        return None
    if frame is None:
        return None
    recorded = meta.get("warnings")
    recorded = recorded if isinstance(recorded, list) else None
    if meta.get("kind") == "pair":
        return (frame, meta.get("info")), recorded
    return (frame, recorded) if meta.get("kind") == "frame" else None


# --------------------------------------------------------------------------- get and put
def _lookup(key: str, directory: Path | None) -> tuple[object, list[dict] | None] | None:
    """(a copy of the value, its recorded warnings) for *key*, or None."""
    with _LOCK:
        if key in _MEMORY:
            _MEMORY.move_to_end(key)
            value, recorded = _MEMORY[key]
            return _copy(value), recorded
    if directory is None:
        return None
    path = _disk_path(directory, key)
    if not (path.is_file() and _trusted(directory) and _trusted(path)):
        return None
    entry = _load_entry(path)
    if entry is None:
        return None  # a damaged or outdated cache file is a miss, not an error
    _remember(key, *entry)
    return _copy(entry[0]), entry[1]


def get(key: str, *, directory: Path | None = None):
    """A copy of the cached value for *key*, or None.

    From disk only a DataFrame (or the ``(frame, info)`` pair stored by :func:`put`) comes
    back; anything else, and any file that is not yours or is writable by others, is None.
    """
    hit = _lookup(key, directory)
    return None if hit is None else hit[0]


def _remember(key: str, value, recorded: list[dict] | None = None) -> None:
    with _LOCK:
        _MEMORY[key] = (value, recorded)
        _MEMORY.move_to_end(key)
        while len(_MEMORY) > MAX_ENTRIES:
            _MEMORY.popitem(last=False)


def put(key: str, value, *, directory: Path | None = None, label: str | None = None,
        recorded: list[dict] | None = None) -> None:
    """Store a private copy of *value* under *key* (and on disk when *directory* is given).

    *label* says in ``defbudget cache info`` what the file holds; *recorded* are the
    warnings the parse issued (see :func:`read_through`). A disk write that fails (a
    read-only or full disk) is a :class:`CacheWarning`, never an error.
    """
    value = _copy(value)
    _remember(key, value, recorded)
    if directory is None:
        return
    try:
        _store(key, value, directory, label=label, recorded=recorded)
    except OSError as exc:
        warnings.warn(f"could not write the cache file in {str(directory)!r} ({exc}); the "
                      "result is not kept for the next run. Free some space, point "
                      f"{ENV_DIR} at a folder you can write to, or set {ENV_OFF}=1.",
                      CacheWarning, stacklevel=find_stack_level())


def _describe(key: str, value) -> str:
    """What a cache file holds, for ``defbudget cache info``: the reader, the file it read
    (when the value says) and the options in the key."""
    reader, *rest = key.split("-")
    options = "-".join(p for p in rest if not re.fullmatch(r"[0-9a-f]{64}", p))
    what = reader
    if isinstance(value, tuple) and isinstance(value[1], dict) and value[1].get("path"):
        what += f": {Path(str(value[1]['path'])).name}"
    return f"{what} [{options}]" if options else what


def _store(key: str, value, directory: Path, *, label: str | None = None,
           recorded: list[dict] | None = None) -> None:
    """Write *value* (a frame, or a (frame, info) pair) as NumPy arrays and JSON; anything
    else, or a frame holding other objects, stays in memory only."""
    import numpy as np
    import pandas as pd

    meta: dict[str, Any] = {"writer": _WRITER, "format": _FORMAT, "key": key,
                            "versions": version_tag(), "created": time.time()}
    if isinstance(value, pd.DataFrame):
        frame, meta["kind"] = value, "frame"
    elif (isinstance(value, tuple) and len(value) == 2
          and isinstance(value[0], pd.DataFrame)):
        frame, meta["kind"] = value[0], "pair"
        meta["info"] = _exact_json(value[1])
        if meta["info"] is None and value[1] is not None:
            return
    else:
        return
    packed = _pack(frame)
    if packed is None:
        return
    arrays, meta["frame"] = packed
    meta["label"] = (f"{label or _describe(key, value)}; {len(frame):,} rows x "
                     f"{len(frame.columns)} columns")
    meta["warnings"] = recorded
    try:
        blob = json.dumps(meta, allow_nan=True).encode("utf-8", "surrogatepass")
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


# --------------------------------------------------------------------------- read-through
def _record(caught) -> list[dict]:
    return [{"category": f"{w.category.__module__}:{w.category.__qualname__}",
             "message": str(w.message)} for w in caught]


def _category(name: object) -> type[Warning]:
    """The warning class a recorded name stands for: the kit's own or a built-in one (no
    other module is imported because a cache file names it)."""
    import builtins
    import importlib

    module, _, qualname = str(name).partition(":")
    found: object = None
    if module == "builtins":
        found = getattr(builtins, qualname, None)
    elif module == "defbudget" or module.startswith("defbudget."):
        with contextlib.suppress(ImportError):
            found = importlib.import_module(module)
            for part in qualname.split("."):
                found = getattr(found, part, None)
    if isinstance(found, type) and issubclass(found, Warning):
        return found
    return DefbudgetWarning


def _replay(recorded: list[dict] | None) -> None:
    for w in recorded or ():
        if isinstance(w, dict):
            warnings.warn(str(w.get("message", "")), _category(w.get("category")),
                          stacklevel=find_stack_level())


def read_through(key: str, compute: Callable[[], Any], *, directory: Path | None,
                 label: str | None = None):
    """*compute()*'s result, from the cache when *key* is there, else computed and kept.

    The warnings *compute* issues are passed on to the caller and kept with the result; a
    hit issues them again, so a cached read says what a fresh one says.
    """
    hit = _lookup(key, directory)
    if hit is not None:
        _replay(hit[1])
        return hit[0]
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = compute()
    finally:  # passed on as they were issued, under the caller's filters
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    put(key, value, directory=directory, label=label, recorded=_record(caught))
    return value  # put keeps its own copy


def read_file_through(reader: str, paths: list[Path | None], options: object,
                      compute: Callable[[], Any], *, cache: bool = True):
    """*compute()*, the parse of *paths* by *reader*, cached under their content.

    The key is *reader*, the SHA-256 of each file (``none`` for a None path) and a short
    hash of *options* (whatever else changes the result: a column, a file name the source
    id is made from, the reader's version). A file that cannot be read is left to *compute*,
    whose error names it.
    """
    if not cache:
        return compute()
    try:
        digests = [file_digest(p) if p is not None else "none" for p in paths]
    except OSError:
        return compute()
    extra = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode(
        "utf-8", "surrogatepass")).hexdigest()[:16]
    first = next((p for p in paths if p is not None), None)
    label = f"{reader}: {first.name}" if first is not None else reader
    return read_through("-".join([reader, *digests, extra]), compute,
                        directory=cache_dir(), label=label)


# --------------------------------------------------------------------------- the folder
#: The temporary name :func:`_store` writes before the move: ``.<key>.<random>.tmp``, where
#: the key of every reader's file holds a SHA-256 digest.
_TMP_NAME = re.compile(r"\.[A-Za-z0-9_.+-]*[0-9a-f]{64}[A-Za-z0-9_.+-]*\.tmp")


def _our_file(path: Path) -> bool:
    """A name the kit may have written (an .npz is then checked for the kit's marker)."""
    return path.name.endswith(".npz") or bool(_TMP_NAME.fullmatch(path.name))


def disk_entries(directory: Path | None = None) -> list[dict[str, Any]]:
    """The cache files in *directory* (default :func:`default_dir`), newest first.

    Each is a dict with ``path``, ``size`` (bytes), ``modified`` (a POSIX time), ``label``
    (what it holds, e.g. ``"sipri: SIPRI-Milex-data-1949-2024_2.xlsx (constant_usd); 1,234
    rows x 22 columns"``), ``versions`` and ``current`` (False for files written by another
    version of defbudget or pandas, which are never read). Files the kit did not write are
    not listed; unfinished temporary files of an interrupted run are, labelled as such.
    """
    directory = Path(directory) if directory is not None else default_dir()
    if not directory.is_dir():
        return []
    tag = version_tag()
    out = []
    for path in directory.iterdir():
        if not _our_file(path) or path.is_symlink() or not path.is_file():
            continue
        st = path.stat()
        if path.name.endswith(".tmp"):
            meta: dict | None = {"label": "unfinished (an interrupted run); removed by "
                                          "`defbudget cache clear`", "versions": ""}
        else:
            meta = _read_meta(path)
        if meta is None:
            continue
        out.append({"path": path, "size": st.st_size, "modified": st.st_mtime,
                    "label": str(meta.get("label", "")), "versions": str(meta.get("versions")),
                    "current": meta.get("versions") == tag, "owned": not _owner_problems(st)})
    return sorted(out, key=lambda e: -e["modified"])


def clear_disk(directory: Path | None = None) -> tuple[int, int]:
    """Remove the cache files the kit wrote in *directory* (default :func:`default_dir`);
    other files are left alone. Returns (files removed, bytes freed)."""
    removed = freed = 0
    for entry in disk_entries(directory):
        if not entry["owned"]:
            continue  # not yours: never read, and not ours to delete
        with contextlib.suppress(FileNotFoundError):
            entry["path"].unlink()
            removed += 1
            freed += entry["size"]
    clear()
    return removed, freed


def clear() -> None:
    """Empty the in-memory layer (disk files are left alone)."""
    with _LOCK:
        _MEMORY.clear()

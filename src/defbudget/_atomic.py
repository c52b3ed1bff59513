"""Write output files atomically, with the permissions an ordinary new file would get.

Each write goes to a uniquely named hidden temp file beside the destination
(``.<name>.<pid>-<random><suffix>``, made by :func:`tempfile.mkstemp`), so simultaneous runs
writing into one folder never share a temp file. A run killed with ``kill -9`` leaves its
temp file behind; the next write to the same destination removes every such file whose
process is gone (:func:`remove_stale_temps`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_output", "named_os_error", "new_file_mode", "remove_stale_temps",
           "temp_beside"]

#: A temp file of the naming scheme before this one (``.<name>.tmp``, one per destination),
#: older than this many seconds, is debris of an interrupted run and is removed too.
LEGACY_TEMP_AGE = 600


def _create(folder: Path, prefix: str, suffix: str) -> Path:
    """A new empty file in *folder*, created with mode 0o666 so the kernel applies the umask
    (the process umask itself is never read or changed)."""
    for _ in range(100):
        name = folder / f"{prefix}{secrets.token_hex(6)}{suffix}"
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue
        os.close(fd)
        return name
    raise FileExistsError(f"could not create a temporary file in {folder}")  # pragma: no cover


def new_file_mode(path: Path) -> int:
    """Permission bits for *path*: those of the file it replaces, else 0o666 minus the umask.

    (:func:`tempfile.mkstemp` creates files readable by their owner only; a chart or workbook
    should be as readable as one written with ``open()``.) The umask is observed by creating
    a probe file beside *path*, not by ``os.umask``, which would change it for every thread
    for a moment.
    """
    path = Path(path)
    if path.exists():
        return path.stat().st_mode & 0o7777
    probe = _create(path.parent if str(path.parent) else Path("."), ".defbudget-probe.", "")
    try:
        return probe.stat().st_mode & 0o7777
    finally:
        probe.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: leave its file alone
    return True


def remove_stale_temps(path: str | os.PathLike) -> list[Path]:
    """Remove the temp files that interrupted writes to *path* left beside it; return them.

    Only files of this module's naming scheme for this destination are touched, and only
    those whose writing process has ended (a run still writing keeps its file).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / ".a.csv.999999999-x1.csv").write_text("half")  # no such process
    >>> [p.name for p in remove_stale_temps(d / "a.csv")]
    ['.a.csv.999999999-x1.csv']
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(\d+)-[^/]+")
    prefix = f".{path.name}."  # every name either kind of temp file can have starts so
    removed: list[Path] = []
    try:
        with os.scandir(folder) as listing:  # names only: no Path made for other files
            names = [e.name for e in listing if e.name.startswith(prefix)]
    except OSError:
        return removed
    for name in names:
        entry = folder / name
        match = pattern.fullmatch(name)
        stale = match is not None and not _alive(int(match.group(1)))
        if not stale and name == f".{path.name}.tmp":
            with contextlib.suppress(OSError):
                stale = time.time() - entry.stat().st_mtime > LEGACY_TEMP_AGE
        if stale and entry.is_file() and not entry.is_symlink():
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed


def temp_beside(path: Path, suffix: str = ".tmp") -> Path:
    """Create an empty, uniquely named temp file beside *path* (after removing stale ones)."""
    remove_stale_temps(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=suffix,
                                dir=path.parent if str(path.parent) else ".")
    os.close(fd)
    return Path(name)


@contextmanager
def atomic_output(path: str | os.PathLike, *, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside *path*; on success move it into place, else delete it.

    An interrupted write never leaves a half-written file under *path*, and an existing file
    is replaced only once the new one is complete. An OS error names *path*, the
    destination the caller chose, never the temp file. A new file gets the permissions
    ``open()`` would give it (0o666 minus the umask); a replaced file keeps its own.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = pathlib.Path(d) / "a.txt"
    ...     with atomic_output(out) as tmp:
    ...         _ = tmp.write_text("done")
    ...     out.read_text(), oct(out.stat().st_mode & 0o777) == oct(new_file_mode(out))
    ('done', True)
    """
    path = Path(path)
    try:
        mode = new_file_mode(path)
        tmp = temp_beside(path, suffix)
    except OSError as exc:
        raise named_os_error(exc, path) from exc
    try:
        try:
            yield tmp
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except OSError as exc:  # disk full, permissions, ...: name what the user chose
            raise named_os_error(exc, path) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def named_os_error(exc: OSError, path: Path) -> OSError:
    """*exc* re-made to name *path* (what the user chose) rather than a temp file."""
    reason = exc.strerror or str(exc)
    fix = {
        "ENOSPC": "free some disk space or write elsewhere",
        "EACCES": "choose a folder you can write to",
        "EPERM": "choose a folder you can write to",
        "EROFS": "the disk is read-only; write elsewhere",
    }
    import errno as _errno

    hint = fix.get(_errno.errorcode.get(exc.errno or 0, ""), "check the folder and try again")
    new = type(exc)(exc.errno, f"cannot write {str(path)!r}: {reason}; {hint}")
    return new

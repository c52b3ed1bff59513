"""Write output files atomically, with the permissions an ordinary new file would get."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_output", "new_file_mode"]


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


@contextmanager
def atomic_output(path: str | os.PathLike, *, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside *path*; on success move it into place, else delete it.

    An interrupted write never leaves a half-written file under *path*, and an existing file
    is replaced only once the new one is complete. A new file gets the permissions ``open()``
    would give it (0o666 minus the umask); a replaced file keeps its own.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = pathlib.Path(d) / "a.txt"
    ...     with atomic_output(out) as tmp:
    ...         _ = tmp.write_text("done")
    ...     out.read_text(), oct(out.stat().st_mode & 0o777) == oct(new_file_mode(out))
    ('done', True)
    """
    path = Path(path)
    keep = path.stat().st_mode & 0o7777 if path.exists() else None
    tmp = _create(path.parent if str(path.parent) else Path("."), f".{path.stem}.", suffix)
    try:
        yield tmp
        if keep is not None:
            os.chmod(tmp, keep)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

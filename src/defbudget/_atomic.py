"""Write output files atomically, with the permissions an ordinary new file would get."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_output", "new_file_mode"]


def new_file_mode(path: Path) -> int:
    """Permission bits for *path*: those of the file it replaces, else 0o666 minus the umask.

    (:func:`tempfile.mkstemp` creates files readable by their owner only; a chart or workbook
    should be as readable as one written with ``open()``.)
    """
    if path.exists():
        return path.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_output(path: str | os.PathLike, *, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside *path*; on success move it into place, else delete it.

    An interrupted write never leaves a half-written file under *path*, and an existing file
    is replaced only once the new one is complete.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = pathlib.Path(d) / "a.txt"
    ...     with atomic_output(out) as tmp:
    ...         _ = tmp.write_text("done")
    ...     out.read_text(), oct(out.stat().st_mode & 0o777) == oct(new_file_mode(out))
    ('done', True)
    """
    path = Path(path)
    mode = new_file_mode(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

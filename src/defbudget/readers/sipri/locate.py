"""Finding the SIPRI workbook: a path, ``$DEFBUDGET_SIPRI``, or the downloaded releases.

In a folder the newest release is chosen; the sort opens each candidate only through the
bounded zip reader of :mod:`defbudget._xlsx`, so a hostile older release costs nothing.
"""

from __future__ import annotations

import os
import re
import zipfile
from os import PathLike
from pathlib import Path

from defbudget._datadir import downloaded_sipri
from defbudget._xlsx import XlsxLimitError, read_member
from defbudget.readers.sipri._errors import SipriWorkbookNotFoundError

__all__ = ["DOWNLOAD_URL", "ENV_VAR", "WORKBOOK_GLOB", "find_sipri_workbook"]

#: Environment variable naming the workbook, or a folder of SIPRI workbooks.
ENV_VAR = "DEFBUDGET_SIPRI"
#: File names SIPRI gives its releases (used to pick the newest from a folder).
WORKBOOK_GLOB = "SIPRI-Milex-data-*.xlsx"
DOWNLOAD_URL = "https://www.sipri.org/databases/milex"


def _not_found(reason: str) -> SipriWorkbookNotFoundError:
    return SipriWorkbookNotFoundError(
        f"{reason}\nThe SIPRI Military Expenditure Database cannot be shipped with defbudget. "
        "Run `defbudget get sipri` to download it into your data folder, or download the "
        f"Excel file from {DOWNLOAD_URL} (free for non-commercial use with "
        "citation), then either pass its path, read_sipri('path/to/SIPRI-Milex-data-"
        f"1949-2024.xlsx'), or set the environment variable {ENV_VAR} to the file or to the "
        "folder holding it (the newest release there is used).")


def _release_sort_key(path: Path) -> tuple:
    """Newest release last: by last data year, revision suffix, then the file's own date."""
    m = re.search(r"(\d{4})-(\d{4})(?:[_-]v?(\d+(?:\.\d+)*))?", path.stem)
    last = int(m.group(2)) if m else 0
    rev = tuple(int(x) for x in m.group(3).split(".")) if m and m.group(3) else ()
    modified = ""
    try:
        with zipfile.ZipFile(path) as zf:
            core = read_member(zf, "docProps/core.xml").decode("utf-8", "replace")
        mm = re.search(r"<dcterms:modified[^>]*>([^<]+)<", core) or re.search(
            r"<dcterms:created[^>]*>([^<]+)<", core)
        modified = mm.group(1) if mm else ""
    except (OSError, KeyError, zipfile.BadZipFile, XlsxLimitError):
        pass  # an unreadable or oversized member sorts as undated; reading it will say why
    return (last, rev, modified, path.name)


def find_sipri_workbook(path: str | PathLike | None = None) -> Path:
    """Locate the SIPRI workbook: *path*, else ``$DEFBUDGET_SIPRI``, else the download.

    The download is what ``defbudget get sipri`` saved in the user's data folder
    (:func:`defbudget.downloads.data_dir`).

    Either may be a workbook or a folder; in a folder the newest ``SIPRI-Milex-data-*.xlsx``
    is chosen (latest data year, then highest revision such as ``_2``, then the date the
    workbook itself records).

    Raises
    ------
    SipriWorkbookNotFoundError
        With instructions to download the workbook, when nothing is found.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> find_sipri_workbook(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    defbudget.readers.sipri.SipriWorkbookNotFoundError: no SIPRI-Milex-data-*.xlsx in ...
    """
    if path is None:
        env = os.environ.get(ENV_VAR)
        if env:
            path, origin = env, f"${ENV_VAR}={env!r}"
        else:
            path = downloaded_sipri()
            if path is None:
                raise _not_found(f"No SIPRI workbook given, ${ENV_VAR} is not set and "
                                 "`defbudget get sipri` has not downloaded one.")
            origin = "the data folder of `defbudget get sipri`"
    else:
        origin = repr(str(path))
    p = Path(path).expanduser()
    if p.is_dir():
        found = sorted(p.glob(WORKBOOK_GLOB), key=_release_sort_key)
        if not found:
            raise _not_found(f"no {WORKBOOK_GLOB} in {p} (from {origin}).")
        return found[-1]
    if not p.is_file():
        raise _not_found(f"{p} does not exist (from {origin}).")
    return p

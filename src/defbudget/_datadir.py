"""The user's defbudget data folder and the SIPRI releases downloaded into it.

Below :mod:`defbudget.downloads` (which saves files there), :mod:`defbudget._ratefile` and
:mod:`defbudget.readers.sipri.locate` (which look for them there), so that neither of the
two needs the download module and no import cycle runs through it. Standard library only,
until :func:`data_dir` asks platformdirs for the platform's default.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_DIR_ENV", "data_dir", "downloaded_sipri", "sipri_dir"]

#: Environment variable overriding the data folder (tests set it to a temporary folder).
DATA_DIR_ENV = "DEFBUDGET_DATA_DIR"


def data_dir() -> Path:
    """The user's defbudget data folder (``$DEFBUDGET_DATA_DIR`` or the platform's default).

    Examples
    --------
    >>> data_dir().is_absolute()
    True
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("defbudget", appauthor=False))


def sipri_dir() -> Path:
    """Where ``defbudget get sipri`` saves the SIPRI workbooks (it may not exist)."""
    return data_dir() / "sipri"


def downloaded_sipri() -> Path | None:
    """The folder of downloaded SIPRI workbooks, or None when nothing was downloaded yet."""
    folder = sipri_dir()
    if folder.is_dir() and any(folder.glob("SIPRI-Milex-data-*.xlsx")):
        return folder
    return None

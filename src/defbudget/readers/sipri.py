"""Read the SIPRI Military Expenditure Database workbook into the tidy frame.

Getting the workbook
--------------------
SIPRI's terms do not allow the kit to ship the data, so download it yourself (free, for
non-commercial use with citation). One command does it: ``defbudget get sipri`` saves the
newest release into your data folder, where ``read_sipri()`` finds it with no argument.
By hand:

1. Open https://www.sipri.org/databases/milex and download the Excel file of the whole
   database ("SIPRI-Milex-data-1949-2024.xlsx" or newer; every release since 2023 works).
2. Point defbudget at it, either per call::

       df = defbudget.read_sipri("~/data/SIPRI-Milex-data-1949-2024_2.xlsx")

   or once for every session, with an environment variable holding the file or a folder of
   SIPRI workbooks (the newest release in the folder is used)::

       export DEFBUDGET_SIPRI=~/data/sipri          # shell
       %env DEFBUDGET_SIPRI=~/data/sipri            # Jupyter

3. Cite it as SIPRI asks: ``defbudget.cite("sipri-milex-2025")`` (the id is in the
   ``source`` column of every row).

What you get
------------
One row per country (or region), year and sheet, in the tidy frame of
:mod:`defbudget.schema`, values in whole units (US$ m. × 1e6, US$ b. × 1e9, shares as
ratios), with SIPRI's markings kept:

============  =================================================================
``flag``      ``estimate`` (blue figure), ``highly_uncertain`` (red figure),
              ``unavailable`` (". ." / "...": value missing; an empty value cell is an
              error, since SIPRI marks every gap),
              ``not_independent`` ("xxx": value missing)
``symbols``   SIPRI's special notes, comma-separated names (see :data:`SYMBOLS`)
``footnotes`` the numbered footnotes as printed, e.g. ``"56"``
``note``      the text of those footnotes, from the workbook's Footnotes sheet
``region``,   SIPRI's region and sub-region headings
``subregion``
``currency_name``, ``fy_convention``
              local-currency sheets: the currency and fiscal year as printed
============  =================================================================

The layout is found by content, not position: sheets by their titles, the header row by its
"Country"/"Region" label next to year cells, years by value (float or integer), so releases
with another first year, shifted rows or indexed colours read the same way.

What is checked
---------------
Before any parser sees the file, every zip member is inflated in bounded steps against
limits 20 times what the real releases need, and each sheet's cells must lie within ZZ999
(:mod:`defbudget.readers._xlsx_guard`). Then: year headers must be whole, consecutive
numbers not past the edition; value cells must hold a finite, non-negative number or a SIPRI
marker; names are compared after NFKC normalisation with invisible characters removed; the
sheet's values pass :func:`defbudget.sanity.sanity_check` (documented outliers allowed) and
the frame passes :func:`defbudget.schema.validate`. Every refusal is a
:class:`SipriFormatError` naming the file, sheet and cell. Croatia's and Sierra Leone's
local-currency units are corrected by edition (:data:`UNIT_FIXES`).
"""

from __future__ import annotations

import os
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from defbudget.errors import DefbudgetError, DefbudgetWarning, find_stack_level
from defbudget.readers import _cache
from defbudget.readers._common import SourceFormatError, cell_ref
from defbudget.readers._countries import (
    CURRENCY_BY_YEAR,
    UnknownCurrencyError,
    currency_code,
    iso3_codes,
    normalise_name,
)
from defbudget.readers._xlsx_guard import (
    MAX_FILE_BYTES,
    XlsxLimitError,
    cell_problem,
    check_zip,
    read_member,
    scan_sheet,
)

__all__ = [
    "ENV_VAR",
    "SHEET_NAMES",
    "SYMBOLS",
    "SipriDuplicateWarning",
    "SipriFiscalYearWarning",
    "SipriFormatError",
    "SipriMissingSheetWarning",
    "SipriNoteWarning",
    "SipriUnknownCurrencyWarning",
    "SipriWorkbookNotFoundError",
    "find_sipri_workbook",
    "read_sipri",
    "sipri_release_info",
]

#: Environment variable naming the workbook, or a folder of SIPRI workbooks.
ENV_VAR = "DEFBUDGET_SIPRI"
#: File names SIPRI gives its releases (used to pick the newest from a folder).
WORKBOOK_GLOB = "SIPRI-Milex-data-*.xlsx"
DOWNLOAD_URL = "https://www.sipri.org/databases/milex"

#: Source id pattern: resolved to a full citation by ``defbudget.cite``.
SOURCE_ID = "sipri-milex-{edition}"
#: The ``basis`` of SIPRI rows: SIPRI's definition of military expenditure.
BASIS = "sipri"

# Markers in value cells ------------------------------------------------------------------
UNAVAILABLE = "unavailable"
NOT_INDEPENDENT = "not_independent"
#: Cell texts meaning "data unavailable" (compared after trimming).
UNAVAILABLE_MARKERS = ("...", ". .", "..", ". . .")
#: Cell texts meaning "country did not exist or was not independent".
NOT_INDEPENDENT_MARKERS = ("xxx", "XXX")
_MARKER_FLAG = {**dict.fromkeys(UNAVAILABLE_MARKERS, UNAVAILABLE),
                **dict.fromkeys(NOT_INDEPENDENT_MARKERS, NOT_INDEPENDENT)}

#: SIPRI's special-note symbols (Footnotes sheet, "special notes used in each worksheet").
SYMBOLS: dict[str, str] = {
    "†": "excludes_pensions",  # figures do not include military pensions
    "‡": "current_spending_only",  # current spending only, i.e. exclude capital spending
    "§": "adopted_budget",  # figures are for the adopted budget, not actual expenditure
    "¶": "excludes_paramilitary",  # figures do not include spending on paramilitary forces
    "‖": "currency_redenominated",  # currency changed; figures converted to the latest one
}
_SYMBOL_ORDER = list(SYMBOLS.values())

# Header labels (compared lower-case, single-spaced) ---------------------------------------
COUNTRY_LABEL = "country"
REGION_LABEL = "region"
NOTES_LABEL = "notes"
CURRENCY_LABEL = "currency"
FISCAL_YEAR_LABEL = "fiscal year"  # "Fiscal Year (Jan-Dec if not stated)"
REPORTING_YEAR_LABEL = "reporting year"
OMITTED_LABEL = "omitted countries"
_YEARISH_TEXT = re.compile(r"^\s*'?\s*\d{4}(?:\.0+)?\s*$")
_CURRENT_PRICES_HEADER = re.compile(r"^\s*(\d{4})\s*\(current prices\)\s*$", re.I)

#: Region headings SIPRI uses; any other heading followed directly by another heading is a
#: region too, every other heading is a sub-region of the region above it.
KNOWN_REGIONS = ("Africa", "Americas", "Asia & Oceania", "Asia and Oceania", "Europe",
                 "Middle East")
WORLD = "World"
_KNOWN_REGIONS = {normalise_name(r) for r in KNOWN_REGIONS}

#: Plausible years for year-column headers.
YEAR_RANGE = (1900, 2100)
#: How far down a sheet the header row is looked for.
MAX_HEADER_ROW = 60
#: Bumped whenever the output of the reader changes, so cached results are not reused.
READER_VERSION = "3"

#: Fiscal-year conventions SIPRI gives only in a footnote ("See footnote"), transcribed into
#: the grammar of the "Fiscal Year" column. Years the rule does not cover get start month 1
#: and a :class:`SipriFiscalYearWarning` when they hold a value.
FY_FROM_FOOTNOTES: dict[str, str] = {
    # Footnote 17 (2024, 2025 editions): Jan-Dec up to 1994, 1995 an 18-month year from Jan.,
    # Jul-Jun 1996/97 to 1999/2000, 2000 a 6-month Jul-Dec year, Jan-Dec from 2001.
    "Morocco": "Till: 1995 Jan-Dec, From 1996 Till: 1999 Jul-Jun, 2000: Jul-Dec, "
               "From 2001: Jan-Dec",
    # Footnote 22: Jan-Dec to 1966, Jul-Jun 1967/68-1969/70, Jan-Dec 1970-1979, Jul-Jun
    # 1980/81 and 1981/82, Jan-Dec from 1982 (the text's own overlap kept as printed).
    "Ghana": "Till: 1966 Jan-Dec, From 1967 Till: 1969 Jul-Jun, From 1970 Till: 1979 Jan-Dec, "
             "From 1980 Till: 1981 Jul-Jun, From 1982: Jan-Dec",
    # Footnote 95: Jul-Jun 1969-1973, Apr-Mar 1974, Jul-Jun 1976/77-1999/2000, 2000/01 a
    # 9-month Jul-Mar year, Apr-Mar from 2001.
    "Kuwait": "From 1969 Till: 1973 Jul-Jun, 1974: Apr-Mar, From 1976 Till: 1999 Jul-Jun, "
              "2000: Jul-Mar, From 2001: Apr-Mar",
}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


#: Unit of local-currency rows whose currency name the reader does not know (ISO 4217 "XXX",
#: no currency): such rows convert only after the user maps the name to a code.
UNKNOWN_UNIT = "XXX"


@dataclass(frozen=True)
class UnitFix:
    """A currency SIPRI labels one way while its figures are in another, by release."""

    iso3: str
    labelled: str  # the code the Currency column's name maps to
    unit: str  # the currency the figures are really in
    editions: tuple[int, int]  # first and last edition (inclusive) the fix applies to
    note: str


#: Figures whose currency is not the one SIPRI's Currency column names, found from the
#: implied exchange rates (local-currency figure / Current US$ figure) of the real releases
#: (tests/test_readers_sipri.py derives both from the workbooks):
#: * Croatia: labelled "Kunas" (HRK) in the 2024 and 2025 editions, but its implied rate
#:   equals the euro countries' to four decimals in every year: SIPRI re-expressed the
#:   series in euros when Croatia adopted the euro (2023).
#: * Sierra Leone: "Leones" is the new leone (SLE) since 2022, but in the 2024 edition
#:   (data to 2023) the implied rate is ~19,700 per US$ in 2023, the old leone (SLL, 1,000
#:   to 1 SLE); the 2025 edition gives 21.8, new leones.
UNIT_FIXES: tuple[UnitFix, ...] = (
    UnitFix("HRV", "HRK", "EUR", (2024, 2100),
            "unit EUR: SIPRI labels the currency Kunas (HRK), but the figures are in euros "
            "(their implied exchange rate equals the euro area's)"),
    UnitFix("SLE", "SLE", "SLL", (2024, 2024),
            "unit SLL: SIPRI labels the currency Leones, but in this edition the figures are "
            "in old leones (SLL, 1,000 to 1 SLE; implied rate ~19,700 per US$ in 2023)"),
)


class SipriFormatError(SourceFormatError):
    """The file is not a SIPRI Military Expenditure workbook, or not one this reader knows.

    The message names the file, sheet and cell, what was found and what was expected.
    """


class SipriWorkbookNotFoundError(DefbudgetError, FileNotFoundError):
    """No SIPRI workbook was given and none was found via ``DEFBUDGET_SIPRI``."""


class SipriFiscalYearWarning(DefbudgetWarning):
    """A fiscal-year convention could not be read; those rows got ``fy_start_month`` 1."""


class SipriNoteWarning(DefbudgetWarning):
    """A Notes cell held text other than symbols and footnote numbers (kept in ``note``)."""


class SipriMissingSheetWarning(DefbudgetWarning):
    """A full release lacks a sheet kind every full release has (renamed or deleted?)."""


class SipriUnknownCurrencyWarning(DefbudgetWarning):
    """A currency name the reader does not know: its rows keep the name, unit ``XXX``."""


class SipriDuplicateWarning(DefbudgetWarning):
    """Two sheets gave different figures for one observation; the US$ sheet's is kept."""


@dataclass(frozen=True)
class SheetKind:
    """How one kind of SIPRI sheet maps onto the tidy frame."""

    short: str
    title: re.Pattern
    measure: str
    unit: str | None  # None: the local currency of each row
    price_basis: str
    period: str
    scale: float  # multiplier to whole units when the sheet's notes do not state one
    first_label: str = COUNTRY_LABEL
    share: bool = False


#: Sheet kinds, matched against sheet names (tab titles). Short names are what ``sheets=``
#: takes; the mapping is also SHEET_NAMES.
SHEET_KINDS: tuple[SheetKind, ...] = (
    SheetKind("constant_usd", re.compile(r"^\s*constant\s*\(\s*(\d{4})\s*\)\s*us\$", re.I),
              "milex", "USD", "constant", "CY", 1e6),
    SheetKind("current_usd", re.compile(r"^\s*current\s+us\$", re.I),
              "milex", "USD", "current", "CY", 1e6),
    SheetKind("lcu_fy", re.compile(r"^\s*local\s+currency\s+financial\s+years?", re.I),
              "milex", None, "current", "FY", 1.0),
    SheetKind("lcu_cy", re.compile(r"^\s*local\s+currency\s+calendar\s+years?", re.I),
              "milex", None, "current", "CY", 1.0),
    SheetKind("share_gdp", re.compile(r"^\s*share\s+of\s+gdp", re.I),
              "milex_share_gdp", "ratio", "current", "CY", 1.0, share=True),
    SheetKind("per_capita", re.compile(r"^\s*per\s+capita", re.I),
              "milex_per_capita", "USD/person", "current", "CY", 1.0),
    SheetKind("share_govt", re.compile(r"^\s*share\s+of\s+gov", re.I),
              "milex_share_govt", "ratio", "current", "CY", 1.0, share=True),
    SheetKind("regional", re.compile(r"^\s*regional\s+totals", re.I),
              "milex", "USD", "constant", "CY", 1e9, first_label=REGION_LABEL),
)
_KIND = {k.short: k for k in SHEET_KINDS}


def _constant_base_year(sheet: str) -> int:
    """The price year in a ``Constant (YYYY) US$`` sheet name; a clear error if it has none."""
    m = _KIND["constant_usd"].title.search(sheet)
    if m is None:
        raise SipriFormatError(f"sheet {sheet!r} is not a 'Constant (YYYY) US$' sheet: its name "
                               "gives no price year.", sheet=sheet)
    return int(m.group(1))
#: Short name → what the sheet holds.
SHEET_NAMES: dict[str, str] = {
    "constant_usd": "Constant (YYYY) US$: milex, USD at constant YYYY prices (US$ m. × 1e6)",
    "current_usd": "Current US$: milex, USD at current prices (US$ m. × 1e6)",
    "lcu_fy": "Local currency financial years: milex, local currency, period FY",
    "lcu_cy": "Local currency calendar years: milex, local currency, period CY",
    "share_gdp": "Share of GDP: milex_share_gdp, ratio",
    "per_capita": "Per capita: milex_per_capita, USD/person at current prices",
    "share_govt": "Share of Govt. spending: milex_share_govt, ratio",
    "regional": "Regional totals: milex of regions, USD (US$ b. × 1e9) at constant prices, "
                "plus the last year at current prices",
}
FOOTNOTES_SHEET = re.compile(r"^\s*footnotes", re.I)
_FRONT_PAGE = re.compile(r"^\s*front\s*page", re.I)
#: A workbook with at least this many data-sheet kinds is taken for a full release, which
#: has all of them (the three real releases do): a missing kind gets a warning.
FULL_RELEASE_MIN = 5
_SCALE_PATTERNS = (
    (re.compile(r"US\s?\$\s?b(?:n)?\b|billions? of US", re.I), 1e9),
    (re.compile(r"US\s?\$\s?m\b|millions? of US", re.I), 1e6),
)
_EDITION = re.compile(r"SIPRI Military Expenditure Database\s+((?:19|20)\d{2})")
_TITLE_YEARS = re.compile(r"((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})")
_BASE_YEAR_NOTE = re.compile(r"constant\s*\(?\s*((?:19|20)\d{2})\s*\)?", re.I)


# ----------------------------------------------------------------------------------------
# Finding the workbook
# ----------------------------------------------------------------------------------------

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
            from defbudget.downloads import downloaded_sipri

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


# ----------------------------------------------------------------------------------------
# Opening and identifying
# ----------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _is_encrypted_ole(path: Path) -> bool:
    """True if the OLE compound file names an "EncryptedPackage" stream (an encrypted .xlsx).

    Directory entries store names in UTF-16-LE; looking for the name in the first MB is
    enough for the files Excel writes (the directory sits near the start or the end).
    """
    needle = "EncryptedPackage".encode("utf-16-le")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if needle in fh.read(1 << 20):
            return True
        if size > 1 << 20:
            fh.seek(max(0, size - (1 << 20)))
            return needle in fh.read()
    return False


def _open_workbook(path: Path):
    """Calamine workbook, after checking the file really is an xlsx (zip) workbook."""
    return _open_checked(path)[0]


def _open_checked(path: Path):
    """Calamine workbook and the checked bytes of its worksheet members, after checking the
    file really is an xlsx (zip) workbook within the size limits."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    if not head:
        raise SipriFormatError(
            f"the file is empty (0 bytes): the download did not finish. Expected the Excel "
            f"workbook; download it again from {DOWNLOAD_URL}.", path=path)
    if head.startswith(_OLE_MAGIC) and _is_encrypted_ole(path):
        raise SipriFormatError(
            "the workbook is encrypted (password-protected): Excel stores it as an "
            "'EncryptedPackage', which cannot be read without the password. Expected the "
            "unprotected .xlsx; open it in Excel, remove the password (File > Info > Protect "
            f"Workbook > Encrypt with Password, clear it), save, or download it again from "
            f"{DOWNLOAD_URL}.", path=path)
    if not head.startswith(b"PK\x03\x04"):
        text = head.lstrip().lower()
        looks = ("an HTML page (a failed or login-walled download?)"
                 if text.startswith((b"<!doctype html", b"<html")) else
                 "an old binary .xls file (resave it as .xlsx)" if head.startswith(
                     b"\xd0\xcf\x11\xe0") else
                 "a text/CSV file" if head and all(32 <= b < 127 or b in (9, 10, 13)
                                                   for b in head[:200]) else
                 "not a zip archive")
        raise SipriFormatError(
            f"not an .xlsx workbook: the file is {looks}. Expected the Excel workbook "
            f"downloaded from {DOWNLOAD_URL}.", path=path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SipriFormatError(
            f"the file is {size / 1e6:.1f} MB, over the limit of {MAX_FILE_BYTES / 1e6:.1f} MB "
            "(20 times the largest real SIPRI release); refused before unpacking it. Expected "
            f"the Excel workbook; download it again from {DOWNLOAD_URL}.", path=path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names:
                raise SipriFormatError(
                    "the zip archive is not an Excel workbook: it has no xl/workbook.xml "
                    f"(members: {sorted(names)[:5]}). Expected the Excel workbook; download "
                    f"it again from {DOWNLOAD_URL}.", path=path)
            sheets_xml = check_zip(zf, keep=_is_worksheet)
    except zipfile.BadZipFile as exc:
        raise SipriFormatError(
            f"the .xlsx (zip) archive is damaged or truncated ({exc}). Download the workbook "
            f"again from {DOWNLOAD_URL}.", path=path) from exc
    except XlsxLimitError as exc:
        raise _limit_error(exc, path) from None
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path)), sheets_xml
    except Exception as exc:  # calamine raises its own error types
        raise SipriFormatError(
            f"the workbook cannot be read ({type(exc).__name__}: {exc}). Expected an .xlsx as "
            f"saved by Excel; download it again from {DOWNLOAD_URL}.", path=path) from exc


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _limit_error(exc: XlsxLimitError, path: Path, sheet: str | None = None
                 ) -> SipriFormatError:
    """The guard's finding as the reader's error, with the file, sheet, cell and the fix."""
    where = f" (zip member {exc.member})" if exc.member and sheet is None else ""
    return SipriFormatError(
        f"{exc}{where}; refused before parsing it. Expected an .xlsx as saved by Excel: "
        f"download the workbook again from {DOWNLOAD_URL}, or open it in Excel and save a "
        "fresh copy.", path=path, sheet=sheet, cell=exc.cell)


def _match_sheets(sheet_names: Sequence[str], path: Path) -> dict[str, str]:
    """Short name → sheet name, by title text."""
    found: dict[str, str] = {}
    for name in sheet_names:
        for kind in SHEET_KINDS:
            if kind.title.search(name):
                if kind.short in found:
                    raise SipriFormatError(
                        f"two sheets look like {kind.short!r}: {found[kind.short]!r} and "
                        f"{name!r}. Expected one of each kind; remove or rename the copy "
                        "(the original SIPRI download has one).", path=path, sheet=name)
                found[kind.short] = name
                break
    if not found:
        raise SipriFormatError(
            f"this is not a SIPRI Military Expenditure workbook: its sheets are "
            f"{list(sheet_names)}, none of which is a SIPRI data sheet (expected titles such "
            f"as 'Current US$', 'Constant (2023) US$', 'Share of GDP'). Download the workbook "
            f"from {DOWNLOAD_URL}.", path=path)
    return found


def _edition_from_drawings(path: Path) -> int | None:
    """The edition named on the Front page text box ("SIPRI Military Expenditure Database
    2025"), or None."""
    counts: Counter[int] = Counter()
    try:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/drawings/") and name.endswith(".xml"):
                    text = read_member(zf, name).decode("utf-8", "replace")
                    text = re.sub(r"<[^>]+>", "", text)
                    counts.update(int(y) for y in _EDITION.findall(text))
    except (OSError, zipfile.BadZipFile, XlsxLimitError):
        return None
    return counts.most_common(1)[0][0] if counts else None


# ----------------------------------------------------------------------------------------
# Cell helpers
# ----------------------------------------------------------------------------------------

def clean_name(name: str) -> str:
    """A name as printed, NFKC-normalised, invisible format characters (zero-width space
    U+200B, right-to-left override U+202E, soft hyphen ...) removed and spaces collapsed, so
    that 'Jap\u200ban' and 'Japan' are one country.

    Examples
    --------
    >>> clean_name("Jap\u200ban"), clean_name("\u202eJapan "), clean_name("Ｊａｐａｎ")
    ('Japan', 'Japan', 'Japan')
    """
    if name.isascii():  # NFKC leaves ASCII alone and format characters are not ASCII
        return " ".join(name.split())
    text = unicodedata.normalize("NFKC", name)
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _year_of(v) -> int | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, float) and not v.is_integer():
        return None
    y = int(v)
    return y if YEAR_RANGE[0] <= y <= YEAR_RANGE[1] else None


@dataclass
class _Header:
    row: int
    name_col: int
    year_cols: list[int]
    years: list[int]
    labels: dict[str, int]  # normalised label → column
    extra_years: dict[int, int]  # "2024 (current prices)" column → year


def _find_header(rows: list[list], kind: SheetKind, path: Path, sheet: str) -> _Header:
    for i, row in enumerate(rows[:MAX_HEADER_ROW]):
        first = next((j for j, v in enumerate(row) if _text(v)), None)
        if first is None or normalise_name(_text(row[first])) != kind.first_label:
            continue
        year_cols = [j for j in range(first + 1, len(row)) if _year_of(row[j]) is not None]
        if len(year_cols) < 2:
            continue
        labels: dict[str, int] = {}
        extra: dict[int, int] = {}
        for j in range(first + 1, len(row)):
            if j in year_cols:
                continue
            t = _text(row[j])
            if not t:
                continue
            m = _CURRENT_PRICES_HEADER.match(t)
            if m:
                extra[j] = int(m.group(1))
                continue
            labels[normalise_name(t)] = j
        for j in range(first + 1, len(row)):
            if j in year_cols:
                continue
            v = row[j]
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                raise SipriFormatError(
                    f"the header cell holds {_text(v)!r}, which is not a year in sequence "
                    f"(expected whole years from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}, one per "
                    "column, each one more than the last): a mistyped year would drop or "
                    "misplace its column. Restore the header from the original SIPRI download.",
                    path=path, sheet=sheet, cell=cell_ref(i, j))
            if isinstance(v, str) and _YEARISH_TEXT.match(v):
                raise SipriFormatError(
                    f"the header cell holds the text {v!r}, not a year number: the column "
                    "would be dropped with its year. Expected a number such as 2024 (type it "
                    "again as a number, or restore the header from the original SIPRI "
                    "download).", path=path, sheet=sheet, cell=cell_ref(i, j))
        years = [_year_of(row[j]) for j in year_cols]
        if len(set(years)) != len(years):
            dup = next(y for y, n in Counter(years).items() if n > 1)
            second = year_cols[len(years) - 1 - years[::-1].index(dup)]
            raise SipriFormatError(
                f"the header row lists year {dup} twice; expected each year once, in "
                "increasing order. Restore the header from the original SIPRI download.",
                path=path, sheet=sheet, cell=cell_ref(i, second))
        for k in range(1, len(years)):
            if years[k] <= years[k - 1]:
                raise SipriFormatError(
                    f"the year columns are out of order: {years[k]} follows {years[k - 1]}; "
                    "expected the years in increasing order (a sorted or edited header would "
                    "put values under the wrong year). Restore the header from the original "
                    "SIPRI download.", path=path, sheet=sheet, cell=cell_ref(i, year_cols[k]))
        for k in range(1, len(years)):
            if years[k] != years[k - 1] + 1 or year_cols[k] != year_cols[k - 1] + 1:
                gap = ("columns between them" if years[k] == years[k - 1] + 1
                       else f"{years[k] - years[k - 1] - 1} year(s) missing")
                raise SipriFormatError(
                    f"the year columns are not consecutive: {years[k]} follows "
                    f"{years[k - 1]} ({gap}); expected one column per year, each one more than "
                    "the last (a mistyped year such as 2042 for 2024 would become data for "
                    "the wrong year). Restore the header from the original SIPRI download.",
                    path=path, sheet=sheet, cell=cell_ref(i, year_cols[k]))
        return _Header(i, first, year_cols, years, labels, extra)
    raise SipriFormatError(
        f"no header row found in the first {MAX_HEADER_ROW} rows: expected a row whose first "
        f"cell is {kind.first_label.title()!r} followed by year cells (e.g. 1949 ... 2024). "
        "Was the sheet edited? Use the original SIPRI download.", path=path, sheet=sheet)


def _label_col(header: _Header, prefix: str) -> int | None:
    for label, j in header.labels.items():
        if label.startswith(prefix):
            return j
    return None


def _notes_text(rows: list[list], header: _Header) -> str:
    return " ".join(_text(v) for row in rows[: header.row] for v in row if _text(v))


def _scale(notes: str, kind: SheetKind) -> float:
    if kind.unit not in ("USD",):
        return kind.scale
    for pattern, scale in _SCALE_PATTERNS:
        if pattern.search(notes):
            return scale
    return kind.scale


def parse_notes(cell) -> tuple[list[str], list[str], str]:
    """Split a Notes cell into symbol names, footnote numbers and any other text.

    Examples
    --------
    >>> parse_notes("‡§¶16")
    (['current_spending_only', 'adopted_budget', 'excludes_paramilitary'], ['16'], '')
    >>> parse_notes(56.0)
    ([], ['56'], '')
    >>> parse_notes("§4, 12")
    (['adopted_budget'], ['4', '12'], '')
    """
    text = _text(cell)
    symbols: list[str] = []
    numbers: list[str] = []
    rest: list[str] = []
    digits = ""
    for ch in text:
        if ch.isdigit():
            digits += ch
            continue
        if digits:
            numbers.append(digits)
            digits = ""
        if ch in SYMBOLS:
            if SYMBOLS[ch] not in symbols:
                symbols.append(SYMBOLS[ch])
        elif ch in " ,;/" or ch.isspace():
            continue
        else:
            rest.append(ch)
    if digits:
        numbers.append(digits)
    symbols.sort(key=_SYMBOL_ORDER.index)
    return symbols, numbers, "".join(rest)


def parse_fiscal_year(text: str) -> list[tuple[int | None, int | None, int]]:
    """Rules ``(first_year, last_year, start_month)`` from SIPRI's "Fiscal Year" text.

    Blank means Jan-Dec. Returns an empty list when the text states no convention
    ("See footnote").

    Examples
    --------
    >>> parse_fiscal_year("Apr-Mar")
    [(None, None, 4)]
    >>> parse_fiscal_year("")
    [(None, None, 1)]
    >>> parse_fiscal_year("Till: 1956 Apr-Mar, 1957: Apr-Dec, From 1958: Jan-Dec")
    [(None, 1956, 4), (1957, 1957, 4), (1958, None, 1)]
    >>> parse_fiscal_year("See footnote")
    []
    """
    text = " ".join(str(text).split())
    if not text:
        return [(None, None, 1)]
    rules = []
    for part in text.split(","):
        m = re.search(r"([A-Za-z]{3})[a-z]*\.?\s*[-–]\s*([A-Za-z]{3})", part)
        if not m or m.group(1).lower() not in _MONTHS:
            continue
        start = _MONTHS[m.group(1).lower()]
        head = part[: m.start()]
        lo = re.search(r"From\s*:?\s*(\d{4})", head, re.I)
        hi = re.search(r"Till\s*:?\s*(\d{4})", head, re.I)
        single = re.fullmatch(r"\s*(\d{4})\s*:?\s*", head)
        if single:
            y = int(single.group(1))
            rules.append((y, y, start))
        else:
            rules.append((int(lo.group(1)) if lo else None, int(hi.group(1)) if hi else None,
                          start))
    return rules


def _start_month(rules, year: int) -> int | None:
    for lo, hi, month in rules:
        if (lo is None or year >= lo) and (hi is None or year <= hi):
            return month
    return None


# ----------------------------------------------------------------------------------------
# The Footnotes sheet
# ----------------------------------------------------------------------------------------

def read_footnotes(rows: list[list]) -> tuple[dict[str, str], dict[str, str]]:
    """Numbered footnotes and the special-note legend of a Footnotes sheet.

    Returns ``(numbers, legend)``: footnote number (as text) → its text, and symbol → its
    text. A release without numbered footnotes (the April 2024 "1948-2023" file) gives an
    empty first dict.

    Examples
    --------
    >>> read_footnotes([["Footnotes and special notes", ""], ["§", "Adopted budget"],
    ...                 [56.0, "", "Japan: includes SACO."]])
    ({'56': 'Japan: includes SACO.'}, {'§': 'Adopted budget'})
    """
    numbers: dict[str, str] = {}
    legend: dict[str, str] = {}
    for row in rows:
        if not row:
            continue
        key = _text(row[0])
        rest = next((_text(v) for v in row[1:] if _text(v)), "")
        if not key or not rest:
            continue
        if key.isdigit():
            numbers[key] = rest
        elif key in SYMBOLS:
            legend[key] = rest
    return numbers, legend


# ----------------------------------------------------------------------------------------
# The data sheets
# ----------------------------------------------------------------------------------------

@dataclass
class _Context:
    path: Path
    source: str
    footnotes: dict[str, str]
    fonts: dict[tuple[int, int], str]
    base_year: int | None = None
    xml: bytes | None = None  # the sheet's XML, to say why a cell reads as empty


@dataclass
class _Entity:
    row: int
    name: str
    region: str | None
    subregion: str | None


def _body(rows: list[list], header: _Header, kind: SheetKind, path: Path, sheet: str
          ) -> list[_Entity]:
    """Country (or region) rows below the header, with the region headings they sit under."""
    data_cols = [j for j in range(len(rows[header.row])) if j != header.name_col]
    classified = []
    for i in range(header.row + 1, len(rows)):
        row = rows[i]
        name = _text(row[header.name_col]) if header.name_col < len(row) else ""
        filled = any(_text(row[j]) for j in data_cols if j < len(row))
        if not name:
            if filled:
                j = next(j for j in data_cols if j < len(row) and _text(row[j]))
                raise SipriFormatError(
                    f"row {i + 1} has values but no {kind.first_label} name in column "
                    f"{cell_ref(i, header.name_col)[:-len(str(i + 1))]}; expected a name or an "
                    "empty row.", path=path, sheet=sheet, cell=cell_ref(i, j))
            continue
        classified.append((i, clean_name(name), filled))
    entities: list[_Entity] = []
    region = subregion = None
    for k, (i, name, filled) in enumerate(classified):
        key = normalise_name(name)
        if kind.short == "regional":
            if key == normalise_name(WORLD):
                entities.append(_Entity(i, name, None, None))
            elif key in _KNOWN_REGIONS:
                region = name
                entities.append(_Entity(i, name, name, None))
            else:
                entities.append(_Entity(i, name, region, name))
            continue
        if not filled:  # a heading row
            next_is_heading = k + 1 < len(classified) and not classified[k + 1][2]
            if key in _KNOWN_REGIONS or next_is_heading:
                region, subregion = name, None
            else:
                subregion = name
            continue
        entities.append(_Entity(i, name, region, subregion))
    return entities


_BAD = object()


def _raw_text(rows, r: int, c: int) -> str:
    return _text(rows[r][c]) if c < len(rows[r]) else ""


def _check_unique_names(rows, entities, header: _Header, kind: SheetKind, path: Path,
                        sheet: str) -> None:
    """Refuse a sheet listing one country twice: which row's figures are right is unknowable."""
    seen: dict[str, int] = {}
    for e in entities:
        key = normalise_name(e.name)
        if key in seen:
            raw = [_raw_text(rows, r, header.name_col) for r in (seen[key], e.row)]
            hidden = (f" (as printed {raw[0]!r} and {raw[1]!r}: the same name once invisible "
                      "characters and compatibility forms are removed)"
                      if raw[0] != raw[1] else "")
            raise SipriFormatError(
                f"{kind.first_label} {e.name!r} appears twice (rows {seen[key] + 1} and "
                f"{e.row + 1}){hidden}; expected each {kind.first_label} once per sheet. "
                "Delete the copied row, or restore the sheet from the original SIPRI download.",
                path=path, sheet=sheet, cell=cell_ref(e.row, header.name_col))
        seen[key] = e.row


def _values(rows, header: _Header, entities: list[_Entity], cols: list[int], ctx: _Context,
            sheet: str):
    """Values (float, before scaling) and flags of the block entities × cols."""
    flat = [row[j] if j < len(row) else "" for row in (rows[e.row] for e in entities)
            for j in cols]
    nan = np.nan
    values = np.array([v if v.__class__ is float else nan for v in flat], dtype=float)
    get = _MARKER_FLAG.get
    flag_list = [None if v.__class__ is float else (get(v, _BAD) if v.__class__ is str
                                                      else _BAD) for v in flat]
    ncols = len(cols)
    for k in [k for k, f in enumerate(flag_list) if f is _BAD]:
        v = flat[k]
        if v.__class__ is int:
            values[k] = float(v)
            flag_list[k] = None
            continue
        if isinstance(v, str):
            flag = get(" ".join(v.split()))
            if flag is not None:
                flag_list[k] = flag
                continue
        e, j = entities[k // ncols], cols[k % ncols]
        if v is None or (isinstance(v, str) and not v.strip()):
            why = cell_problem(ctx.xml, cell_ref(e.row, j))
            if why is not None:
                raise SipriFormatError(
                    f"the value cell of {e.name} holds {why}; expected a figure or a SIPRI "
                    "marker ('...', '. .', 'xxx'). Open the workbook in Excel, let it "
                    "calculate, and save it; or restore the cell from the original SIPRI "
                    "download.", path=ctx.path, sheet=sheet, cell=cell_ref(e.row, j))
            raise SipriFormatError(
                f"the value cell of {e.name} is empty; SIPRI marks every missing figure "
                "('...' or '. .' unavailable, 'xxx' not independent), so an empty cell is "
                "a deleted figure. Restore the cell from the original SIPRI download (or type "
                "'...' if the figure is really unavailable).", path=ctx.path, sheet=sheet,
                cell=cell_ref(e.row, j))
        raise SipriFormatError(
            f"found {v!r} in the value cell of {e.name} where a number or a SIPRI marker "
            "was expected (a number, '...' or '. .' for unavailable, 'xxx' for not "
            "independent). Restore the cell from the original SIPRI download.",
            path=ctx.path, sheet=sheet,
            cell=cell_ref(e.row, j))
    _check_numbers(values, flag_list, entities, cols, ctx, sheet)
    if ctx.fonts:
        pos_row = {e.row: r for r, e in enumerate(entities)}
        pos_col = {j: c for c, j in enumerate(cols)}
        for (r, c), flag in ctx.fonts.items():
            rr = pos_row.get(r)
            cc = pos_col.get(c)
            if rr is not None and cc is not None:
                k = rr * ncols + cc
                if flag_list[k] is None and not np.isnan(values[k]):
                    flag_list[k] = flag
    flags = np.empty(len(flag_list), dtype=object)
    flags[:] = flag_list
    return values, flags


def _check_numbers(values: np.ndarray, flags: list, entities, cols: list[int], ctx: _Context,
                   sheet: str, *, scaled: float | None = None) -> None:
    """Refuse a value cell holding a non-finite number (NaN, inf, or a number that overflows
    once scaled to whole units) or a negative one, naming the cell."""
    if flags is None:  # scaled values: NaN marks a SIPRI marker, negatives are refused
        bad = np.isinf(values)
    else:
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(values) | (values < 0)
        bad &= np.fromiter((f is None for f in flags), dtype=bool, count=len(flags))
    if not bad.any():
        return
    k = int(np.flatnonzero(bad)[0])
    ncols = len(cols)
    e, j = entities[k // ncols], cols[k % ncols]
    v = float(values[k])
    if scaled is not None:
        what = (f"a figure that overflows to {v!r} once scaled to whole units (x {scaled:g})"
                if not np.isfinite(v) else f"a negative figure ({v!r})")
    elif np.isnan(v):
        what = "a number that is not a number (NaN)"
    elif np.isinf(v):
        what = f"an infinite number ({v!r})"
    else:
        what = f"a negative figure ({v!r}): spending and shares cannot be below zero"
    raise SipriFormatError(
        f"the value cell of {e.name} holds {what}; expected a finite, non-negative figure or a "
        "SIPRI marker ('...', '. .', 'xxx'). Restore the cell from the original SIPRI "
        "download.", path=ctx.path, sheet=sheet, cell=cell_ref(e.row, j))


def _entity_notes(rows, header: _Header, entities, ctx: _Context, sheet: str):
    """Per entity: symbols, footnote numbers and note text."""
    col = header.labels.get(NOTES_LABEL)
    symbols, footnotes, notes = [], [], []
    for e in entities:
        cell = rows[e.row][col] if col is not None else ""
        syms, nums, rest = parse_notes(cell)
        texts = []
        for num in nums:
            text = ctx.footnotes.get(num)
            if text is None and ctx.footnotes:
                warnings.warn(f"{ctx.path.name}, sheet {sheet!r}, cell "
                              f"{cell_ref(e.row, col)}: footnote {num} is not in the "
                              "Footnotes sheet.", SipriNoteWarning, stacklevel=find_stack_level())
            elif text is not None:
                texts.append(text)
        if rest:
            warnings.warn(f"{ctx.path.name}, sheet {sheet!r}, cell {cell_ref(e.row, col)}: "
                          f"unexpected text {rest!r} in Notes (expected symbols "
                          f"{''.join(SYMBOLS)} and footnote numbers); kept in 'note'.",
                          SipriNoteWarning, stacklevel=find_stack_level())
            texts.append(f"Notes cell: {_text(cell)}")
        symbols.append(",".join(syms) or None)
        footnotes.append(",".join(nums) or None)
        notes.append("\n".join(texts) or None)
    return symbols, footnotes, notes


class _ConcatParts(list):
    """Pieces of one column of a sheet that is itself made of several parts."""


def _flatten(piece) -> list:
    return list(piece) if isinstance(piece, _ConcatParts) else [piece]


class _Const:
    """A column that holds one value for all *n* rows of a part (expanded in _frame)."""

    __slots__ = ("n", "value")

    def __init__(self, value, n: int):
        self.value, self.n = value, n


class _PerEntity:
    """A column holding one value per entity, repeated for each of its years."""

    __slots__ = ("repeat", "values")

    def __init__(self, values, repeat: int):
        self.values, self.repeat = values, repeat


def _assemble(entities, years, values, flags, kind: SheetKind, ctx: _Context, iso3, *,
              unit=None, period=None, fy_start=None, price_basis=None, base_year=None,
              symbols=None, footnotes=None, notes=None, currency_name=None,
              fy_convention=None) -> dict:
    ne, ny = len(entities), len(years)
    n = ne * ny

    def per_entity(seq):
        return _PerEntity(seq, ny)

    def const(v):
        return _Const(v, n)

    adopted = [bool(s) and "adopted_budget" in s for s in (symbols or [None] * ne)]
    stage = (const(None) if kind.short == "regional" else
             per_entity(["enacted" if a else "actual" for a in adopted]))
    return {
        "country": per_entity([e.name for e in entities]),
        "iso3": per_entity([iso3.get(e.name) for e in entities]),
        "year": np.tile(np.asarray(years, dtype=np.int64), ne),
        "period": const(period or kind.period),
        "fy_start_month": (fy_start if fy_start is not None else const(1)),
        "measure": const(kind.measure),
        "basis": const(BASIS),
        "value": values,
        "unit": unit if unit is not None else const(kind.unit),
        "price_basis": const(price_basis or kind.price_basis),
        "base_year": const(base_year),
        "stage": stage,
        "flag": flags,
        "source": const(ctx.source),
        "region": per_entity([e.region for e in entities]),
        "subregion": per_entity([e.subregion for e in entities]),
        "currency_name": (per_entity(currency_name) if currency_name is not None
                          else const(None)),
        "note": per_entity(notes) if notes is not None else const(None),
        "footnotes": per_entity(footnotes) if footnotes is not None else const(None),
        "symbols": per_entity(symbols) if symbols is not None else const(None),
        "fy_convention": (per_entity(fy_convention) if fy_convention is not None
                          else const(None)),
        "_sheet": const(kind.short),
    }


def _column(pieces: list) -> np.ndarray:
    """Concatenate the pieces of one column (arrays, _Const and _PerEntity) into one array."""
    small, counts = [], []
    if all(isinstance(p, (_Const, _PerEntity)) for p in pieces):
        for p in pieces:
            if isinstance(p, _Const):
                small.append(p.value)
                counts.append(p.n)
            else:
                small.extend(p.values)
                counts.extend([p.repeat] * len(p.values))
        arr = np.empty(len(small), dtype=object)
        arr[:] = small
        return np.repeat(arr, counts)
    out = []
    for p in pieces:
        if isinstance(p, _Const):
            out.append(np.full(p.n, p.value, dtype=object if not isinstance(p.value, int)
                               else np.int64))
        elif isinstance(p, _PerEntity):
            arr = np.empty(len(p.values), dtype=object)
            arr[:] = p.values
            out.append(np.repeat(arr, p.repeat))
        else:
            out.append(p)
    return np.concatenate(out)


def _check_plausible(values: np.ndarray, entities, header: _Header, kind: SheetKind,
                     ctx: _Context, sheet: str, iso3: dict) -> None:
    """:func:`defbudget.sanity.sanity_check` on the values it would flag (shares above their
    limit, US$ above the world's spending), with its allow-list of documented outliers."""
    from defbudget.sanity import _SHARE_MEASURES, MAX_MONEY_USD, SanityError, sanity_check

    limit = _SHARE_MEASURES.get(kind.measure)
    if limit is None and kind.unit != "USD":
        return
    with np.errstate(invalid="ignore"):
        bad = values > (limit if limit is not None else MAX_MONEY_USD)
    if not bad.any():
        return
    ny = len(header.years)
    ks = np.flatnonzero(bad)
    cells = [cell_ref(entities[k // ny].row, header.year_cols[k % ny]) for k in ks]
    frame = pd.DataFrame({
        "country": [entities[k // ny].name for k in ks],
        "iso3": [iso3.get(entities[k // ny].name) for k in ks],
        "year": [header.years[k % ny] for k in ks], "measure": kind.measure,
        "unit": kind.unit, "value": values[ks]}, index=cells)
    try:
        sanity_check(frame, name=f"{ctx.path.name}, sheet {sheet!r}")
    except SanityError as exc:
        raise SipriFormatError(
            f"{exc.rows['index'].iloc[0]} holds an implausible value: {exc}", path=ctx.path,
            sheet=sheet, cell=str(exc.rows["index"].iloc[0])) from None


def _unit_fix(iso3: str | None, code: str, ctx: _Context) -> UnitFix | None:
    m = re.search(r"(\d{4})$", ctx.source)
    edition = int(m.group(1)) if m else 0
    for fix in UNIT_FIXES:
        if (fix.iso3 == iso3 and fix.labelled == code
                and fix.editions[0] <= edition <= fix.editions[1]):
            return fix
    return None


def _country_sheet(rows, kind: SheetKind, ctx: _Context, sheet: str) -> dict[str, np.ndarray]:
    """Shared engine of the country sheets (everything but Regional totals)."""
    header = _find_header(rows, kind, ctx.path, sheet)
    entities = _body(rows, header, kind, ctx.path, sheet)
    _check_unique_names(rows, entities, header, kind, ctx.path, sheet)
    values, flags = _values(rows, header, entities, header.year_cols, ctx, sheet)
    notes_text = _notes_text(rows, header)
    scale = _scale(notes_text, kind)
    if kind.share:
        finite = values[np.isfinite(values)]
        if finite.size and float(np.median(np.abs(finite))) > 1.0:
            scale = 0.01  # the sheet holds percentages (e.g. 1.37), not fractions (0.0137)
    if scale != 1.0:
        values = values * scale
        _check_numbers(values, None, entities, header.year_cols, ctx, sheet, scaled=scale)
    iso3 = iso3_codes([e.name for e in entities], context=f"{ctx.path.name}, sheet {sheet!r}: ")
    _check_plausible(values, entities, header, kind, ctx, sheet, iso3)
    symbols, footnotes, notes = _entity_notes(rows, header, entities, ctx, sheet)
    rep_col = header.labels.get(REPORTING_YEAR_LABEL)
    if rep_col is not None:
        for k, e in enumerate(entities):
            rep = _text(rows[e.row][rep_col])
            if rep:
                notes[k] = "\n".join(filter(None, [notes[k], f"Reporting year: {rep}"]))
    years = header.years
    ny = len(years)
    extra: dict = {}
    if kind.unit is None:  # local currency: the unit is each row's currency
        cur_col = _label_col(header, CURRENCY_LABEL)
        if cur_col is None:
            raise SipriFormatError(
                "no 'Currency' column in the header row; expected 'Country, Currency, ...'.",
                path=ctx.path, sheet=sheet, cell=cell_ref(header.row, header.name_col))
        names, units = [], []
        k_of = {e.row: k for k, e in enumerate(entities)}
        for e in entities:
            cname = _text(rows[e.row][cur_col])
            try:
                code = currency_code(cname, iso3=iso3.get(e.name), country=e.name)
            except UnknownCurrencyError as exc:
                warnings.warn(
                    f"{ctx.path.name}, sheet {sheet!r}, cell {cell_ref(e.row, cur_col)}: {exc} "
                    f"Its rows keep the name in 'currency_name' and get unit {UNKNOWN_UNIT!r} "
                    "(ISO 4217: no currency), so they convert only once you map it, e.g. "
                    f"df.loc[df.currency_name == {cname!r}, 'unit'] = '<ISO code>'.",
                    SipriUnknownCurrencyWarning, stacklevel=find_stack_level())
                code = UNKNOWN_UNIT
            row_units = [code] * ny
            for first, later in CURRENCY_BY_YEAR.get(iso3.get(e.name) or "", []):
                row_units = [later if y >= first else u for y, u in zip(years, row_units,
                                                                       strict=True)]
            fix = _unit_fix(iso3.get(e.name), code, ctx)
            if fix is not None:
                row_units = [fix.unit] * ny
                notes[k_of[e.row]] = "\n".join(filter(None, [notes[k_of[e.row]], fix.note]))
            names.append(cname)
            units.extend(row_units)
        extra["unit"] = np.asarray(units, dtype=object)
        extra["currency_name"] = names
    if kind.period == "FY":
        fy_col = _label_col(header, FISCAL_YEAR_LABEL)
        if fy_col is None:
            raise SipriFormatError(
                "no 'Fiscal Year' column in the header row of the financial-year sheet; "
                "expected 'Country, Currency, Fiscal Year (Jan-Dec if not stated), Notes, "
                "<years>'.", path=ctx.path, sheet=sheet,
                cell=cell_ref(header.row, header.name_col))
        months = np.ones(len(entities) * ny, dtype=np.int64)
        conventions = []
        for k, e in enumerate(entities):
            text = _text(rows[e.row][fy_col])
            rules = parse_fiscal_year(text)
            if not rules and e.name in FY_FROM_FOOTNOTES:
                rules = parse_fiscal_year(FY_FROM_FOOTNOTES[e.name])
            conventions.append(text or "Jan-Dec")
            uncovered = []
            for t, y in enumerate(years):
                m = _start_month(rules, y)
                if m is None:
                    m = 1
                    if not np.isnan(values[k * ny + t]):
                        uncovered.append(y)
                months[k * ny + t] = m
            if uncovered:
                span = (f"{uncovered[0]}" if len(uncovered) == 1
                        else f"{uncovered[0]}-{uncovered[-1]}")
                warnings.warn(
                    f"{ctx.path.name}, sheet {sheet!r}, cell {cell_ref(e.row, fy_col)}: the "
                    f"fiscal year of {e.name} in {span} is not stated ({text!r}); those rows "
                    "got fy_start_month 1 (their text is in 'fy_convention'). Check the "
                    "footnote and use the calendar-year sheet if in doubt.",
                    SipriFiscalYearWarning, stacklevel=find_stack_level())
        extra["fy_start"] = months
        extra["fy_convention"] = conventions
    base_year = None
    if kind.price_basis == "constant":
        base_year = ctx.base_year
    return _assemble(entities, years, values, flags, kind, ctx, iso3, base_year=base_year,
                     symbols=symbols, footnotes=footnotes, notes=notes, **extra)


def read_constant_usd_sheet(rows, ctx: _Context, sheet: str) -> dict[str, np.ndarray]:
    """``Constant (YYYY) US$``: milex in USD at constant YYYY prices and exchange rates.

    SIPRI prints US$ m.; values are × 1e6 (the scale is taken from the sheet's notes when they
    state one). The base year comes from the sheet name and must agree with the title.
    """
    base = _constant_base_year(sheet)
    title = _text(rows[0][0]) if rows and rows[0] else ""
    t = _BASE_YEAR_NOTE.search(title)
    if t and int(t.group(1)) != base:
        raise SipriFormatError(
            f"the sheet name says constant {base} US$ but its title says constant "
            f"{t.group(1)}; expected the same base year in both.", path=ctx.path,
            sheet=sheet, cell="A1")
    ctx.base_year = base
    return _country_sheet(rows, _KIND["constant_usd"], ctx, sheet)


def read_current_usd_sheet(rows, ctx: _Context, sheet: str) -> dict[str, np.ndarray]:
    """``Current US$``: milex in USD at current prices and exchange rates (US$ m. × 1e6)."""
    return _country_sheet(rows, _KIND["current_usd"], ctx, sheet)


def read_lcu_fy_sheet(rows, ctx: _Context, sheet: str) -> dict[str, np.ndarray]:
    """``Local currency financial years``: milex in the local currency (whole units), period FY.

    ``year`` is the year the fiscal year starts in (SIPRI: "Financial years are always treated
    as starting in the specified year"); ``fy_start_month`` comes from the Fiscal Year column
    (Japan "Apr-Mar" → 4; blank → Jan-Dec → 1; multi-period texts such as "Till: 1956
    Apr-Mar, 1957: Apr-Dec, From 1958: Jan-Dec" per year; "See footnote" via
    :data:`FY_FROM_FOOTNOTES`). ``unit`` is the ISO 4217 code of the Currency column.
    """
    return _country_sheet(rows, _KIND["lcu_fy"], ctx, sheet)


def read_lcu_cy_sheet(rows, ctx: _Context, sheet: str) -> dict[str, np.ndarray]:
    """``Local currency calendar years``: milex in the local currency (whole units), period CY."""
    return _country_sheet(rows, _KIND["lcu_cy"], ctx, sheet)


def read_share_gdp_sheet(rows, ctx: _Context, sheet: str) -> dict[str, np.ndarray]:
    """``Share of GDP``: milex_share_gdp as a ratio (0.0137 = 1.37 %).

    SIPRI stores fractions; a sheet whose values have a median above 1 is taken to hold
    percentages and divided by 100.
    """
    return _country_sheet(rows, _KIND["share_gdp"], ctx, sheet)


def read_per_capita_sheet(rows, ctx: _Context, sheet: str) -> dict[str, np.ndarray]:
    """``Per capita``: milex_per_capita in current US$ per person (unit ``USD/person``)."""
    return _country_sheet(rows, _KIND["per_capita"], ctx, sheet)


def read_share_govt_sheet(rows, ctx: _Context, sheet: str) -> dict[str, np.ndarray]:
    """``Share of Govt. spending``: milex_share_govt as a ratio of general government spending.

    A non-empty "Reporting year" cell is appended to ``note``.
    """
    return _country_sheet(rows, _KIND["share_govt"], ctx, sheet)


def read_regional_sheet(rows, ctx: _Context, sheet: str) -> dict[str, np.ndarray]:
    """``Regional totals``: milex of the world, regions and sub-regions, iso3 missing.

    SIPRI prints US$ b. at constant prices of the base year stated in the sheet's notes
    ("at constant 2023 prices"), × 1e9; the column headed "YYYY (current prices)" becomes a
    row at current prices. Red figures ("more than 10% of the total figure consists of
    estimates") get flag ``highly_uncertain``; "Omitted countries" goes to ``note``.
    """
    kind = _KIND["regional"]
    header = _find_header(rows, kind, ctx.path, sheet)
    notes_text = _notes_text(rows, header)
    m = re.search(r"constant\s*\(?\s*((?:19|20)\d{2})\s*\)?\s*prices", notes_text, re.I)
    if not m:
        raise SipriFormatError(
            "the notes above the header do not state the constant-price base year; expected "
            "a sentence like 'Figures are in US$ b., at constant 2023 prices'.",
            path=ctx.path, sheet=sheet, cell="A2")
    base = int(m.group(1))
    scale = _scale(notes_text, kind)
    entities = _body(rows, header, kind, ctx.path, sheet)
    omitted_col = header.labels.get(OMITTED_LABEL)
    notes = []
    for e in entities:
        omitted = _text(rows[e.row][omitted_col]) if omitted_col is not None else ""
        notes.append(f"Omitted countries: {omitted}" if omitted else None)
    iso3: dict[str, str | None] = {}
    values, flags = _values(rows, header, entities, header.year_cols, ctx, sheet)
    _check_numbers(values * scale, None, entities, header.year_cols, ctx, sheet, scaled=scale)
    parts = [_assemble(entities, header.years, values * scale, flags, kind, ctx, iso3,
                       base_year=base, notes=notes)]
    for col, year in header.extra_years.items():
        v, f = _values(rows, header, entities, [col], ctx, sheet)
        parts.append(_assemble(entities, [year], v * scale, f, kind, ctx, iso3,
                               price_basis="current", base_year=None, notes=notes))
    return {c: _ConcatParts([p[c] for p in parts]) for c in parts[0]}


_READERS = {
    "constant_usd": read_constant_usd_sheet,
    "current_usd": read_current_usd_sheet,
    "lcu_fy": read_lcu_fy_sheet,
    "lcu_cy": read_lcu_cy_sheet,
    "share_gdp": read_share_gdp_sheet,
    "per_capita": read_per_capita_sheet,
    "share_govt": read_share_govt_sheet,
    "regional": read_regional_sheet,
}

_STR_COLUMNS = ("country", "iso3", "period", "measure", "basis", "unit", "price_basis",
                "stage", "flag", "source", "region", "subregion", "currency_name", "note",
                "footnotes", "symbols", "fy_convention")


def _frame(parts: list[dict]) -> pd.DataFrame:
    cols = {c: _column([q for p in parts for q in _flatten(p[c])]) for c in parts[0]}
    keep = _drop_usd_duplicates(cols)
    if keep is not None:
        cols = {c: arr[keep] for c, arr in cols.items()}
    string = pd.StringDtype(na_value=np.nan)
    data = {}
    for c, arr in cols.items():
        if c == "_sheet":
            continue
        if c in _STR_COLUMNS:
            data[c] = pd.array(arr, dtype=string)
        elif c == "base_year":
            data[c] = pd.array(arr, dtype="Int64")
        elif c in ("year", "fy_start_month"):
            data[c] = arr.astype(np.int64)
        else:
            data[c] = arr.astype(np.float64)
    return pd.DataFrame(data)


def _drop_usd_duplicates(cols: dict[str, np.ndarray]) -> np.ndarray | None:
    """Mask dropping local-currency calendar-year rows of US-dollar countries that repeat a
    Current US$ row (same country, year, unit USD, current prices, CY).

    SIPRI prints the same figure on both sheets for the United States, Ecuador, El Salvador,
    Somalia, Timor-Leste and (to 2018) Zimbabwe; the tidy frame holds it once, from the
    Current US$ sheet. Should the two ever differ, a :class:`SipriDuplicateWarning` says so.
    """
    sheet = cols["_sheet"]
    lcu = (sheet == "lcu_cy") & (cols["unit"] == "USD")
    if not lcu.any() or not (sheet == "current_usd").any():
        return None
    usd = np.flatnonzero(sheet == "current_usd")
    index = {(cols["country"][k], int(cols["year"][k])): k for k in usd}
    keep = np.ones(len(sheet), dtype=bool)
    for k in np.flatnonzero(lcu):
        twin = index.get((cols["country"][k], int(cols["year"][k])))
        if twin is None:
            continue
        keep[k] = False
        a, b = cols["value"][k], cols["value"][twin]
        same = (np.isnan(a) and np.isnan(b)) or (abs(a - b) <= 1e-9 * max(abs(a), abs(b)))
        if not same or cols["flag"][k] != cols["flag"][twin]:
            warnings.warn(
                f"{cols['country'][k]} {int(cols['year'][k])}: the local-currency (US$) "
                f"figure {a!r} ({cols['flag'][k]}) differs from the Current US$ figure {b!r} "
                f"({cols['flag'][twin]}); keeping the Current US$ one.",
                SipriDuplicateWarning, stacklevel=find_stack_level())
    return keep


# ----------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------

def _normalise_sheets(sheets: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Validated short names, or None for "every data sheet the workbook has"."""
    if sheets is None:
        return None
    if isinstance(sheets, str):
        sheets = [sheets]
    out = []
    for s in sheets:
        if s not in _READERS:
            raise ValueError(
                f"unknown SIPRI sheet {s!r}; expected one of {list(_READERS)} "
                "(see defbudget.readers.sipri.SHEET_NAMES).")
        if s not in out:
            out.append(s)
    return tuple(out)


def _scan_sheets(path: Path, sheet_names: list[str], sheets_xml: dict[str, bytes]
                 ) -> dict[str, str]:
    """Bounds of each sheet's XML (cells beyond ZZ999, entity references), checked before
    calamine builds its dense grid. Returns sheet name → zip member."""
    from defbudget.readers._xlsx_styles import _guard, _Hostile, _hostile_error, _sheet_parts

    with zipfile.ZipFile(path) as zf:
        try:
            parts = _guard("xl/workbook.xml", _sheet_parts, zf)
        except _Hostile as exc:
            raise SipriFormatError(_hostile_error(path, exc.part).detail, path=path) from None
        except Exception:  # calamine reports a broken workbook.xml itself
            return {}
        for name in sheet_names:
            member = parts.get(name)
            if member is None or member not in zf.NameToInfo:
                continue
            data = sheets_xml.get(member)
            try:
                scan_sheet(read_member(zf, member) if data is None else data, member)
            except XlsxLimitError as exc:
                raise _limit_error(exc, path, name) from None
    return parts


def _sheet_rows(wb, name: str, path: Path) -> list[list]:
    """A sheet's cells from calamine, its errors turned into the reader's own."""
    try:
        return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise SipriFormatError(
            f"the sheet's XML cannot be read ({type(exc).__name__}: {exc}). Expected an .xlsx "
            f"as saved by Excel: download the workbook again from {DOWNLOAD_URL}, or open it "
            "in Excel and save a fresh copy.", path=path, sheet=name) from None


def _check_frame(frame: pd.DataFrame, path: Path) -> None:
    """The tidy contract (:func:`defbudget.schema.validate`) on what the reader returns."""
    from defbudget import schema

    # keys=False: each name and year appear once per sheet (checked with their cells in
    # _find_header and _check_unique_names), each sheet is of another kind (measure, unit,
    # prices or period), and _drop_usd_duplicates removes the one overlap (US$ rows of the
    # local-currency calendar-year sheet)
    violations = schema.validate(frame, name=path.name, raise_=False, keys=False)
    if violations:
        shown = "; ".join(str(v) for v in violations[:5])
        raise SipriFormatError(
            f"the frame read from this workbook breaks the tidy contract in "
            f"{len(violations)} place(s): {shown}. The workbook has a layout this reader does "
            "not know; use the original SIPRI download, or report it (with the file name) to "
            "the defbudget maintainers.", path=path)


def _read(path: Path, shorts: tuple[str, ...] | None) -> tuple[pd.DataFrame, dict]:
    from defbudget.readers._xlsx_styles import read_font_flags

    wb, sheets_xml = _open_checked(path)
    names = list(wb.sheet_names)
    found = _match_sheets(names, path)
    sheets_default = shorts is None
    if shorts is None:
        shorts = tuple(s for s in _READERS if s in found)
    missing = [s for s in shorts if s not in found]
    if missing:
        raise SipriFormatError(
            f"no sheet for {missing} (expected titles like "
            f"{[SHEET_NAMES[s].split(':')[0] for s in missing]}); the workbook has sheets "
            f"{names}. Pass sheets= with the ones it has, e.g. sheets={sorted(found)}.",
            path=path)
    if sheets_default and FULL_RELEASE_MIN <= len(found) < len(SHEET_KINDS):
        unmatched = [n for n in names if n not in found.values()
                     and not FOOTNOTES_SHEET.search(n) and not _FRONT_PAGE.search(n)]
        for s in (s for s in _READERS if s not in found):
            warnings.warn(
                f"{path.name}: no sheet like {SHEET_NAMES[s].split(':')[0]!r} ({s}), which "
                f"every full SIPRI release has; its {len(found)} other data sheets were read "
                f"and this one was not. Sheets matching no kind: {unmatched}. If one of them "
                "is it, restore its name from the original SIPRI download.",
                SipriMissingSheetWarning, stacklevel=find_stack_level())
    foot_name = next((n for n in names if FOOTNOTES_SHEET.search(n)), None)
    members = _scan_sheets(path, [found[s] for s in shorts] + ([foot_name] if foot_name else []),
                           sheets_xml)
    rows_of = {s: _sheet_rows(wb, found[s], path) for s in shorts}
    footnotes: dict[str, str] = {}
    if foot_name is not None:
        footnotes, _legend = read_footnotes(_sheet_rows(wb, foot_name, path))
    try:
        fonts = read_font_flags(path, [found[s] for s in shorts], data_of=sheets_xml)
    except SourceFormatError as exc:
        raise SipriFormatError(exc.detail, path=path, sheet=exc.sheet, cell=exc.cell) from exc
    edition = _edition_from_drawings(path)
    years: list[int] = []
    headers_years = {}
    header_error: SipriFormatError | None = None
    for s in shorts:
        rows = rows_of[s]
        try:
            h = _find_header(rows, _KIND[s], path, found[s])
        except SipriFormatError as exc:
            header_error = header_error or exc
            continue  # reported with the sheet's own reader below
        headers_years[s] = h
        years += [min(h.years), max(h.years)]
    edition_from = "front page"
    for s, h in headers_years.items():
        if edition is not None and h.years[-1] > edition:
            raise SipriFormatError(
                f"the last year column is {h.years[-1]}, after the edition's year {edition} "
                f"(the Front page says 'SIPRI Military Expenditure Database {edition}'): no "
                "release holds data for years after it (a mistyped year such as 2042 for "
                "2024?). Restore the header from the original SIPRI download.", path=path,
                sheet=found[s], cell=cell_ref(h.row, h.year_cols[-1]))
    if edition is None:
        edition = (max(years) + 1) if years else None
        edition_from = "inferred: last data year + 1"
    if edition is None and header_error is not None:
        raise header_error
    if edition is None:
        raise SipriFormatError("cannot tell the edition: no Front page text and no year "
                               "columns.", path=path)
    source = SOURCE_ID.format(edition=edition)
    parts = []
    base_year = None
    if "constant_usd" not in shorts and "constant_usd" in found:
        base_year = _constant_base_year(found["constant_usd"])
    for s in shorts:
        ctx = _Context(path, source, footnotes, fonts.get(found[s], {}), base_year,
                       sheets_xml.get(members.get(found[s], "")))
        parts.append(_READERS[s](rows_of[s], ctx, found[s]))
        base_year = ctx.base_year or base_year
    frame = _frame(parts)
    _check_frame(frame, path)
    if "constant_usd" in found:
        base_year = _constant_base_year(found["constant_usd"])
    title = ""
    for s in shorts:
        rows = rows_of[s]
        if rows and rows[0]:
            title = next((_text(v) for v in rows[0] if _text(v)), "")
            if _TITLE_YEARS.search(title):
                break
    ty = _TITLE_YEARS.search(title)
    info = {
        "path": str(path),
        "edition": edition,
        "edition_from": edition_from,
        "source": source,
        "title_years": f"{ty.group(1)}-{ty.group(2)}" if ty else None,
        "first_year": min(years) if years else None,
        "last_year": max(years) if years else None,
        "base_year": base_year,
        "sheets": {s: found[s] for s in _READERS if s in found},
        "footnotes": len(footnotes),
    }
    return frame, info


def read_sipri(path: str | PathLike | None = None, *,
               sheets: str | Iterable[str] | None = None, cache: bool = True,
               cache_dir: str | PathLike | None = None) -> pd.DataFrame:
    """Read a SIPRI Military Expenditure Database workbook into the tidy frame.

    Parameters
    ----------
    path
        The workbook (``SIPRI-Milex-data-1949-2024_2.xlsx`` or any release since 2023), or a
        folder holding SIPRI workbooks (the newest is used). Default: the environment
        variable ``DEFBUDGET_SIPRI``. See the module docstring for how to download it. The
        file is opened read-only and never modified.
    sheets
        Short names of the sheets to read; a named sheet the workbook lacks is an error.
        Default: every data sheet the workbook has. The short names:

        ``"constant_usd"``  ``Constant (YYYY) US$``: milex, ``USD``, constant, base year YYYY
        ``"current_usd"``   ``Current US$``: milex, ``USD``, current prices
        ``"lcu_fy"``        ``Local currency financial years``: milex, ISO code of the local
                            currency, period ``FY`` with ``fy_start_month`` (Japan 4)
        ``"lcu_cy"``        ``Local currency calendar years``: milex, local currency, ``CY``
        ``"share_gdp"``     ``Share of GDP``: milex_share_gdp, ``ratio``
        ``"per_capita"``    ``Per capita``: milex_per_capita, ``USD/person``, current
        ``"share_govt"``    ``Share of Govt. spending``: milex_share_govt, ``ratio``
        ``"regional"``      ``Regional totals``: milex of regions (iso3 missing), ``USD``
    cache
        Reuse the result of an earlier call on a file with the same content (SHA-256) in this
        session; a copy is returned, so changing it does not change the cache.
    cache_dir
        Also keep results on disk in this folder (default ``$DEFBUDGET_CACHE_DIR``; none).

    Returns
    -------
    pandas.DataFrame
        The tidy frame (:mod:`defbudget.schema`): values in whole units (dollars, local
        currency units, ratios); ``source`` ``sipri-milex-<edition>`` (e.g.
        ``sipri-milex-2025`` for the 1949-2024 data), ``basis`` ``"sipri"``, ``stage``
        ``enacted`` for § (adopted budget) rows and ``actual`` otherwise (missing for regional
        totals); ``flag`` ``estimate`` / ``highly_uncertain`` (blue / red figures),
        ``unavailable`` (". .", "...", blank) or ``not_independent`` ("xxx"); plus
        ``region``, ``subregion``, ``currency_name``, ``fy_convention``, ``footnotes``,
        ``note`` (footnote text) and ``symbols`` (comma-separated names from
        :data:`SYMBOLS`, e.g. ``"adopted_budget,currency_redenominated"``). Every cell of
        every country row is a row, missing values included, so nothing disappears.

    Raises
    ------
    SipriWorkbookNotFoundError
        No path and no ``DEFBUDGET_SIPRI`` (the message says how to get the workbook).
    SipriFormatError
        Not a workbook, not SIPRI's, over a size limit (zip bomb, a cell beyond ZZ999), a
        requested sheet missing, no header row, a year header that is text, mistyped or out
        of sequence, text, an empty cell, a non-finite, negative or implausible number, an
        error or uncalculated formula in a value cell, a country listed twice; the message
        names the file, sheet and cell.

    Warns
    -----
    UnknownCountryWarning
        A country name with no ISO3 code (``iso3`` stays missing).
    SipriUnknownCurrencyWarning
        A currency name the reader does not know: unit ``XXX``, the name in
        ``currency_name``.
    SipriMissingSheetWarning
        A full release lacks a sheet kind (default read only).
    SipriFiscalYearWarning, SipriNoteWarning
        A fiscal year or Notes cell the reader could not interpret (kept as text).

    Examples
    --------
    A one-sheet workbook in SIPRI's layout (the real one reads the same way):

    >>> import os, tempfile, openpyxl
    >>> from openpyxl.styles import Font
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Current US$"
    >>> ws.append(["Military expenditure by country, in millions of US$, 2023-2024"])
    >>> ws.append(["Country", "Notes", 2023.0, 2024.0])
    >>> ws.append(["Asia & Oceania"]); ws.append(["East Asia"])
    >>> ws.append(["Japan", "56", 50160.8, 55273.9])
    >>> ws["D5"].font = Font(color="FF0000FF")  # blue: a SIPRI estimate
    >>> ws.append(["Korea, North", "", "...", "xxx"])
    >>> path = os.path.join(tempfile.mkdtemp(), "SIPRI-Milex-data-2023-2024.xlsx")
    >>> wb.save(path)
    >>> df = read_sipri(path, cache=False)
    >>> print(df[["country", "iso3", "year", "value", "unit", "flag"]].to_string())
            country iso3  year         value unit             flag
    0         Japan  JPN  2023  5.016080e+10  USD              NaN
    1         Japan  JPN  2024  5.527390e+10  USD         estimate
    2  North Korea  PRK  2023           NaN  USD      unavailable
    3  North Korea  PRK  2024           NaN  USD  not_independent
    >>> df.loc[0, ["subregion", "footnotes", "source"]].tolist()
    ['East Asia', '56', 'sipri-milex-2025']
    """
    shorts = _normalise_sheets(sheets)
    p = find_sipri_workbook(path)
    directory = _cache.cache_dir(cache_dir) if cache else None
    key = None
    if cache:
        which = "all" if shorts is None else "+".join(shorts)
        key = f"sipri-{_cache.file_digest(p)}-{which}-v{READER_VERSION}"
        hit = _cache.get(key, directory=directory)
        if hit is not None:
            return _display_names(hit[0])
    frame, info = _read(p, shorts)
    if cache and key is not None:
        _cache.put(key, (frame, info), directory=directory)
    return _display_names(frame)


def _display_names(frame: pd.DataFrame) -> pd.DataFrame:
    """SIPRI's names ('Korea, South') replaced by the short display names ('South Korea')
    where the row has an ISO3 code; states without one ('USSR') and totals keep SIPRI's.
    SIPRI's own name stays in ``country_as_published`` (release diffs compare those)."""
    from defbudget.countries import with_display_names

    if "country" in frame.columns:
        frame = frame.assign(country_as_published=frame["country"])
    return with_display_names(frame)


def sipri_release_info(path: str | PathLike | None = None) -> dict:
    """Edition, year range, base year and sheets of a SIPRI workbook.

    Parameters
    ----------
    path
        As for :func:`read_sipri` (default ``$DEFBUDGET_SIPRI``).

    Returns
    -------
    dict
        ``edition`` (int, e.g. 2025: the year in "SIPRI Military Expenditure Database 2025"
        on the Front page, else the last data year + 1, see ``edition_from``), ``source``
        (``"sipri-milex-2025"``), ``first_year``/``last_year`` (of the year columns),
        ``title_years`` (as printed, e.g. ``"1949-2024"``), ``base_year`` (constant US$),
        ``sheets`` (short name → sheet name), ``footnotes`` (number of numbered footnotes),
        ``path``.

    Examples
    --------
    >>> sipri_release_info("SIPRI-Milex-data-1949-2024_2.xlsx")["edition"]  # doctest: +SKIP
    2025
    """
    p = find_sipri_workbook(path)
    key = f"sipri-info-{_cache.file_digest(p)}-v{READER_VERSION}"
    hit = _cache.get(key)
    if hit is not None:
        return hit
    with warnings.catch_warnings():  # row-level warnings belong to read_sipri, not here
        warnings.simplefilter("ignore", DefbudgetWarning)
        _, info = _read(p, None)
    _cache.put(key, info)
    return info

"""``read_sipri`` and ``sipri_release_info``: open, locate the sheets, read each one, build
and validate the frame, with the results kept by :mod:`defbudget.readers._cache`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from defbudget._xlsx import CellTags, cell_ref
from defbudget.errors import DefbudgetWarning, find_stack_level
from defbudget.readers import _cache
from defbudget.readers._common import SourceFormatError
from defbudget.readers._xlsx_styles import read_font_flags
from defbudget.readers.sipri._errors import SipriFormatError, SipriMissingSheetWarning
from defbudget.readers.sipri.frame import _frame_and_values
from defbudget.readers.sipri.grammar import _text, read_footnotes
from defbudget.readers.sipri.layout import (
    _FRONT_PAGE,
    _KIND,
    FOOTNOTES_SHEET,
    FULL_RELEASE_MIN,
    SHEET_KINDS,
    SHEET_NAMES,
    _constant_base_year,
    _find_header,
    _Header,
    _match_sheets,
)
from defbudget.readers.sipri.locate import find_sipri_workbook
from defbudget.readers.sipri.open import (
    _edition_from_drawings,
    _open_checked,
    _scan_sheets,
    _sheet_rows,
)
from defbudget.readers.sipri.sheets import _READERS
from defbudget.readers.sipri.values import _Context

__all__ = ["READER_VERSION", "SOURCE_ID", "read_sipri", "sipri_release_info"]

_TITLE_YEARS = re.compile(r"((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})")

#: Source id pattern: resolved to a full citation by ``defbudget.cite``.
SOURCE_ID = "sipri-milex-{edition}"
#: Bumped whenever the output of the reader changes, so cached results are not reused
#: ("4": cached results carry the read's warnings, replayed on a hit).
READER_VERSION = "4"


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


def _check_frame(frame: pd.DataFrame, path: Path,
                 known: dict[str, np.ndarray] | None = None) -> None:
    """The tidy contract (:func:`defbudget.schema.validate`) on what the reader returns;
    *known*: each text column's values as the frame was built from them
    (:func:`~defbudget.readers.sipri.frame._frame_and_values`), checked once each instead of
    collected from the rows."""
    from defbudget import schema

    # keys=False: each name and year appear once per sheet (checked with their cells in
    # _find_header and _check_unique_names), each sheet is of another kind (measure, unit,
    # prices or period), and _drop_usd_duplicates removes the one overlap (US$ rows of the
    # local-currency calendar-year sheet)
    violations = schema._validate(frame, schema._Distinct(frame, known), name=path.name,
                                  raise_=False, keys=False)
    if violations:
        shown = "; ".join(str(v) for v in violations[:5])
        raise SipriFormatError(
            f"the frame read from this workbook breaks the tidy contract in "
            f"{len(violations)} place(s): {shown}. The workbook has a layout this reader does "
            "not know; use the original SIPRI download, or report it (with the file name) to "
            "the defbudget maintainers.", path=path)


def _read(path: Path, shorts: tuple[str, ...] | None) -> tuple[pd.DataFrame, dict]:
    """The frame and the release info of the workbook at *path*: open it behind the guard,
    find its sheets, read the cells (calamine) and the font colours, tell the edition, read
    each sheet, build the frame and validate it."""
    wb, members = _open_checked(path)
    names = list(wb.sheet_names)
    found, shorts = _sheets_to_read(names, shorts, path)
    foot_name = next((n for n in names if FOOTNOTES_SHEET.search(n)), None)
    plain: set[str] = set()
    tags: dict[str, CellTags] = {}
    parts = _scan_sheets(path, [found[s] for s in shorts] + ([foot_name] if foot_name else []),
                         members, plain, tags)
    rows_of = {s: _sheet_rows(wb, found[s], path) for s in shorts}
    footnotes: dict[str, str] = {}
    if foot_name is not None:
        footnotes, _legend = read_footnotes(_sheet_rows(wb, foot_name, path))
    try:
        fonts = read_font_flags(path, [found[s] for s in shorts], data_of=members,
                                plain_cells=plain, cell_tags=tags, parts=parts or None)
    except SourceFormatError as exc:
        raise SipriFormatError(exc.detail, path=path, sheet=exc.sheet, cell=exc.cell) from exc
    headers: dict[str, _Header] = {}
    edition, edition_from, years = _edition(path, members, rows_of, found, shorts, headers)
    source = SOURCE_ID.format(edition=edition)
    pieces = []
    base_year = None
    if "constant_usd" not in shorts and "constant_usd" in found:
        base_year = _constant_base_year(found["constant_usd"])
    for s in shorts:
        ctx = _Context(path, source, footnotes, fonts.get(found[s], {}), base_year,
                       members.get(parts.get(found[s], "")), headers.get(s))
        pieces.append(_READERS[s](rows_of[s], ctx, found[s]))
        base_year = ctx.base_year or base_year
    frame, (known, positions) = _frame_and_values(pieces)
    _check_frame(frame, path, known)
    frame = _display_names(frame, known, positions)
    if "constant_usd" in found:
        base_year = _constant_base_year(found["constant_usd"])
    info = {
        "path": str(path),
        "edition": edition,
        "edition_from": edition_from,
        "source": source,
        "title_years": _title_years(rows_of, shorts),
        "first_year": min(years) if years else None,
        "last_year": max(years) if years else None,
        "base_year": base_year,
        "sheets": {s: found[s] for s in _READERS if s in found},
        "footnotes": len(footnotes),
    }
    return frame, info


def _sheets_to_read(names: list[str], shorts: tuple[str, ...] | None, path: Path
                    ) -> tuple[dict[str, str], tuple[str, ...]]:
    """Short name → sheet name of the data sheets found, and the short names to read (all
    found by default). A requested sheet the workbook lacks is an error; in the default read
    a full release missing a kind gets a :class:`SipriMissingSheetWarning`."""
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
    return found, shorts


def _edition(path: Path, members: dict[str, bytes], rows_of: dict[str, list[list]],
             found: dict[str, str], shorts: tuple[str, ...],
             headers: dict[str, _Header] | None = None) -> tuple[int, str, list[int]]:
    """The edition (from the Front page, else the last year column + 1), where it came from,
    and the first and last year of each sheet read. No year column may pass the edition.
    The header rows found are put in *headers* (short name → header), for the readers."""
    edition = _edition_from_drawings(members)
    years: list[int] = []
    headers = {} if headers is None else headers
    header_error: SipriFormatError | None = None
    for s in shorts:
        try:
            h = _find_header(rows_of[s], _KIND[s], path, found[s])
        except SipriFormatError as exc:
            header_error = header_error or exc
            continue  # reported with the sheet's own reader below
        headers[s] = h
        years += [min(h.years), max(h.years)]
    for s, h in headers.items():
        if edition is not None and h.years[-1] > edition:
            raise SipriFormatError(
                f"the last year column is {h.years[-1]}, after the edition's year {edition} "
                f"(the Front page says 'SIPRI Military Expenditure Database {edition}'): no "
                "release holds data for years after it (a mistyped year such as 2042 for "
                "2024?). Restore the header from the original SIPRI download.", path=path,
                sheet=found[s], cell=cell_ref(h.row, h.year_cols[-1]))
    if edition is not None:
        return edition, "front page", years
    if years:
        return max(years) + 1, "inferred: last data year + 1", years
    if header_error is not None:
        raise header_error
    raise SipriFormatError("cannot tell the edition: no Front page text and no year "
                           "columns.", path=path)


def _title_years(rows_of: dict[str, list[list]], shorts: tuple[str, ...]) -> str | None:
    """The year span printed in the first sheet title that has one ("1949-2024")."""
    title = ""
    for s in shorts:
        rows = rows_of[s]
        if rows and rows[0]:
            title = next((_text(v) for v in rows[0] if _text(v)), "")
            if _TITLE_YEARS.search(title):
                break
    ty = _TITLE_YEARS.search(title)
    return f"{ty.group(1)}-{ty.group(2)}" if ty else None


def read_sipri(path: str | PathLike | None = None, *,
               sheets: str | Iterable[str] | None = None, cache: bool = True,
               cache_dir: str | PathLike | None = None) -> pd.DataFrame:
    """Read a SIPRI Military Expenditure Database workbook into the tidy frame.

    Why this is long: the docstring documents every sheet, column, error and warning a user
    meets, with a runnable example; the code is fifteen lines (the work is in :func:`_read`).

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
        Reuse the result of an earlier read of a file with the same content (SHA-256), from
        this session or from disk (:mod:`defbudget.readers._cache`); a copy is returned, so
        changing it does not change the cache. A cached read issues the warnings the first
        read issued (e.g. :class:`SipriFiscalYearWarning` for Myanmar). ``False``: parse
        the workbook again and keep nothing.
    cache_dir
        The on-disk cache folder. Default: ``$DEFBUDGET_CACHE_DIR``, else the user cache
        folder of the platform (``platformdirs.user_cache_dir("defbudget")``, on Linux
        ``~/.cache/defbudget``); ``DEFBUDGET_NO_CACHE=1`` keeps results in memory only.

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
    if not cache:
        return _read(p, shorts)[0]
    which = "all" if shorts is None else "+".join(shorts)
    key = f"sipri-{_cache.file_digest(p)}-{which}-v{READER_VERSION}"
    # read_through keeps the read's warnings with the frame and issues them again on a hit
    frame, _ = _cache.read_through(key, lambda: _read(p, shorts),
                                   directory=_cache.cache_dir(cache_dir))
    return frame


def _display_names(frame: pd.DataFrame, known: dict[str, np.ndarray] | None = None,
                   positions: dict[str, np.ndarray | None] | None = None) -> pd.DataFrame:
    """SIPRI's names ('Korea, South') replaced by the short display names ('South Korea')
    where the row has an ISO3 code; states without one ('USSR') and totals keep SIPRI's.
    SIPRI's own name stays in ``country_as_published`` (release diffs compare those).

    :func:`defbudget.countries.display_renames` decides the names (as
    :func:`~defbudget.countries.with_display_names` would), on the frame's few distinct
    (country, iso3) pairs rather than its every row; the rows then take their name by
    position. *known* and *positions* (from
    :func:`~defbudget.readers.sipri.frame._frame_and_values`) give the values the columns
    were built from and each row's position among them: when ``country`` and ``iso3`` share
    positions, the pairs are read from those values, with no pass over the rows."""
    from defbudget.countries import display_renames, with_display_names

    if "country" not in frame.columns or "iso3" not in frame.columns or frame.empty:
        if "country" in frame.columns:
            frame = frame.assign(country_as_published=frame["country"])
        return with_display_names(frame)
    shared = _shared_positions(known, positions)
    if shared is not None:  # the pairs as built, side by side
        names, isos, codes = shared
        rename = display_renames(names.tolist(), isos.tolist())
    else:
        codes, names = pd.factorize(frame["country"], use_na_sentinel=False)
        iso_codes, isos = pd.factorize(frame["iso3"], use_na_sentinel=False)
        _, first = np.unique(codes.astype(np.int64) * (len(isos) + 1) + iso_codes,
                             return_index=True)
        first.sort()  # the pairs in the order they first appear, as drop_duplicates gives them
        rename = display_renames(frame["country"].take(first).tolist(),
                                 frame["iso3"].take(first).tolist())
    out = frame.assign(country_as_published=frame["country"])
    if rename:
        new = pd.array([rename.get(n, n) for n in names], dtype=frame["country"].dtype)
        out["country"] = pd.Series(new.take(codes), index=frame.index)
    return out


def _shared_positions(known: dict[str, np.ndarray] | None,
                      positions: dict[str, np.ndarray | None] | None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(names, codes, the rows' positions among them) when ``country`` and ``iso3`` were
    built with the same positions (a name and its code side by side), else None."""
    if not known or not positions or "country" not in known or "iso3" not in known:
        return None
    a, b = positions.get("country"), positions.get("iso3")
    names, isos = known["country"], known["iso3"]
    if a is None or b is None or len(names) != len(isos):
        return None
    return (names, isos, a) if a is b or np.array_equal(a, b) else None


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

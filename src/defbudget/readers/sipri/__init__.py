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
(:mod:`defbudget._xlsx`). Then: year headers must be whole, consecutive
numbers not past the edition; value cells must hold a finite, non-negative number or a SIPRI
marker; names are compared after NFKC normalisation with invisible characters removed; the
sheet's values pass :func:`defbudget.sanity.sanity_check` (documented outliers allowed) and
the frame passes :func:`defbudget.schema.validate`. Every refusal is a
:class:`SipriFormatError` naming the file, sheet and cell. Croatia's and Sierra Leone's
local-currency units are corrected by edition (:data:`UNIT_FIXES`).

How the package is laid out
---------------------------
One module per job, all re-exported here (import from ``defbudget.readers.sipri``):
:mod:`~defbudget.readers.sipri.locate` finds the workbook,
:mod:`~defbudget.readers.sipri.open` opens it behind the bounds of :mod:`defbudget._xlsx`,
:mod:`~defbudget.readers.sipri.grammar` reads SIPRI's markers, notes and fiscal years,
:mod:`~defbudget.readers.sipri.layout` finds sheets, header rows, years and country rows,
:mod:`~defbudget.readers.sipri.values` reads and checks the value cells,
:mod:`~defbudget.readers.sipri.sheets` holds one reader per sheet kind,
:mod:`~defbudget.readers.sipri.frame` builds the tidy columns, and
:mod:`~defbudget.readers.sipri.assemble` runs it all (``read_sipri``, validation, cache).
"""

from __future__ import annotations

# Names importable from defbudget.readers.sipri when it was one module stay importable
# (tests/test_readers_sipri.py pins the list); the private ones are for the kit's own tests.
from defbudget._xlsx import (
    MAX_FILE_BYTES,
    XlsxLimitError,
    cell_problem,
    cell_ref,
    check_zip,
    read_member,
    scan_sheet,
)
from defbudget.errors import DefbudgetError, DefbudgetWarning, find_stack_level
from defbudget.readers import _cache
from defbudget.readers._common import SourceFormatError
from defbudget.readers._countries import (
    CURRENCY_BY_YEAR,
    UnknownCurrencyError,
    currency_code,
    iso3_codes,
    normalise_name,
)
from defbudget.readers.sipri._errors import (
    SipriDuplicateWarning,
    SipriFiscalYearWarning,
    SipriFormatError,
    SipriMissingSheetWarning,
    SipriNoteWarning,
    SipriUnknownCurrencyWarning,
    SipriWorkbookNotFoundError,
)
from defbudget.readers.sipri.assemble import (
    _TITLE_YEARS,
    READER_VERSION,
    SOURCE_ID,
    _check_frame,
    _display_names,
    _normalise_sheets,
    _read,
    read_sipri,
    sipri_release_info,
)
from defbudget.readers.sipri.frame import (
    _STR_COLUMNS,
    BASIS,
    _assemble,
    _column,
    _ConcatParts,
    _Const,
    _drop_usd_duplicates,
    _flatten,
    _frame,
    _PerEntity,
)
from defbudget.readers.sipri.grammar import (
    _MARKER_FLAG,
    _MONTHS,
    _SYMBOL_ORDER,
    FY_FROM_FOOTNOTES,
    NOT_INDEPENDENT,
    NOT_INDEPENDENT_MARKERS,
    SYMBOLS,
    UNAVAILABLE,
    UNAVAILABLE_MARKERS,
    _start_month,
    _text,
    clean_name,
    parse_fiscal_year,
    parse_notes,
    read_footnotes,
)
from defbudget.readers.sipri.layout import (
    _BASE_YEAR_NOTE,
    _CURRENT_PRICES_HEADER,
    _FRONT_PAGE,
    _KIND,
    _KNOWN_REGIONS,
    _SCALE_PATTERNS,
    _YEARISH_TEXT,
    COUNTRY_LABEL,
    CURRENCY_LABEL,
    FISCAL_YEAR_LABEL,
    FOOTNOTES_SHEET,
    FULL_RELEASE_MIN,
    KNOWN_REGIONS,
    MAX_HEADER_ROW,
    NOTES_LABEL,
    OMITTED_LABEL,
    REGION_LABEL,
    REPORTING_YEAR_LABEL,
    SHEET_KINDS,
    SHEET_NAMES,
    WORLD,
    YEAR_RANGE,
    SheetKind,
    _body,
    _check_unique_names,
    _constant_base_year,
    _Entity,
    _find_header,
    _Header,
    _label_col,
    _match_sheets,
    _notes_text,
    _raw_text,
    _scale,
    _year_of,
)
from defbudget.readers.sipri.locate import (
    DOWNLOAD_URL,
    ENV_VAR,
    WORKBOOK_GLOB,
    _not_found,
    _release_sort_key,
    find_sipri_workbook,
)
from defbudget.readers.sipri.open import (
    _EDITION,
    _OLE_MAGIC,
    _edition_from_drawings,
    _is_encrypted_ole,
    _is_worksheet,
    _limit_error,
    _open_checked,
    _open_workbook,
    _scan_sheets,
    _sheet_rows,
)
from defbudget.readers.sipri.sheets import (
    _READERS,
    UNIT_FIXES,
    UNKNOWN_UNIT,
    UnitFix,
    _country_sheet,
    _unit_fix,
    read_constant_usd_sheet,
    read_current_usd_sheet,
    read_lcu_cy_sheet,
    read_lcu_fy_sheet,
    read_per_capita_sheet,
    read_regional_sheet,
    read_share_gdp_sheet,
    read_share_govt_sheet,
)
from defbudget.readers.sipri.values import (
    _BAD,
    _check_numbers,
    _check_plausible,
    _Context,
    _entity_notes,
    _values,
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

"""The SIPRI reader's error and warning classes.

They are defined here, below every other module of the package, and shown as
``defbudget.readers.sipri.<Name>`` (their ``__module__``), the name users import them by.
"""

from __future__ import annotations

from defbudget.errors import DefbudgetError, DefbudgetWarning
from defbudget.readers._common import SourceFormatError

__all__ = [
    "SipriDuplicateWarning",
    "SipriFiscalYearWarning",
    "SipriFormatError",
    "SipriMissingSheetWarning",
    "SipriNoteWarning",
    "SipriUnknownCurrencyWarning",
    "SipriWorkbookNotFoundError",
]


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



for _cls in (SipriFormatError, SipriWorkbookNotFoundError, SipriFiscalYearWarning,
             SipriNoteWarning, SipriMissingSheetWarning, SipriUnknownCurrencyWarning,
             SipriDuplicateWarning):
    _cls.__module__ = "defbudget.readers.sipri"  # where users import it from
del _cls

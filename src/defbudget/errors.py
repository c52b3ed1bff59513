"""The kit's exceptions and warnings, in one family.

Every error defbudget raises on purpose derives from :class:`DefbudgetError`, and every warning
it issues from :class:`DefbudgetWarning`, so that a caller can tell the kit's messages about
bad input from bugs, and silence the kit's warnings at once::

    import warnings
    from defbudget.errors import DefbudgetError, DefbudgetWarning

    warnings.simplefilter("ignore", DefbudgetWarning)
    try:
        ...
    except DefbudgetError as err:
        print(err)

Each error also derives from the built-in exception it replaced (``ValueError``,
``LookupError``/``KeyError``, ``FileNotFoundError``, ``OSError``), so existing
``except ValueError:`` code keeps working.

The families:

======================  ================================================  =====================
class                   raised when                                       also a
======================  ================================================  =====================
SchemaError             a frame breaks the tidy contract                  ValueError
MissingColumnError      a frame lacks a column the function needs         SchemaError, KeyError
UnknownNameError        a country, dataset, index, currency or sheet      KeyError, ValueError
                        name is not known
BasisMismatchError      rows on different bases were combined             ValueError
SourceFormatError       an input file does not have the expected layout   ValueError
RateUnavailableError    no exchange rate of the requested kind exists     LookupError
SanityError             values no real defence budget takes               ValueError
ArgumentError           an argument's value is not one the function takes ValueError
DataError               the rows do not allow the operation (none for the ValueError
                        year asked, duplicates, several series)
======================  ================================================  =====================

Classes defined in other modules (``SourceFormatError`` in ``defbudget.readers._common``,
``RateUnavailableError`` in ``defbudget.fx`` ...) are re-exported here on first access, so
importing this module stays light and creates no import cycle.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - re-exported lazily by __getattr__ below
    import pandas as pd

    from defbudget._ratefile import RateFileError
    from defbudget._xlsx import XlsxLimitError
    from defbudget.compare import UnknownCountryError
    from defbudget.countries import CountryNameError
    from defbudget.downloads import DownloadError
    from defbudget.fx import RateUnavailableError
    from defbudget.readers._cache import CacheWarning
    from defbudget.readers._common import SourceFormatError
    from defbudget.readers._countries import UnknownCountryWarning, UnknownCurrencyError
    from defbudget.readers.owid import OwidFormatError
    from defbudget.readers.sipri import (
        SipriDuplicateWarning,
        SipriFiscalYearWarning,
        SipriFormatError,
        SipriMissingSheetWarning,
        SipriNoteWarning,
        SipriUnknownCurrencyWarning,
        SipriWorkbookNotFoundError,
    )
    from defbudget.readers.worldbank import WdiFormatError
    from defbudget.report import ReportError
    from defbudget.sanity import SanityError
    from defbudget.schema import BasisMismatchError

__all__ = [
    "ArgumentError",
    "BasisMismatchError",
    "CacheWarning",
    "CountryNameError",
    "DataError",
    "DefbudgetError",
    "DefbudgetFutureWarning",
    "DefbudgetWarning",
    "DownloadError",
    "MissingColumnError",
    "OwidFormatError",
    "RateFileError",
    "RateUnavailableError",
    "ReportError",
    "SanityError",
    "SchemaError",
    "SipriDuplicateWarning",
    "SipriFiscalYearWarning",
    "SipriFormatError",
    "SipriMissingSheetWarning",
    "SipriNoteWarning",
    "SipriUnknownCurrencyWarning",
    "SipriWorkbookNotFoundError",
    "SourceFormatError",
    "UnknownCountryError",
    "UnknownCountryWarning",
    "UnknownCurrencyError",
    "UnknownNameError",
    "WdiFormatError",
    "XlsxLimitError",
    "find_stack_level",
    "warn",
]


class DefbudgetError(Exception):
    """Base of every error defbudget raises on purpose (bad input, missing data, refusals).

    Anything else escaping the kit is a bug in defbudget.
    """

    def __str__(self) -> str:
        # KeyError quotes its message (str(KeyError("a b")) == "'a b'"); the kit's errors
        # derived from KeyError print their message as written.
        return Exception.__str__(self)


class DefbudgetWarning(UserWarning):
    """Base of every warning defbudget issues.

    Silence them all with ``warnings.simplefilter("ignore", DefbudgetWarning)``, or turn them
    into errors with ``warnings.simplefilter("error", DefbudgetWarning)``.
    """


class DefbudgetFutureWarning(DefbudgetWarning, FutureWarning):
    """An old keyword or calling convention that still works but will be removed."""


class SchemaError(DefbudgetError, ValueError):
    """A frame breaks the tidy contract. ``violations`` lists every breach found.

    ``failure_cases`` holds the same breaches as a DataFrame (columns ``rule``, ``column``,
    ``row``, ``value``, ``message``), all of them: the message shows the first 25.
    """

    def __init__(self, violations: Sequence[Any], *, name: str = "frame"):
        self.violations = list(violations)
        shown = "\n".join(f"  - {v}" for v in self.violations[:25])
        n = len(self.violations)
        more = f"\n  ... and {n - 25} more" if n > 25 else ""
        super().__init__(
            f"{name} breaks the defbudget tidy contract in {n} place(s):\n"
            f"{shown}{more}\n"
            "Fix the rows named above, or build the frame with defbudget.schema.coerce()."
        )

    @property
    def failure_cases(self) -> pd.DataFrame:
        """Every breach, one row each: ``rule``, ``column``, ``row``, ``value``, ``message``."""
        import pandas as pd

        fields = ("rule", "column", "row", "value", "message")
        return pd.DataFrame([{f: getattr(v, f, None) for f in fields} for v in self.violations],
                            columns=list(fields))


class MissingColumnError(SchemaError, KeyError):
    """A frame lacks one or more columns a function needs; ``columns`` names them.

    Build it with a message written for the call site, or with
    :meth:`MissingColumnError.in_frame` for the tidy-contract message.
    """

    def __init__(self, message: str, *, columns: Iterable[str] = ()):
        self.columns = tuple(columns)
        self.violations = []
        Exception.__init__(self, message)

    @classmethod
    def in_frame(cls, violations: Sequence[Any], *, name: str = "frame") -> MissingColumnError:
        """The tidy-contract error for *violations*, ``schema.Violation`` s naming the columns."""
        err = cls.__new__(cls)
        SchemaError.__init__(err, violations, name=name)
        err.columns = tuple(v.column for v in err.violations)
        return err

    @property
    def failure_cases(self) -> pd.DataFrame:
        """One row per missing column (rule ``required column is missing``)."""
        if self.violations:
            return super().failure_cases
        import pandas as pd

        return pd.DataFrame({"rule": "required column is missing", "column": list(self.columns),
                             "row": None, "value": None, "message": ""},
                            columns=["rule", "column", "row", "value", "message"])


class UnknownNameError(DefbudgetError, KeyError, ValueError):
    """A name defbudget does not know: a country, dataset, source id, file, index, currency,
    measure or sheet. The message lists the names it does know, or the closest ones."""


class ArgumentError(DefbudgetError, ValueError):
    """An argument has a value the function does not accept; the message names the choices."""


class DataError(DefbudgetError, ValueError):
    """The frame's rows do not allow the operation: no rows for the year asked, two rows where
    one is needed, several measures or series where one is drawn or ranked, nothing to draw."""


# name -> module defining it; loaded on first access so that this module imports nothing heavy
_ELSEWHERE = {
    "BasisMismatchError": "defbudget.schema",
    "CountryNameError": "defbudget.countries",
    "DownloadError": "defbudget.downloads",
    "OwidFormatError": "defbudget.readers.owid",
    "RateFileError": "defbudget._ratefile",
    "RateUnavailableError": "defbudget.fx",
    "ReportError": "defbudget.report",
    "SanityError": "defbudget.sanity",
    "CacheWarning": "defbudget.readers._cache",
    "SipriDuplicateWarning": "defbudget.readers.sipri",
    "SipriMissingSheetWarning": "defbudget.readers.sipri",
    "SipriUnknownCurrencyWarning": "defbudget.readers.sipri",
    "XlsxLimitError": "defbudget._xlsx",
    "SipriFiscalYearWarning": "defbudget.readers.sipri",
    "SipriFormatError": "defbudget.readers.sipri",
    "SipriNoteWarning": "defbudget.readers.sipri",
    "SipriWorkbookNotFoundError": "defbudget.readers.sipri",
    "SourceFormatError": "defbudget.readers._common",
    "UnknownCountryError": "defbudget.compare",
    "UnknownCountryWarning": "defbudget.readers._countries",
    "UnknownCurrencyError": "defbudget.readers._countries",
    "WdiFormatError": "defbudget.readers.worldbank",
}


def __getattr__(name: str) -> Any:
    try:
        module = _ELSEWHERE[name]
    except KeyError:
        raise AttributeError(f"module 'defbudget.errors' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_ELSEWHERE))


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def find_stack_level() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside defbudget.

    Use as ``warnings.warn(message, category, stacklevel=find_stack_level())``: the warning
    then names the user's line (their notebook cell or script), however deep in the kit it
    was raised.
    """
    frame = sys._getframe()
    level = 0
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
            _PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return max(level, 1)


def warn(message: str, category: type[Warning] = DefbudgetWarning) -> None:
    """Issue *message* as *category*, attributed to the caller's line outside defbudget."""
    warnings.warn(message, category, stacklevel=find_stack_level())

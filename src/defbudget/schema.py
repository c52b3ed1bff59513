"""The tidy frame contract every layer of defbudget speaks.

One row is one observation: one country (or aggregate), one period, one measure, on one
definitional basis, in one unit and price basis, from one source. Values are stored in whole
units (yen, dollars, ratios) — never "millions"; formatting is the display layer's job.

Required columns (see :data:`COLUMNS`)::

    country  iso3  year  period  fy_start_month  measure  basis  value  unit
    price_basis  base_year  stage  flag  source

Optional columns a layer may add (see :data:`OPTIONAL_COLUMNS`) carry provenance such as the
exchange rate a conversion used (``fx_rate``, ``fx_basis``, ``fx_source``) or SIPRI's notes.

A fiscal year's ``year`` is the calendar year it starts in, unless the optional ``fy_year_is``
column says ``"end"``: the United States names FY2025 (October 2024 to September 2025) by the
year it ends in, and ``official_budgets`` keeps that name (``year=2025, fy_start_month=10,
fy_year_is="end"``). :mod:`defbudget.fiscal` and :mod:`defbudget.fx` read the column.

``iso3`` is an ISO 3166-1 alpha-3 code, missing for aggregates, with the exceptions in
:data:`USER_ASSIGNED_CODES`: Kosovo is ``XKX`` in every dataset (SIPRI, the World Bank, GMSD
and OWID as read by the kit), a *user-assigned* code (ISO 3166-1 leaves XAA-XZZ for users),
not an ISO 3166-1 country code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from defbudget import vocabulary
from defbudget.errors import DefbudgetError, SchemaError

__all__ = [
    "COLUMNS",
    "FLAGS",
    "KEY_COLUMNS",
    "MEASURES",
    "OPTIONAL_COLUMNS",
    "PERIODS",
    "PRICE_BASES",
    "STAGES",
    "USER_ASSIGNED_CODES",
    "BasisMismatchError",
    "SchemaError",
    "Violation",
    "coerce",
    "empty_frame",
    "is_currency_unit",
    "require_same_basis",
    "validate",
]

#: Required columns, in canonical order, with the pandas dtype kind each must have.
#: ``"str"`` means a string column (pandas ``str``/``string`` or object holding only str),
#: ``"Int64"`` a nullable integer, ``"int"`` a non-null integer, ``"float"`` float64.
COLUMNS: dict[str, str] = {
    "country": "str",
    "iso3": "str",
    "year": "int",
    "period": "str",
    "fy_start_month": "int",
    "measure": "str",
    "basis": "str",
    "value": "float",
    "unit": "str",
    "price_basis": "str",
    "base_year": "Int64",
    "stage": "str",
    "flag": "str",
    "source": "str",
}

#: Columns that must never be missing.
NOT_NULL = ("country", "year", "period", "fy_start_month", "measure", "basis", "unit",
            "price_basis", "source")

#: Optional provenance columns a layer may add; when present they must have these kinds.
OPTIONAL_COLUMNS: dict[str, str] = {
    "region": "str",  # SIPRI region heading, e.g. "Asia & Oceania"
    "subregion": "str",  # SIPRI sub-region heading, e.g. "East Asia"
    "currency_name": "str",  # the currency as the source names it, e.g. "Yen"
    "country_as_published": "str",  # the source's own country name, e.g. "Korea, South"
    "note": "str",  # free-text note or resolved footnote text
    "footnotes": "str",  # footnote numbers as printed, e.g. "56"
    "symbols": "str",  # SIPRI special-note names, comma-separated
    "fy_convention": "str",  # fiscal year as the source prints it, e.g. "Apr-Mar"
    "fy_year_is": "str",  # "start"/"end": `year` is the FY's start or end year (US: end)
    "value_type": "str",  # reported | derived | transcribed | computed
    "vintage": "str",  # data release the value comes from, e.g. "2026Q2-2nd"
    "fx_rate": "float",  # as quoted: local currency per US$ (per EUR when US$ is not a side)
    "fx_basis": "str",  # e.g. "fy_average", "cy_average", "spot:2025-12-26", "fixed"
    "fx_source": "str",  # source id of the exchange rate
    "deflator": "str",  # price index used for constant prices, e.g. "jp_cpi"
    "deflator_source": "str",  # source id of that price index
    "calendarised": "str",  # rule used to turn fiscal into calendar years
}

#: Columns that identify an observation: no two rows may share all of them.
KEY_COLUMNS = ("country", "year", "period", "fy_start_month", "measure", "basis", "unit",
               "price_basis", "base_year", "stage", "source")

PERIODS = ("CY", "FY")
PRICE_BASES = ("current", "constant")
#: Budget stages, plus the stages of a procurement figure (a sale notified to Congress,
#: an agreement signed, a programme cost projected) used by the reported-figures ledger.
#: (Both defined in :mod:`defbudget.vocabulary`.)
STAGES = vocabulary.STAGES
FLAGS = vocabulary.FLAGS

#: Known measures; others are allowed if they are snake_case, so new sources can add theirs.
MEASURES = ("defense_budget", "milex", "milex_share_gdp", "milex_per_capita",
            "milex_share_govt", "gdp", "gdp_real", "gdp_deflator", "price_index",
            "exchange_rate", "reported_figure")

#: Non-currency units accepted besides ISO 4217 codes.
OTHER_UNITS = ("ratio", "index", "USD/person", "count",
               "LCU/USD")  # local currency units per US$ (WDI PA.NUS.FCRF; the row's country)

#: ISO 4217 codes of current currencies (and a few recent predecessors SIPRI still reports).
ISO4217 = frozenset((
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD "
    "FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY "
    "KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP "
    "MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR "
    "RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS "
    "TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR "
    "ZMW ZWL ZWG "
    "XXX "  # ISO 4217 "no currency": a reader's unit for a currency name it does not know
    # predecessors of dissolved states and Croatia's kuna (SIPRI reports them)
    "CSK DDM HRK SUR YUM"
).split())
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")

#: Codes in ``iso3`` that are not ISO 3166-1 codes but user-assigned ones (ISO 3166-1 leaves
#: the range XAA-XZZ to users), each with the entity and who uses it. One code per entity in
#: every dataset, so that joins keep it.
USER_ASSIGNED_CODES: dict[str, str] = {
    "XKX": "Kosovo (user-assigned code used by SIPRI, the World Bank, the IMF and the EU; "
           "not ISO 3166-1)",
}


class BasisMismatchError(DefbudgetError, ValueError):
    """Rows measured on different bases (currency, prices, period) were combined."""


@dataclass(frozen=True)
class Violation:
    """One breach of the contract: where it is, what was found, which rule it breaks."""

    rule: str
    column: str | None = None
    row: object | None = None
    value: object | None = None
    message: str = ""

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row!r}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        loc = ", ".join(where) or "frame"
        val = "" if self.value is None else f": value {self.value!r}"
        return f"{loc}{val} — {self.rule}{(': ' + self.message) if self.message else ''}"


def is_currency_unit(unit: str) -> bool:
    """Return True if *unit* is an ISO 4217 currency code such as ``"JPY"``."""
    return isinstance(unit, str) and unit in ISO4217


def _kind_ok(series: pd.Series, kind: str) -> bool:
    dtype = series.dtype
    if kind == "str":
        if pd.api.types.is_string_dtype(dtype):
            if dtype is object or dtype == np.dtype(object):
                return bool(series.dropna().map(lambda v: isinstance(v, str)).all())
            return True
        return False
    if kind == "int":
        return pd.api.types.is_integer_dtype(dtype)
    if kind == "Int64":
        return pd.api.types.is_integer_dtype(dtype)
    if kind == "float":
        return pd.api.types.is_float_dtype(dtype)
    raise AssertionError(kind)


def _first_bad(series: pd.Series, kind: str):
    """Row label and value of the first element that does not fit *kind*."""
    for idx, val in series.items():
        if pd.isna(val):
            continue
        if kind == "str" and not isinstance(val, str):
            return idx, val
        if kind in ("int", "Int64") and not (isinstance(val, int) or float(val).is_integer()):
            return idx, val
        if kind == "float":
            try:
                float(val)
            except (TypeError, ValueError):
                return idx, val
    return (series.index[0] if len(series) else None), (series.iloc[0] if len(series) else None)


def validate(frame: pd.DataFrame, *, name: str = "frame", raise_: bool = True,
             keys: bool = True) -> list[Violation]:
    """Check *frame* against the tidy contract and report every violation at once.

    Parameters
    ----------
    frame
        The tidy frame to check.
    name
        What to call the frame in the error message (a dataset name or a file path).
    raise_
        If True (the default), raise :class:`SchemaError` listing all violations;
        otherwise return them.
    keys
        Check that no two rows share the :data:`KEY_COLUMNS` (the default). A reader that has
        proved it cell by cell (each name and year once per sheet, sheets of distinct kinds)
        may pass False to skip the whole-frame comparison.

    Returns
    -------
    list of Violation
        Empty when the frame is valid.

    Examples
    --------
    >>> from defbudget.schema import empty_frame, validate
    >>> validate(empty_frame())
    []
    """
    return _validate(frame, _Distinct(frame), name=name, raise_=raise_, keys=keys)


def _validate(frame: pd.DataFrame, distinct: _Distinct, *, name: str, raise_: bool,
              keys: bool) -> list[Violation]:
    """:func:`validate`, with the columns' distinct values from *distinct* (a reader that
    built its columns from a few values passes those, see :class:`_Distinct`)."""
    violations, complete = _column_violations(frame, distinct)
    if not complete:
        return _finish(violations, name, raise_)
    violations += _value_violations(frame, distinct)
    violations += _rule_violations(frame)
    if keys:
        violations += _key_violations(frame)
    return _finish(violations, name, raise_)


class _Distinct:
    """Each column's distinct values, computed once (checked once each, not per row).

    *known* maps a column to values that include all of its values (e.g. the few values a
    reader built the column from): they are used instead of a pass over the column's rows.
    A value there that no row holds is harmless: a violation is reported only for the rows
    that hold the value (found with ``isin``/``isna`` on the column itself)."""

    def __init__(self, frame: pd.DataFrame,
                 known: dict[str, np.ndarray] | None = None) -> None:
        self.frame = frame
        self.known = known or {}
        self.seen: dict[str, np.ndarray] = {}

    def __call__(self, col: str) -> np.ndarray:
        if col not in self.seen:
            given = self.known.get(col)
            self.seen[col] = (pd.unique(self.frame[col]) if given is None
                              else pd.unique(np.asarray(given, dtype=object)))
        return self.seen[col]


def _column_violations(frame: pd.DataFrame, uniques: _Distinct) -> tuple[list[Violation], bool]:
    """Missing required columns, columns of the wrong kind, missing values where none may
    be; and whether every required column is there (else the other checks cannot run)."""
    violations: list[Violation] = []
    missing = [c for c in COLUMNS if c not in frame.columns]
    for col in missing:
        violations.append(Violation("required column is missing", column=col,
                                    message=f"add it (expected kind {COLUMNS[col]})"))
    kinds = {**COLUMNS, **OPTIONAL_COLUMNS}
    for col, kind in kinds.items():
        if col not in frame.columns:
            continue
        s = frame[col]
        if not _kind_ok(s, kind):
            row, val = _first_bad(s, kind)
            violations.append(Violation(
                f"wrong dtype {s.dtype} (expected {kind})", column=col, row=row, value=val))
    for col in NOT_NULL:
        if col in frame.columns:
            dtype = frame[col].dtype
            if isinstance(dtype, np.dtype) and dtype.kind in "iub":
                continue  # a plain integer or boolean column cannot hold a missing value
            if not any(pd.isna(v) for v in uniques(col)):
                continue
            bad = frame.index[frame[col].isna()]
            for row in bad:
                violations.append(Violation("must not be missing", column=col, row=row))
    return violations, not missing


def _value_checks(frame: pd.DataFrame) -> list[tuple[str, Callable[[Any], bool], str]]:
    """(column, test of one value, what was expected) for each column of known values."""
    checks: list[tuple[str, Callable[[Any], bool], str]] = [
        ("period", lambda v: v in PERIODS, f"one of {PERIODS}"),
        ("price_basis", lambda v: v in PRICE_BASES, f"one of {PRICE_BASES}"),
        ("stage", lambda v: v in STAGES, f"one of {STAGES} or missing"),
        ("flag", lambda v: v in FLAGS, f"one of {FLAGS} or missing"),
        ("unit", lambda v: v in OTHER_UNITS or is_currency_unit(v),
         f"an ISO 4217 code (e.g. JPY, USD) or one of {OTHER_UNITS}"),
        ("measure", lambda v: isinstance(v, str) and bool(_SNAKE.match(v)),
         f"snake_case, e.g. one of {MEASURES[:4]}"),
        ("basis", lambda v: isinstance(v, str) and bool(_SNAKE.match(v)), "snake_case"),
        ("iso3", lambda v: isinstance(v, str) and bool(_ISO3.match(v)),
         "ISO 3166-1 alpha-3 (e.g. JPN), a user-assigned code of USER_ASSIGNED_CODES "
         "(XKX, Kosovo), or missing for aggregates"),
        ("fy_start_month", lambda v: 1 <= int(v) <= 12, "a month number 1–12"),
    ]
    if "fy_year_is" in frame.columns:
        checks.append(("fy_year_is", lambda v: v in ("start", "end"),
                       "'start' or 'end' (is `year` the fiscal year's first or last year?)"))
    return checks


def _value_violations(frame: pd.DataFrame, uniques: _Distinct) -> list[Violation]:
    """Every cell whose value is not one the contract allows in its column."""
    violations: list[Violation] = []
    for col, ok, expected in _value_checks(frame):
        bad_values = []
        for v in uniques(col):  # each distinct value checked once
            if pd.isna(v):
                continue
            try:
                fine = bool(ok(v))
            except (TypeError, ValueError):
                fine = False
            if not fine:
                bad_values.append(v)
        if not bad_values:
            continue
        s = frame[col]
        present = s[s.notna()]
        good = ~present.isin(bad_values)
        for row, val in present[~good].items():
            violations.append(Violation(f"unexpected value (expected {expected})",
                                        column=col, row=row, value=val))
    return violations


def _rule_violations(frame: pd.DataFrame) -> list[Violation]:
    """Rules across columns: base years, calendar years, a reason for every missing value."""
    violations: list[Violation] = []
    # Rule: constant prices need a base year; current prices must not have one.
    # (compared as numpy arrays, much faster than pandas string comparisons, and each only
    # on the rows it can concern)
    pb, by = frame["price_basis"].to_numpy(dtype=object), frame["base_year"]
    by_na = by.isna().to_numpy()
    without = np.flatnonzero(by_na)
    for row in frame.index[without[pb[without] == "constant"]]:
        violations.append(Violation("constant prices need a base_year", column="base_year",
                                    row=row))
    with_year = np.flatnonzero(~by_na)
    for row in frame.index[with_year[pb[with_year] == "current"]]:
        violations.append(Violation("current prices must not have a base_year",
                                    column="base_year", row=row, value=by.loc[row]))
    # Rule: calendar years start in January.
    other_month = np.flatnonzero(frame["fy_start_month"].to_numpy() != 1)
    cy_bad = other_month[frame["period"].to_numpy(dtype=object)[other_month] == "CY"]
    for row in frame.index[cy_bad]:
        violations.append(Violation("a CY row must have fy_start_month 1",
                                    column="fy_start_month", row=row,
                                    value=frame.at[row, "fy_start_month"]))
    # Rule: a missing value must say why (flag), so nothing disappears silently.
    if pd.api.types.is_float_dtype(frame["value"].dtype):
        value_na = frame["value"].isna().to_numpy()
        no_reason = frame.index[value_na][pd.isna(frame["flag"].to_numpy(dtype=object)[value_na])]
        for row in no_reason:
            violations.append(Violation(
                "missing value without a flag saying why", column="value", row=row,
                message="set flag to 'unavailable' (or drop the row)"))
    return violations


def _key_violations(frame: pd.DataFrame) -> list[Violation]:
    """Rule: keys are unique (no two rows describe one observation)."""
    violations: list[Violation] = []
    dup = frame.duplicated(list(KEY_COLUMNS), keep="first")
    for row in frame.index[dup]:
        key = {c: frame.at[row, c] for c in ("country", "year", "measure", "basis", "source")}
        violations.append(Violation("duplicate key", column=",".join(KEY_COLUMNS), row=row,
                                    value=key, message="two rows describe one observation"))
    return violations


def _finish(violations, name, raise_):
    if violations and raise_:
        raise SchemaError(violations, name=name)
    return violations


def empty_frame() -> pd.DataFrame:
    """A tidy frame with no rows and the canonical columns and dtypes."""
    return coerce(pd.DataFrame({c: [] for c in COLUMNS}))


def coerce(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of *frame* with canonical dtypes and column order.

    Required columns come first in :data:`COLUMNS` order, then known optional ones, then any
    others. Missing ``iso3``, ``stage``, ``flag`` and ``base_year`` columns are added empty.
    """
    out = frame.copy()
    for col in ("iso3", "stage", "flag", "base_year"):
        if col not in out.columns:
            out[col] = pd.NA
    kinds = {**COLUMNS, **OPTIONAL_COLUMNS}
    for col, kind in kinds.items():
        if col not in out.columns:
            continue
        if kind == "str":
            out[col] = out[col].astype("str").where(out[col].notna(), None)
            out[col] = out[col].astype(pd.StringDtype(na_value=float("nan")))
        elif kind == "int":
            out[col] = out[col].astype("int64")
        elif kind == "Int64":
            out[col] = pd.to_numeric(out[col]).astype("Int64")
        elif kind == "float":
            out[col] = pd.to_numeric(out[col]).astype("float64")
    order = [c for c in COLUMNS] + [c for c in OPTIONAL_COLUMNS if c in out.columns]
    order += [c for c in out.columns if c not in order]
    return out[order].reset_index(drop=True)


#: Which function converts one basis into another, for the error message.
_CONVERTERS = {
    "unit": "defbudget.fx.convert(frame, to=...)",
    "price_basis": "defbudget.prices.to_constant(frame, base_year=...)",
    "base_year": "defbudget.prices.to_constant(frame, base_year=...) (rebases)",
    "period": "defbudget.fiscal.calendarise(frame, rule=...)",
    "fy_start_month": "defbudget.fiscal.calendarise(frame, rule=...)",
}


def require_same_basis(frame: pd.DataFrame, *, what: str,
                       columns: Iterable[str] = ("unit", "price_basis", "base_year",
                                                 "period", "fy_start_month")) -> None:
    """Refuse arithmetic across rows measured on different bases.

    Raises :class:`BasisMismatchError` naming both sides and the function that converts one
    into the other. *what* names the operation for the message (e.g. ``"compare.share"``).

    Examples
    --------
    >>> import pandas as pd
    >>> from defbudget.schema import require_same_basis
    >>> f = pd.DataFrame({"unit": ["JPY", "USD"], "price_basis": ["current"] * 2,
    ...                   "base_year": [pd.NA] * 2, "period": ["FY"] * 2,
    ...                   "fy_start_month": [4, 4]})
    >>> require_same_basis(f, what="sum")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    BasisMismatchError: sum cannot combine rows with different unit: 'JPY' and 'USD'. ...
    """
    for col in columns:
        if col not in frame.columns:
            continue
        column = frame[col].reset_index(drop=True)
        if col == "base_year" and "price_basis" in frame.columns:
            # Only constant-price rows carry a base year; current-price rows have none.
            column = column[frame["price_basis"].reset_index(drop=True).eq("constant")]
        values = [v for v in column.drop_duplicates().tolist() if not pd.isna(v)]
        if len(values) > 1:
            a, b = values[0], values[1]
            raise BasisMismatchError(
                f"{what} cannot combine rows with different {col}: {a!r} and {b!r}. "
                f"Convert one into the other first with {_CONVERTERS[col]}.")

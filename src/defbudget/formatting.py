"""Human-readable numbers shared by tables and charts: ¥8.70T, $55.5B, 1.37%.

Values in the tidy frame are whole units (yen, dollars, ratios); these helpers only render
them. Both the pandas Styler helpers of :mod:`defbudget.compare` and the axis formatters of
:mod:`defbudget.plot` call these, so a table and a chart print a figure the same way.
"""

from __future__ import annotations

import math
from typing import Any

from defbudget import vocabulary

__all__ = ["CURRENCY_SYMBOLS", "SCALES", "format_change", "format_money", "format_ratio",
           "format_value", "unit_label"]

#: Symbol printed before an amount in a currency; codes not listed print as "KRW 1.2T"
#: (defined in :mod:`defbudget.vocabulary`).
CURRENCY_SYMBOLS = vocabulary.CURRENCY_SYMBOLS

#: Short scale suffixes, largest first: (factor, suffix, long name).
SCALES = ((1e12, "T", "trillion"), (1e9, "B", "billion"), (1e6, "M", "million"),
          (1e3, "K", "thousand"))


def _prefix(unit: str) -> str:
    sym = CURRENCY_SYMBOLS.get(unit)
    return sym if sym else f"{unit} "


def format_money(value: float, unit: str = "USD", *, sig: int = 3,
                 scale: float | None = None) -> str:
    """Render an amount in whole currency units with a symbol and a T/B/M/K suffix.

    Parameters
    ----------
    value
        Amount in whole units of *unit* (e.g. yen, not billions of yen).
    unit
        ISO 4217 code; ``JPY`` prints ``¥``, ``USD`` prints ``$``, others their code.
    sig
        Significant digits shown (3 gives ¥8.70T and $55.5B).
    scale
        Force one scale factor (e.g. ``1e9``) so that a column or an axis shares it.

    Examples
    --------
    >>> format_money(8_700_500_000_000, "JPY")
    '¥8.70T'
    >>> format_money(55.5e9)
    '$55.5B'
    >>> format_money(200e6)
    '$200M'
    >>> format_money(-1.234e9, "PLN")
    '-PLN 1.23B'
    >>> format_money(9.0353e12, "JPY", scale=1e9)
    '¥9,035B'
    >>> format_money(float("-inf"), "USD")
    '-$inf'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    mag = abs(float(value))
    if math.isinf(mag):  # never a real amount, but it must print, not crash
        return f"{sign}{_prefix(unit)}inf"
    if scale is None:
        factor, suffix = next(((f, s) for f, s, _ in SCALES if mag >= f), (1.0, ""))
    else:
        factor = scale
        suffix = next((s for f, s, _ in SCALES if f == scale), "")
    scaled = mag / factor
    if scale is None:
        digits = max(0, sig - 1 - math.floor(math.log10(scaled))) if scaled else 0
        # 999.96B rounds to 1000.0B: move to the next scale instead.
        if round(scaled, digits) >= 1000 and factor < SCALES[0][0]:
            return format_money(value, unit, sig=sig, scale=factor * 1000)
    else:
        digits = max(0, sig - 1 - math.floor(math.log10(scaled))) if scaled >= 1 else sig
    text = f"{scaled:,.{digits}f}"
    return f"{sign}{_prefix(unit)}{text}{suffix}"


def format_ratio(value: float, *, digits: int = 2) -> str:
    """Render a ratio (0.0137) as a percentage ('1.37%').

    Examples
    --------
    >>> format_ratio(0.0137)
    '1.37%'
    >>> format_ratio(0.035, digits=1)
    '3.5%'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{digits}f}%"


def format_value(value: float, unit: str, **kwargs: Any) -> str:
    """Render *value* according to its tidy-frame *unit* (currency, ``ratio``, ``index``).

    Examples
    --------
    >>> format_value(0.0137, "ratio")
    '1.37%'
    >>> format_value(8.7005e12, "JPY")
    '¥8.70T'
    >>> format_value(104.25, "index")
    '104.2'
    """
    if unit == "ratio":
        return format_ratio(value, **kwargs)
    if unit in ("index", "count"):
        return "–" if value is None or value != value else f"{value:,.1f}"
    if unit == "USD/person":
        return format_money(value, "USD", **kwargs) + "/person"
    return format_money(value, unit, **kwargs)


def format_change(new: float, old: float, unit: str) -> str:
    """The change from *old* to *new*: percentage points for shares, percent for the rest.

    A share that falls from 4.73% to 3.20% of GDP has fallen by 1.53 percentage points
    (and by 32% of itself); for shares the points are what a reader expects.

    Examples
    --------
    >>> format_change(0.0320, 0.0473, "ratio")
    '-1.53 pp'
    >>> format_change(55e9, 46e9, "USD")
    '+19.6%'
    >>> format_change(1.0, 0.0, "USD")
    'n/a'
    """
    if any(v is None or v != v for v in (new, old)) or (unit != "ratio" and not old):
        return "n/a"
    if unit == "ratio":
        return f"{(new - old) * 100:+.2f} pp"
    return f"{new / old - 1:+.1%}"


def unit_label(unit: str, *, price_basis: str = "current", base_year: int | None = None
               ) -> str:
    """Axis label for a unit and price basis, e.g. 'US$, constant 2023 prices'.

    Examples
    --------
    >>> unit_label("JPY")
    'yen, current prices'
    >>> unit_label("USD", price_basis="constant", base_year=2023)
    'US$, constant 2023 prices'
    >>> unit_label("ratio")
    'share (%)'
    >>> unit_label("KRW")  # the currency's name as the source line writes it
    'won, current prices'
    """
    names = vocabulary.CURRENCY_NAMES
    if unit == "ratio":
        return "share (%)"
    if unit == "index":
        return "index"
    name = names.get(unit, unit)
    prices = (f"constant {base_year} prices" if price_basis == "constant" and base_year
              else "current prices")
    return f"{name}, {prices}"

"""Axis tick formatters built on :mod:`defbudget.formatting` (one way to print a number)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from matplotlib.axis import Axis
from matplotlib.ticker import Formatter

from defbudget.formatting import SCALES, format_money, format_ratio, format_value

__all__ = ["IndexFormatter", "MoneyFormatter", "PercentFormatter", "formatter_for",
           "set_value_axis"]


def _decimals(values: Sequence[float], factor: float) -> int:
    """Fewest decimals that tell the ticks apart once divided by *factor*."""
    finite = sorted({v / factor for v in values if math.isfinite(v)})
    steps = [b - a for a, b in itertools.pairwise(finite) if b - a > 0]
    if not steps:
        return 0
    step = min(steps)
    for d in range(0, 7):
        if abs(round(step, d) - step) < step * 1e-6 and all(
                abs(round(v, d) - v) < step * 1e-6 for v in finite):
            return d
    return max(0, -math.floor(math.log10(step)) + 1)


def _money_at_scale(value: float, unit: str, factor: float, decimals: int) -> str:
    """format_money with a shared scale and a fixed number of decimals."""
    if value == 0:
        return format_money(1.0, unit, scale=1.0, sig=1)[:-1] + "0"  # "¥0", "PLN 0"
    scaled = abs(value) / factor
    # Below one unit of the scale, format_money prints `sig` decimals.
    sig = decimals + 1 + math.floor(math.log10(scaled)) if scaled >= 1 else decimals
    return format_money(value, unit, scale=factor, sig=max(sig, 1))


class MoneyFormatter(Formatter):
    """Tick labels for amounts in whole currency units: ¥0, ¥2T, ¥4T; $25B, $50B.

    All ticks of an axis share one scale (T, B, M, K) and one number of decimals, chosen
    from the ticks themselves, so that a column of labels reads cleanly.

    Examples
    --------
    >>> from defbudget.plot import MoneyFormatter
    >>> MoneyFormatter("JPY").format_ticks([0, 2e12, 4e12, 6e12, 8e12, 10e12])
    ['¥0', '¥2T', '¥4T', '¥6T', '¥8T', '¥10T']
    >>> MoneyFormatter("USD").format_ticks([0, 12.5e9, 25e9])
    ['$0', '$12.5B', '$25.0B']
    >>> MoneyFormatter("JPY")(8.7005e12)
    '¥8.70T'
    """

    def __init__(self, unit: str = "USD", *, signed: bool = False):
        self.unit = unit
        self.signed = signed

    def __call__(self, x: float, pos: int | None = None) -> str:
        if pos is None:  # the cursor readout of an interactive figure: full precision
            return format_money(x, self.unit)
        return self.format_ticks([x])[0]

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        values = list(values)
        finite = [abs(v) for v in values if math.isfinite(v)]
        top = max(finite, default=0.0)
        factor = next((f for f, _, _ in SCALES if top >= f), 1.0)
        dec = _decimals(values, factor)
        out = []
        for v in values:
            text = _money_at_scale(v, self.unit, factor, dec)
            if self.signed and v > 0:
                text = "+" + text
            out.append(text)
        return out


class PercentFormatter(Formatter):
    """Tick labels for ratios as percentages: 0.02 -> '2%'; signed for changes: '+5%'.

    Examples
    --------
    >>> from defbudget.plot import PercentFormatter
    >>> PercentFormatter().format_ticks([0, 0.01, 0.02, 0.035])
    ['0.0%', '1.0%', '2.0%', '3.5%']
    >>> PercentFormatter(signed=True).format_ticks([-0.05, 0, 0.05, 0.10])
    ['-5%', '0%', '+5%', '+10%']
    """

    def __init__(self, *, signed: bool = False):
        self.signed = signed

    def __call__(self, x: float, pos: int | None = None) -> str:
        if pos is None:
            return format_ratio(x)
        return self.format_ticks([x])[0]

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        dec = _decimals([v * 100 for v in values], 1.0)
        out = []
        for v in values:
            text = format_ratio(v, digits=dec)
            if text.startswith("-") and float(text[1:-1]) == 0:
                text = text[1:]
            if self.signed and v > 0 and float(text[:-1]) != 0:
                text = "+" + text
            out.append(text)
        return out


class IndexFormatter(Formatter):
    """Tick labels for an index (base year = 100): plain numbers, no unit.

    Examples
    --------
    >>> from defbudget.plot import IndexFormatter
    >>> IndexFormatter().format_ticks([50, 100, 150])
    ['50', '100', '150']
    """

    def __call__(self, x: float, pos: int | None = None) -> str:
        if pos is None:
            return format_value(x, "index")
        return self.format_ticks([x])[0]

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        dec = _decimals(values, 1.0)
        return [f"{v:,.{dec}f}" for v in values]


def formatter_for(unit: str, *, signed: bool = False) -> Formatter:
    """The tick formatter for a tidy-frame *unit* (currency code, ``ratio`` or ``index``).

    Examples
    --------
    >>> from defbudget.plot import formatter_for
    >>> type(formatter_for("JPY")).__name__, type(formatter_for("ratio")).__name__
    ('MoneyFormatter', 'PercentFormatter')
    """
    if unit == "ratio":
        return PercentFormatter(signed=signed)
    if unit in ("index", "count"):
        return IndexFormatter()
    if unit == "USD/person":
        return MoneyFormatter("USD", signed=signed)
    return MoneyFormatter(unit, signed=signed)


def set_value_axis(axis: Axis, unit: str, *, signed: bool = False) -> None:
    """Install the formatter for *unit* on a matplotlib axis (``ax.yaxis`` / ``ax.xaxis``)."""
    axis.set_major_formatter(formatter_for(unit, signed=signed))

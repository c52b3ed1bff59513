"""Tables people read: the one place that formats a frame for display.

:func:`show` returns a copy of a tidy frame (or of any :mod:`defbudget.compare` or
:func:`defbudget.reconcile` result) with every number rendered as a reader expects it: money
in scaled units with its currency (``¥8.70T``, ``$57.7B``), fiscal years as their
government writes them (``FY2025``, ``2025–26``: :func:`defbudget.vocabulary.fiscal_year_label`),
shares and growth as percentages (``1.37%``; a gap between two shares in percentage points),
exchange rates as local currency per US dollar (``¥150.7/$``), provisional and flagged values
marked (``¥8.81T (draft)``) and no scientific notation. The result is for looking at; keep
the original frame for code.
:func:`show_wide` does the same for years across (:func:`defbudget.compare.wide_table`).

Use ``df.budget.show([...columns])`` (registered by ``import defbudget``) or
``defbudget.show(df, [...])``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from defbudget.errors import DataError, MissingColumnError
from defbudget.fiscal import official_labels
from defbudget.formatting import format_money, format_ratio, format_value
from defbudget.vocabulary import CURRENCY_SYMBOLS, VALUE_MARKS

__all__ = ["format_rate", "show", "show_wide"]

_RATE = re.compile(r"(^|_)rate(_|$)|^rate_(min|max)$")
_RATIO = re.compile(r"(^|_)(share|ratio|yoy|cagr|growth|threshold|pct)(_|$)")


def format_rate(value: float, local: str) -> str:
    """An exchange rate as local currency per US dollar, e.g. ``¥150.7/$``.

    Examples
    --------
    >>> format_rate(150.736986, "JPY"), format_rate(0.92346, "EUR"), format_rate(1402.5, "KRW")
    ('¥150.7/$', '€0.9235/$', '₩1,402/$')
    >>> format_rate(7.1, "PLN")
    'PLN 7.10/$'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sym = CURRENCY_SYMBOLS.get(local)
    mag = abs(value)
    digits = 0 if mag >= 1000 else 1 if mag >= 100 else 2 if mag >= 1 else 4
    text = f"{value:,.{digits}f}"
    return f"{sym}{text}/$" if sym else f"{local} {text}/$"


def _plain(value) -> str:
    """A number without scientific notation or spurious digits."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    v = float(value)
    if v.is_integer() and abs(v) < 1e15:
        return f"{int(v):,}" if abs(v) >= 10_000 else str(int(v))
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:,.{max(0, 3 - len(str(int(abs(v)))))}f}".rstrip("0").rstrip(".")
    return f"{v:.4f}".rstrip("0").rstrip(".")


def _row_currency(frame: pd.DataFrame) -> pd.Series:
    """The local currency of each row: local_unit, fx_from, or a currency unit."""
    out = pd.Series(None, index=frame.index, dtype=object)
    for col in ("local_unit", "fx_from", "unit"):
        if col in frame.columns:
            vals = frame[col].astype(object)
            ok = vals.map(lambda u: isinstance(u, str) and len(u) == 3 and u.isupper()
                          and u != "USD")
            out = out.where(out.notna(), vals.where(ok))
    return out


def _formatter(frame: pd.DataFrame, col: str) -> Callable[[int], str] | None:  # noqa: C901 - reason in the docstring
    """A function of the row position that renders *col*, or None to leave it alone.

    (Complexity, C901: one branch per unit kind — bool, money, ratio, rate, index,
    year, count — each a one-line formatter; a table reads better than a dispatch.)
    """
    s = frame[col]
    if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
        return None
    if pd.api.types.is_bool_dtype(s):
        return lambda i: "–" if pd.isna(s.iloc[i]) else _plain(bool(s.iloc[i]))
    name = col.lower()
    units = frame["unit"].astype(object) if "unit" in frame.columns else None
    local = _row_currency(frame)
    if name == "year" and _fiscal(frame):
        labels = official_labels(frame)
        return lambda i: labels.iloc[i]
    if name == "year" or name.endswith("_year") or name in ("rank", "years_met", "base_year"):
        return lambda i: "–" if pd.isna(s.iloc[i]) else str(int(s.iloc[i]))
    if name == "value" and units is not None:
        return lambda i: format_value(s.iloc[i], str(units.iloc[i]))
    if _RATE.search(name):
        return lambda i: format_rate(s.iloc[i], local.iloc[i] or "JPY")
    if name in ("gap", "change") and units is not None:
        def gap(i):
            v, u = s.iloc[i], str(units.iloc[i])
            if pd.isna(v):
                return "–"
            return f"{v * 100:+.2f} pp" if u == "ratio" else format_value(v, u)
        return gap
    if _RATIO.search(name):
        return lambda i: format_ratio(s.iloc[i])
    if "usd" in name:
        return lambda i: format_money(s.iloc[i], "USD")
    if "amount" in name or name.startswith("value_"):
        def unit(i):
            return (local.iloc[i] or (units.iloc[i] if units is not None else "USD"))
        return lambda i: format_money(s.iloc[i], str(unit(i)))
    if pd.api.types.is_float_dtype(s) or pd.api.types.is_integer_dtype(s):
        return lambda i: _plain(s.iloc[i])
    return None


def _fiscal(frame: pd.DataFrame) -> bool:
    """Whether *frame* has fiscal years to print as their governments write them."""
    if "period" not in frame.columns or "fy_start_month" not in frame.columns:
        return False
    year = pd.to_numeric(frame["year"], errors="coerce")
    months = pd.to_numeric(frame["fy_start_month"], errors="coerce")
    fy = frame["period"].eq("FY")
    return bool(fy.any() and year.notna().all() and months[fy].notna().all())


def _mark(frame: pd.DataFrame, i: int) -> str:
    marks = []
    for col in ("stage", "flag"):
        if col in frame.columns:
            v = frame[col].iloc[i]
            if isinstance(v, str) and v in VALUE_MARKS and VALUE_MARKS[v] not in marks:
                marks.append(VALUE_MARKS[v])
    return f" ({', '.join(marks)})" if marks else ""


def show(frame: pd.DataFrame, columns: Sequence[str] | None = None, *,
         index: bool = False) -> pd.DataFrame:
    """A display copy of *frame*: money scaled with its currency, ratios as %, rates as local
    currency per US$, provisional or flagged values marked; only *columns* if given.

    Parameters
    ----------
    frame
        A tidy frame or any result of :mod:`defbudget.compare` / :func:`defbudget.reconcile`.
    columns
        The columns to show, in order (default: all). Formatting uses the whole row, so
        ``unit``, ``stage`` and ``flag`` need not be among them.
    index
        Keep the frame's index (default: a fresh 0..n-1 index is hidden by Jupyter anyway).

    Returns
    -------
    pandas.DataFrame
        Strings, for display only; the numbers stay in *frame*.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> f = cmp._example_frame()
    >>> show(f, ["country", "year", "value"])
      country    year   value
    0   Japan  FY2002  ¥4.96T
    1   Japan  FY2022  ¥5.40T
    2   Japan  FY2023  ¥6.82T
    >>> show(cmp.yoy(f), ["year", "value"])["value"].tolist()
    ['– (unavailable)', '– (unavailable)', '26.32%']
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"show() takes a pandas DataFrame; you passed {type(frame).__name__}.")
    cols = list(frame.columns) if columns is None else list(columns)
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise MissingColumnError(f"show(): no column {missing[0]!r}; the frame has "
                                 f"{', '.join(map(str, frame.columns))}.", columns=missing)
    out = {}
    n = len(frame)
    for col in cols:
        fmt = _formatter(frame, col)
        if fmt is None:
            out[col] = frame[col].astype(object).where(frame[col].notna(), "").tolist()
            continue
        texts = [fmt(i) for i in range(n)]
        if col == "value":
            texts = [t + _mark(frame, i) for i, t in enumerate(texts)]
        out[col] = texts
    shown = pd.DataFrame(out, index=frame.index if index else pd.RangeIndex(n))
    return shown


def show_wide(frame: pd.DataFrame, *, index: Sequence[str] | None = None,
              years: Iterable[int] | None = None) -> pd.DataFrame:
    """:func:`defbudget.compare.wide_table` (years across) with every value formatted by its
    unit, as :func:`show` does.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> show_wide(cmp._example_frame(), index=["country"])
    FY         2002    2022    2023
    country
    Japan    ¥4.96T  ¥5.40T  ¥6.82T
    """
    from defbudget.compare.tables import wide_table

    wide = wide_table(frame, index=index, years=years)
    names = list(wide.index.names)
    if "unit" in names:
        units = list(wide.index.get_level_values("unit"))
    else:
        have = frame["unit"].dropna().unique().tolist()
        if len(have) != 1:
            raise DataError(f"show_wide: the frame mixes units {have}; put 'unit' in index.")
        units = have * len(wide)
    body = [[format_value(v, u) for v in row] for row, u in
            zip(wide.to_numpy(), units, strict=True)]
    return pd.DataFrame(body, index=wide.index, columns=wide.columns)

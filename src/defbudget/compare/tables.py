"""Display: :func:`wide_table` (years across) and :func:`style_table` (a pandas Styler).

Values are formatted with :mod:`defbudget.formatting`, as charts do. :mod:`defbudget.tables`
(``db.show``) formats any frame for printing; this module pivots tidy frames.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from defbudget.compare._frame import _require
from defbudget.errors import DataError, MissingColumnError

if TYPE_CHECKING:  # pragma: no cover
    from pandas.io.formats.style import Styler

_DISPLAY_KEYS = ("measure", "basis", "unit", "price_basis", "base_year", "period",
                 "fy_start_month", "source")


def _display_index(frame: pd.DataFrame, index: Sequence[str] | None) -> list[str]:
    if index is not None:
        index = [index] if isinstance(index, str) else list(index)
        missing = [c for c in index if c not in frame.columns]
        if missing:
            raise MissingColumnError(f"wide_table: no column(s) {missing} in the frame.",
                                     columns=missing)
        return index
    varying = [c for c in _DISPLAY_KEYS if frame[c].nunique(dropna=False) > 1]
    if "source" in varying and frame.duplicated(["country", *[c for c in varying
                                                              if c != "source"], "year"]
                                                ).sum() == 0:
        varying.remove("source")  # a citation per row, not a separate series
    return ["country", *varying]


def wide_table(frame: pd.DataFrame, *, index: Sequence[str] | None = None,
               years: Iterable[int] | None = None, values: str = "value") -> pd.DataFrame:
    """Pivot a tidy frame to a wide table: one row per series, years across.

    Parameters
    ----------
    frame
        A tidy frame.
    index
        Columns that label the rows; by default ``country`` plus whichever of ``measure``,
        ``basis``, ``unit``, ``price_basis``, ``base_year``, ``period`` vary in the frame (so
        rows on different bases never share a row).
    years
        Years to keep, in order; by default all.
    values
        Column to spread (``value``; ``flag`` or ``note`` to see those).

    Returns
    -------
    pandas.DataFrame
        Unformatted values in their own units (whole yen, US$, ratios); columns are the
        years (the columns axis is named ``FY`` when every row is a fiscal year).

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> cmp.wide_table(cmp._example_frame())
    FY               2002          2022          2023
    country
    Japan    4.955700e+12  5.400500e+12  6.821900e+12
    """
    _require(frame, "compare.wide_table", ("country", "year", values))
    idx = _display_index(frame, index)
    dup = frame.duplicated([*idx, "year"], keep=False)
    if dup.any():
        others = [c for c in (*_DISPLAY_KEYS, "stage", "vintage") if c in frame.columns
                  and c not in idx and frame.loc[dup, c].nunique(dropna=False) > 1]
        raise DataError(f"wide_table: rows with the same {idx} and year differ in "
                        f"{others or 'nothing'}; add them to index=, or filter with select().")
    data = frame[[*idx, "year", values]].copy()
    for col in idx:
        if data[col].isna().any():
            data[col] = data[col].astype(object).where(data[col].notna(), "–")
    wide = data.pivot(index=idx, columns="year", values=values)
    if years is not None:
        wide = wide.reindex(columns=list(years))
    wide.columns.name = "FY" if frame["period"].eq("FY").all() else "year"
    return wide


def style_table(frame: pd.DataFrame, *, index: Sequence[str] | None = None,
                years: Iterable[int] | None = None, caption: str | None = None,
                sig: int = 3) -> Styler:
    """A pandas ``Styler`` for notebooks: years across, values formatted by their unit.

    Money prints as ``¥8.70T``/``$55.5B``, ratios as ``1.37%``, indices as ``104.2`` (with
    :mod:`defbudget.formatting`, as charts do). SIPRI estimates are shown in italics,
    highly uncertain values in red, unavailable ones as ``–``. The caption names the unit,
    price basis, period convention and sources.

    Parameters
    ----------
    frame
        A tidy frame.
    index, years
        As in :func:`wide_table`.
    caption
        Text before the generated caption.
    sig
        Significant digits for money.

    Returns
    -------
    pandas.io.formats.style.Styler
        Render it in Jupyter, or with ``.to_html()``; ``.data`` is :func:`wide_table`.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> sty = cmp.style_table(cmp._example_frame())
    >>> html = sty.to_html()
    >>> "¥6.82T" in html and "¥5.40T" in html
    True
    >>> print(sty.caption)  # doctest: +NORMALIZE_WHITESPACE
    Unit: yen, current prices. Fiscal years (FY2023 = April 2023 – March 2024).
    Sources: mod-white-paper-2002, mod-white-paper-2022, mod-white-paper-2023.
    """
    try:
        import jinja2  # noqa: F401  (pandas' Styler needs it)
    except ImportError as exc:  # pragma: no cover - jinja2 is a dependency
        raise ImportError("style_table needs jinja2: pip install jinja2") from exc
    from defbudget.formatting import format_value

    wide = wide_table(frame, index=index, years=years)
    flags = wide_table(frame, index=index, years=years, values="flag").reindex_like(wide)
    idx = list(wide.index.names)
    units = (wide.index.get_level_values("unit") if "unit" in idx
             else [frame["unit"].iloc[0]] * len(wide))
    styler = wide.style
    for pos, unit in enumerate(units):
        styler = styler.format(
            lambda v, unit=unit: format_value(v, unit, **({"sig": sig} if unit not in (
                "ratio", "index", "count") else {})),
            subset=pd.IndexSlice[wide.index[pos:pos + 1], :], na_rep="–")

    def css(_):
        look = {"estimate": "font-style: italic", "highly_uncertain": "color: #b00020",
                "unavailable": "color: #888888"}
        return flags.map(lambda f: look.get(f, "") if isinstance(f, str) else "")

    styler = styler.apply(css, axis=None)
    return styler.set_caption(_caption(frame, flags, caption))


def _caption(frame: pd.DataFrame, flags: pd.DataFrame, caption: str | None) -> str:
    """The caption of :func:`style_table`: *caption*, then the unit and price basis, the
    period convention, what the styles mean and the sources."""
    from defbudget.formatting import unit_label

    parts = [caption] if caption else []
    bases = frame[["unit", "price_basis", "base_year"]].drop_duplicates()
    parts.append("Unit: " + "; ".join(
        unit_label(u, price_basis=p, base_year=None if pd.isna(b) else int(b))
        for u, p, b in bases.itertuples(index=False)) + ".")
    if frame["period"].eq("FY").all():
        months = frame["fy_start_month"].unique()
        if len(months) == 1:
            m = int(months[0])
            end = calendar.month_name[(m - 2) % 12 + 1]
            y1 = "2024" if m != 1 else "2023"
            parts.append(f"Fiscal years (FY2023 = {calendar.month_name[m]} 2023 – {end} "
                         f"{y1}).")
        else:
            parts.append("Fiscal years (start months differ by country).")
    elif frame["period"].eq("CY").all():
        parts.append("Calendar years.")
    if flags.isin(["estimate"]).any().any():
        parts.append("Italic: estimate.")
    if flags.isin(["highly_uncertain"]).any().any():
        parts.append("Red: highly uncertain.")
    srcs = sorted({p for v in frame["source"].dropna() for p in str(v).split(";")})
    parts.append(f"Source{'s' if len(srcs) > 1 else ''}: {', '.join(srcs)}.")
    return " ".join(parts)

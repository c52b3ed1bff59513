"""Slope chart (two periods) and the reconciliation dot plot of reported USD figures."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Annotation

from defbudget._deprecate import renamed_keywords
from defbudget.errors import ArgumentError, DataError, UnknownNameError
from defbudget.formatting import format_change, format_money, format_value

from . import _common as c
from ._format import MoneyFormatter, formatter_for
from ._source import add_source_line, source_line, year_run_label
from ._style import NEUTRAL, colour_map, tint

__all__ = ["reconciliation_dots", "slope"]


@c.styled
def slope(data: pd.DataFrame, *, start: int, end: int, y: str = "value",
          hue: str = "country", ax: Axes | None = None, palette: c.Palette = None,
          highlight: str | Sequence[str] | None = None, title: str | None = None,
          source: bool | str = True, note: str | None = None) -> Axes:
    """Slope chart: each country's value in *start* joined to its value in *end*.

    Countries without a value in both years are left out and named in the source line.
    Labels on both sides are nudged apart so that none overlap; the right-hand label
    gives the value and the change: in % for amounts, in percentage points for shares.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.schema import coerce
    >>> from defbudget.plot import slope
    >>> frame = coerce(pd.DataFrame({"country": ["Japan", "Japan", "Korea", "Korea"],
    ...     "year": [2014, 2024] * 2, "period": "CY", "fy_start_month": 1,
    ...     "measure": "milex", "basis": "sipri", "value": [46e9, 55e9, 36e9, 47e9],
    ...     "unit": "USD", "price_basis": "constant", "base_year": 2023,
    ...     "source": "sipri_milex_2025"}))
    >>> fig, ax = plt.subplots()
    >>> ax = slope(frame, start=2014, end=2024, ax=ax)
    >>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "slope-end")
    ['Japan $55.0B (+19.6%)', 'Korea $47.0B (+30.6%)']
    """
    func = "plot.slope"
    if start >= end:
        raise ArgumentError(f"{func}: start={start!r} is not before end={end!r}; a slope chart "
                         "joins an earlier year to a later one, so a fall would be drawn as a "
                         "rise. Pass start < end, e.g. start=2014, end=2024.")
    ax = c.get_ax(ax)
    complete, dropped = _both_years(data, start, end, y=y, hue=hue, func=func)
    keys = list(complete.index)
    hl = c.highlight_names(data, highlight, hue)
    own = colour_map(keys)
    colours = ({k: own[k] if k in hl else tint(own[k], 0.55) for k in keys}
               if hl and palette is None else colour_map(keys, palette))
    unit = str(c.first(data, "unit", ""))
    for k in keys:
        a, b = complete.loc[k, start], complete.loc[k, end]
        ax.plot([0, 1], [a, b], color=colours[k], marker="o", zorder=3 if k in hl else 2,
                solid_capstyle="round", label=str(k))
    ax.set_xlim(-0.05, 1.05)
    low = min(0.0, float(complete.min().min()))
    ax.set_ylim(low, float(complete.max().max()) * 1.05)
    # labels in the country's full colour (its line may be a light context tint)
    _label_ends(ax, complete, start, end, unit,
                own if hl and palette is None else colours)
    year_name = year_run_label(data)  # "FY2014", "2014–15" (vocabulary)
    ax.set_xticks([0, 1], [year_name(start, start), year_name(end, end)])
    ax.yaxis.set_major_formatter(formatter_for(unit))
    ax.tick_params(axis="y", labelleft=False)
    ax.spines[["left", "right", "top"]].set_visible(False)
    ax.grid(False)
    ax.set_ylabel("")
    c.set_title(ax, title if title is not None else c.default_title(
        data, f", {year_name(start, start)} and {year_name(end, end)} "
        f"({c.value_label(data, capitalise=False)})"))
    extra = (f"Left out (no value in both years): {', '.join(map(str, dropped[:6]))}"
             + (" and others" if len(dropped) > 6 else "")) if dropped else None
    shown = data[data[hue].isin(keys) & data["year"].isin([start, end])]
    c.finish(ax, shown, source=source, note="; ".join(x for x in (note, extra) if x) or None)
    return ax


def _both_years(data: pd.DataFrame, start: int, end: int, *, y: str, hue: str,
                func: str) -> tuple[pd.DataFrame, list]:
    """Each *hue*'s value in *start* and *end* (columns), and the names left out."""
    c.check_frame(data, [y, hue, "year"], func=func, values=y)
    c.same_basis(data, func=func)
    wide = data[data["year"].isin([start, end])].pivot_table(
        index=hue, columns="year", values=y, aggfunc="first")
    for yr in (start, end):
        if yr not in wide.columns:
            raise DataError(f"{func}: no values in year {yr}; the frame covers "
                            f"{int(data['year'].min())}–{int(data['year'].max())}")
    complete = wide.dropna(subset=[start, end])
    dropped = sorted(set(data[hue]) - set(complete.index))
    if complete.empty:
        raise DataError(f"{func}: no {hue} has values in both {start} and {end}")
    return complete, dropped


def _label_ends(ax: Axes, complete: pd.DataFrame, start: int, end: int, unit: str,
                colours: dict) -> None:
    """Name and value at both ends, the change at the right, nudged apart."""
    size = plt.rcParams["font.size"] * 0.85
    for side, col, xpos in (("start", start, 0), ("end", end, 1)):
        items = []
        for k in complete.index:
            v = float(complete.loc[k, col])
            text = f"{k} {format_value(v, unit)}"
            if side == "end":
                text += f" ({format_change(v, float(complete.loc[k, start]), unit)})"
            items.append((text, float(xpos), v, colours[k]))
        arts = c.direct_labels(ax, items, side="right" if side == "end" else "left",
                               fontsize=size)
        for art in arts:
            art.set_gid(f"slope-{side}")
            art.xyann = (-0.06 if side == "start" else 1.06, art.xyann[1])


#: Conversions drawn as reference lines: (US$ column, rate column, period prefix, colour,
#: line style). Neutral greys: colours stand for countries in every defbudget chart.
_REFERENCES = (
    ("usd_at_fy_average", "fy_average_rate", "FY", "#4D4D4D", "-"),
    ("usd_at_cy_average", "cy_average_rate", "CY", "#A6A6A6", "-"),
)
#: Reported figures: filled when a rate of the period supports them, hollow when none does.
_REPORTED = "#1A1A1A"


def _rate_text(rate: float, unit: str, digits: int = 1) -> str:
    from defbudget.formatting import format_money

    sign = format_money(1.0, unit, scale=1.0, sig=1)[:-1] or f"{unit} "
    return f"{sign}{rate:.{digits}f}/$"


def _gap_text(pct: float) -> str:
    """'+0.04%', '-0.001%': enough decimals to show a small gap is not zero."""
    digits = 2 if abs(pct) >= 0.01 or pct == 0 else 3
    return f"{pct:+.{digits}f}%".replace("-", "\u2212")


def _row_labels(rows: pd.DataFrame) -> list[str]:
    """'Outlet, 2024-12-27' (or 'date not recorded'); the printed amount tells apart two
    rows of one outlet and date; the second line gives the row's window."""
    base = []
    for rec in rows.to_dict("records"):
        date = rec.get("published")
        date = date if isinstance(date, str) and date else "date not recorded"
        base.append(f"{rec['outlet']}, {date}")
    dup = pd.Series(base).duplicated(keep=False).tolist()
    out = []
    for text, twin, rec in zip(base, dup, rows.to_dict("records"), strict=True):
        if twin:
            text = text.replace(",", f" ({format_money(rec['reported_usd'], 'USD')}),", 1)
        start, end = rec.get("window_start"), rec.get("window_end")
        if isinstance(start, str) and isinstance(end, str):
            text += f"\nwindow {start} to {end}"
        # a long outlet name is wrapped, or the labels squeeze the Axes to nothing
        out.append("\n".join(textwrap.fill(line, 40) for line in text.split("\n")))
    return out


@renamed_keywords(table="data")
@c.styled
def reconciliation_dots(data: pd.DataFrame, *, budget: str | None = None,
                        ax: Axes | None = None, title: str | None = None,
                        source: bool | str = True, note: str | None = None) -> Axes:
    """The US-dollar figures reported for one budget, and the conversion that explains each.

    One row per reported figure, named by outlet and publication date, with the window in
    which it could have been converted. The dot is the dollar figure printed (hollow when
    no rate of the period supports it), labelled with the rate it implies; the diamond is
    the local amount converted at the rate that best explains it (``best_rate_label`` of
    :func:`defbudget.reconcile`: a named average, or the spot rate of a day in the
    window), labelled with that rate and its distance. Vertical lines mark the conversion
    at the fiscal-year and calendar-year averages of the budget year, each naming its year
    as the government does (``FY2025``, ``2025–26``).

    Parameters
    ----------
    data
        The output of :func:`defbudget.reconcile` (columns ``budget``, ``outlet``,
        ``published``, ``reported_usd``, ``local_amount``, ``implied_rate``, the averages,
        ``best_rate``/``best_rate_label``/``best_rate_gap_pct``, ``window_start``/
        ``window_end``/``window_reason``, ``supported``, ``source``, ``fx_source`` ...).
        Tables without the best-explanation columns are drawn without diamonds. (Called
        ``table`` before; that keyword still works for one release, with a FutureWarning.)
    budget
        Which budget to draw (e.g. ``"Japan FY2026 cabinet draft"``); needed when the
        table holds several.

    Returns
    -------
    matplotlib.axes.Axes
        x axis in current US$.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.plot import reconciliation_dots
    >>> table = pd.DataFrame({"budget": "Japan FY2025 cabinet draft", "year": 2025,
    ...     "outlet": ["Reuters", "Nikkei Asia", "Blog"], "published": "2024-12-27",
    ...     "reported_usd": [55.1e9, 55.5e9, 80e9], "local_amount": 8.7005e12,
    ...     "local_unit": "JPY", "implied_rate": [157.9, 156.8, 108.8],
    ...     "usd_at_fy_average": 57.8e9, "usd_at_cy_average": 57.1e9,
    ...     "fy_average_rate": 150.5, "cy_average_rate": 152.4,
    ...     "usd_at_spot": 55.2e9, "rate_min": 139.9, "rate_max": 158.4,
    ...     "supported": [True, True, False], "source": "press",
    ...     "fx_source": "fed-h10"})
    >>> fig, ax = plt.subplots()
    >>> ax = reconciliation_dots(table, ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Reuters, 2024-12-27', 'Nikkei Asia, 2024-12-27', 'Blog, 2024-12-27']
    """
    budget, rows = _budget_rows(data, budget)
    # a figure of its own needs width: row labels left, legend right, a label per dot
    ax = c.get_ax(ax, figsize=(max(9.0, plt.rcParams["figure.figsize"][0]),
                               2.4 + max(len(rows), 2)))
    ys = np.arange(len(rows))
    supported = (rows["supported"].fillna(False).astype(bool) if "supported" in rows
                 else pd.Series(True, index=rows.index))
    local = float(rows["local_amount"].median())
    local_unit = str(c.first(rows, "local_unit", "JPY"))
    _draw_conversions(ax, rows, ys, local_unit)
    has_best = {"best_rate", "best_rate_label"} <= set(rows.columns)
    best_usd = _draw_best(ax, rows, ys) if has_best else pd.Series(np.nan, index=rows.index)
    face = [(_REPORTED if ok else "white") for ok in supported]
    dots = ax.scatter(rows["reported_usd"], ys, s=plt.rcParams["lines.markersize"] ** 2 * 2.2,
                      c=face, zorder=4, edgecolors=_REPORTED, linewidths=1.2)
    dots.set_gid("reported")
    _label_dots(ax, rows, ys, supported, local_unit, has_best)
    _reconciliation_axes(ax, rows, ys, best_usd)
    ax.set_xlabel(f"US$, current prices (as reported, and the {local_unit} amount converted)")
    c.set_title(ax, title if title is not None else
                f"{budget} ({format_money(local, local_unit)}): which exchange rate explains "
                "each reported US$ figure?")
    _reconciliation_legend(ax, supported)
    if source is not False:
        add_source_line(ax, source if isinstance(source, str) else source_line(
            _source_frame(rows, budget), note=note or _amount_note(rows, local, local_unit)))
    c.keep_inside(ax, [t for t in ax.texts if t.get_gid() == "dot-label"])
    return ax


def _budget_rows(data: pd.DataFrame, budget: str | None) -> tuple[str, pd.DataFrame]:
    """The budget to draw and its rows, smallest reported figure first."""
    func = "plot.reconciliation_dots"
    c.check_frame(data, ["budget", "outlet", "reported_usd", "local_amount"], func=func)
    budgets = list(dict.fromkeys(data["budget"]))
    if budget is None and len(budgets) > 1:
        raise ArgumentError(f"{func}: the table holds {len(budgets)} budgets; pass budget= one "
                            f"of {budgets!r}")
    budget = budget if budget is not None else budgets[0]
    rows = data[data["budget"] == budget]
    if rows.empty:
        raise UnknownNameError(f"{func}: no rows for budget {budget!r}; choose one of {budgets!r}")
    return budget, rows.sort_values("reported_usd").reset_index(drop=True)


def _fiscal_year_name(rows: pd.DataFrame, year: int) -> str:
    """The budget year as its government writes it, when the rows say which fiscal year."""
    if "fy_start_month" not in rows.columns or pd.isna(c.first(rows, "fy_start_month", None)):
        return f"FY{year}"
    from defbudget.fiscal import official_label

    iso3 = c.first(rows, "iso3", None)
    year_is = c.first(rows, "fy_year_is", None)
    return official_label(iso3 if isinstance(iso3, str) else None, year,
                          _start_month(rows),
                          year_is=year_is if isinstance(year_is, str) else None)


def _start_month(rows: pd.DataFrame) -> int:
    """The first month of the rows' fiscal year (the rows have one)."""
    return int(rows["fy_start_month"].dropna().iloc[0])


def _draw_conversions(ax: Axes, rows: pd.DataFrame, ys: np.ndarray, local_unit: str) -> None:
    """Vertical lines at the average-rate conversions, ticks at the publication-day rate."""
    year = c.first(rows, "year", None)
    for col, rate_col, prefix, colour, style in _REFERENCES:
        if col in rows.columns and rows[col].notna().any():
            val = float(rows[col].dropna().median())
            rate = c.first(rows, rate_col, None)
            which = prefix if year is None else (
                _fiscal_year_name(rows, int(year)) if prefix == "FY" else f"{prefix}{int(year)}")
            label = f"Converted at the {which} average rate" + (
                f" ({_rate_text(float(rate), local_unit)})" if rate else "")
            ax.axvline(val, color=colour, linewidth=1.4, linestyle=style, zorder=1,
                       label=label)
    if "usd_at_spot" in rows.columns and rows["usd_at_spot"].notna().any():
        ax.plot(rows["usd_at_spot"], ys, linestyle="none", marker="|", markersize=12,
                markeredgewidth=2, color=NEUTRAL, zorder=2,
                label="Converted at the rate of the publication date")


def _draw_best(ax: Axes, rows: pd.DataFrame, ys: np.ndarray) -> pd.Series:
    """Diamonds at the conversion that best explains each figure, joined to the figure."""
    best_usd = rows["local_amount"] / rows["best_rate"]
    for yv, rep, conv in zip(ys, rows["reported_usd"], best_usd, strict=True):
        if np.isfinite(conv):
            ax.plot([rep, conv], [yv, yv], color="#777777", linewidth=0.8, zorder=2)
    ax.plot(best_usd, ys, linestyle="none", marker="D", markersize=6.5,
            markerfacecolor="white", markeredgecolor="#1A1A1A", markeredgewidth=1.2,
            zorder=3, label="Converted at the rate that best explains it")
    return best_usd


def _label_dots(ax: Axes, rows: pd.DataFrame, ys: np.ndarray, supported: pd.Series,
                local_unit: str, has_best: bool) -> None:
    """Each reported figure's label: the amount, the rate it implies, its best explanation."""
    size = plt.rcParams["font.size"] * 0.8
    for yv, rec, ok in zip(ys, rows.to_dict("records"), supported, strict=True):
        text = format_money(rec["reported_usd"], "USD")
        if pd.notna(rec.get("implied_rate")):
            text += f" (implies {_rate_text(rec['implied_rate'], local_unit)})"
        if has_best and isinstance(rec.get("best_rate_label"), str) and \
                rec["best_rate_label"] != "none" and pd.notna(rec.get("best_rate")):
            text += (f"\nbest: {rec['best_rate_label']}, "
                     f"{_rate_text(rec['best_rate'], local_unit, 2)}, "
                     f"{_gap_text(rec['best_rate_gap_pct'])} from the implied rate")
        if not ok:
            text += "\nno rate of the period supports it"
        t = ax.annotate(text, xy=(rec["reported_usd"], yv), xytext=(0, 8),
                        textcoords="offset points", ha="center", va="bottom", fontsize=size,
                        color="#333333", fontweight="normal" if ok else "bold",
                        parse_math=False, zorder=6,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.85})
        t.set_gid("dot-label")


def _amount_note(rows: pd.DataFrame, local: float, local_unit: str) -> str:
    """The source line's note: the local amount, the rate unit, where the windows start."""
    return "; ".join(x for x in (f"{local_unit} amount {format_money(local, local_unit)}; "
                                 f"rates in {local_unit} per US$", _window_note(rows)) if x)


def _reconciliation_axes(ax: Axes, rows: pd.DataFrame, ys: np.ndarray,
                         best_usd: pd.Series) -> None:
    """A row per figure; x limits around every amount drawn, labels kept off the edges."""
    ax.set_yticks(ys, _row_labels(rows))
    ax.set_ylim(-0.6, len(rows) - 0.05)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.xaxis.set_major_formatter(MoneyFormatter("USD"))
    refs = [rows[col] for col, *_ in _REFERENCES if col in rows and rows[col].notna().any()]
    if "usd_at_spot" in rows:
        refs.append(rows["usd_at_spot"])
    every = pd.concat([rows["reported_usd"], best_usd, *refs]).dropna().astype(float)
    lo_x, hi_x = float(every.min()), float(every.max())
    pad = (hi_x - lo_x) * 0.22 or hi_x * 0.05
    ax.set_xlim(lo_x - pad, hi_x + pad)
    x_lo, x_hi = ax.get_xlim()
    for t in ax.texts:  # keep dot labels inside the plot: align them away from the edges
        if t.get_gid() == "dot-label" and isinstance(t, Annotation):
            frac = (t.xy[0] - x_lo) / ((x_hi - x_lo) or 1.0)
            t.set_horizontalalignment("right" if frac > 0.7 else "left" if frac < 0.3
                                      else "center")


def _reconciliation_legend(ax: Axes, supported: pd.Series) -> None:
    """The legend right of the plot: reference lines, diamonds, filled and hollow dots."""
    handles, labels = ax.get_legend_handles_labels()
    handles += [Line2D([], [], linestyle="none", marker="o", color=_REPORTED),
                Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                       markeredgecolor=_REPORTED)]
    labels += ["Reported: a rate of the period supports it",
               "Reported: no rate of the period supports it"]
    if not (~supported).any():
        handles, labels = handles[:-1], labels[:-1]
    labels = [textwrap.fill(t, 30, break_on_hyphens=False) for t in labels]
    legend = ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                       fontsize=plt.rcParams["font.size"] * 0.78, labelspacing=0.9)
    for text in legend.get_texts():
        text.set_parse_math(False)


def _source_frame(rows: pd.DataFrame, budget: str) -> pd.DataFrame:
    """What the source line describes: the sources, current US$, the budget's fiscal year."""
    ids = list(dict.fromkeys(list(rows.get("source", pd.Series(dtype=str)).dropna())
                             + list(rows.get("fx_source", pd.Series(dtype=str)).dropna())))
    frame = pd.DataFrame({"source": ids or [None], "unit": "USD", "price_basis": "current"})
    if "fy_start_month" in rows.columns and rows["fy_start_month"].notna().any():
        iso3 = c.first(rows, "iso3", None)
        if isinstance(iso3, str):
            frame["iso3"] = iso3
        frame["period"] = str(c.first(rows, "period", "FY"))
        frame["fy_start_month"] = _start_month(rows)
        year_is = c.first(rows, "fy_year_is", None)
        if isinstance(year_is, str):
            frame["fy_year_is"] = year_is
        return frame
    fy = str(budget).find("FY") >= 0  # a table without its fiscal year: Japan's April start
    frame["period"] = "FY" if fy else "CY"
    frame["fy_start_month"] = 4 if fy else 1
    return frame


def _window_note(rows: pd.DataFrame) -> str | None:
    """Why the windows start where they do (their first clause, once each)."""
    if "window_reason" not in rows.columns:
        return None
    starts = list(dict.fromkeys(str(r).split(";")[0] for r in rows["window_reason"].dropna()))
    if not starts:
        return None
    return ("windows run " + "; ".join(starts)
            + ", to the figure's publication (undated: to its stage's end or its source's year)")

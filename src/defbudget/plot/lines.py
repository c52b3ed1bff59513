"""Line charts over time: trend, comparison lines, indexed growth, share of GDP vs targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from defbudget._deprecate import renamed_keywords
from defbudget.errors import ArgumentError, DataError, MissingColumnError, UnknownNameError
from defbudget.formatting import format_ratio

from . import _common as c
from ._format import IndexFormatter, PercentFormatter, formatter_for
from ._names import MEASURE_NAMES
from ._source import year_run_label
from ._style import (
    NEUTRAL,
    STYLE_TARGET,
    TARGET_COLOUR,
    colour_map,
    country_colour,
    shade,
    tint,
)

#: Markers that tell apart the bases of one country drawn in one hue (with lightness).
BASIS_MARKERS = ("o", "s", "^", "D", "v")

__all__ = ["burden_vs_targets", "compare_lines", "indexed_growth", "trend"]


def _hue_columns(hue: str | Sequence[str] | None) -> list[str]:
    if hue is None:
        return []
    return [hue] if isinstance(hue, str) else list(hue)


def _series(data: pd.DataFrame, *, x: str, y: str, hue_cols: list[str], func: str
            ) -> list[tuple[object, pd.DataFrame]]:
    """Split *data* into one sorted frame per series, each on a complete grid of x."""
    data = data.reset_index(drop=True)
    groups = (list(data.groupby(hue_cols, sort=False, dropna=False)) if hue_cols
              else [(None, data)])
    out = []
    for key, grp in groups:
        key = key[0] if isinstance(key, tuple) and len(key) == 1 else key
        dup = grp[x].duplicated(keep=False)
        if dup.any():
            year = grp.loc[dup, x].iloc[0]
            rows = grp[grp[x] == year]
            differ = [col for col in ("measure", "basis", "unit", "source", "stage")
                      if col in rows.columns and rows[col].nunique(dropna=False) > 1]
            split = differ[0] if differ else "basis"
            raise DataError(
                f"{func} found {len(rows)} rows for series {c.series_key_label(key)!r} at "
                f"{x}={year!r} (they differ in {differ or 'nothing — exact duplicates'}). "
                "Filter the frame to one measure and basis, or split the series with "
                f"hue=[{', '.join(repr(h) for h in hue_cols)}, {split!r}]."
            )
        grp = grp.sort_values(x)
        if pd.api.types.is_integer_dtype(grp[x]) and len(grp):
            full = pd.RangeIndex(int(grp[x].min()), int(grp[x].max()) + 1)
            grp = grp.set_index(x).reindex(full).rename_axis(x).reset_index()
        out.append((key, grp))
    return out


def _single_country_colour(data: pd.DataFrame, hue_cols: list[str]) -> str | None:
    """The house colour of the one country a multi-series chart shows (None otherwise)."""
    if "country" in hue_cols or "country" not in data.columns or not hue_cols:
        return None
    countries = data["country"].dropna().unique()
    return country_colour(countries[0]) if len(countries) == 1 else None


def _coinciding(series: dict, *, x: str, y: str) -> list[tuple[str, str, int, int]]:
    """Runs of periods where two series have the same values (one hides the other)."""
    out = []
    items = list(series.items())
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            (ka, a), (kb, b) = items[i], items[j]
            merged = a[[x, y]].merge(b[[x, y]], on=x, suffixes=("_a", "_b")).dropna()
            if merged.empty:
                continue
            same = np.isclose(merged[f"{y}_a"].astype(float), merged[f"{y}_b"].astype(float),
                              rtol=1e-9, atol=0.0)
            years = merged.loc[same, x].astype(int).tolist()
            for start, end in c_runs(years):
                if end > start:
                    out.append((c.series_key_label(ka), c.series_key_label(kb), start, end))
    return out


def c_runs(years: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for yr in sorted(years):
        if runs and yr == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], yr)
        else:
            runs.append((yr, yr))
    return runs


def _mark_coinciding(ax: Axes, series: dict, *, x: str, y: str, period: str) -> str | None:
    """Say on the chart where two series coincide; returns a note for the source line."""
    notes = []
    for a, b, start, end in _coinciding(series, x=x, y=y):
        span = f"{period}{start}–{end}"
        short = [name.split(",")[1].strip() if "," in name else name for name in (a, b)]
        text = f"{span}: {short[0]} and {short[1]}\nare equal (one line)"
        grp = series[next(iter(series))]
        mid = grp[(grp[x] >= start) & (grp[x] <= end)].dropna(subset=[y])
        if mid.empty:
            continue
        row = mid.loc[mid[y].astype(float).idxmin()]  # under the segment's lowest point
        t = ax.annotate(text, xy=(float(row[x]), float(row[y])), xytext=(2, -9),
                        textcoords="offset points", ha="left", va="top",
                        fontsize=plt.rcParams["font.size"] * 0.75, color="#333333",
                        parse_math=False, zorder=6,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.85})
        t.set_gid("coinciding")
        notes.append(f"{span}: {a} and {b} are equal")
    return "; ".join(notes) or None


def _annotate_events(ax: Axes, events: Mapping[float, str] | None) -> None:
    """Dotted vertical lines with labels at the top, stacked so that no two labels overlap."""
    if not events:
        return
    lo, hi = ax.get_xlim()
    span = (hi - lo) or 1.0
    size = plt.rcParams["font.size"] * 0.8
    width_pt = c.axes_inches(ax)[0] * 72
    placed: list[tuple[int, float, float]] = []  # (level, left, right) in axes fractions
    for xval, text in sorted(events.items()):
        ax.axvline(xval, color=NEUTRAL, linestyle=":", linewidth=0.9, zorder=1)
        frac = (xval - lo) / span
        width = (len(str(text)) * size * 0.55 + 6) / width_pt
        right_side = frac + width <= 1.0
        left, right = (frac, frac + width) if right_side else (frac - width, frac)
        level = 0
        while any(lv == level and left < r and right > lft for lv, lft, r in placed):
            level += 1
        placed.append((level, left, right))
        ann = ax.annotate(text, xy=(xval, 1.0), xycoords=("data", "axes fraction"),
                          xytext=(3 if right_side else -3, -3 - level * size * 1.35),
                          textcoords="offset points", ha="left" if right_side else "right",
                          va="top", fontsize=size, color="#333333",
                          bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                "alpha": 0.85}, zorder=5)
        ann.set_gid("event")


def _draw_lines(data: pd.DataFrame, *, x: str, y: str, hue: str | Sequence[str] | None,
                ax: Axes | None, palette, markers: bool | str, func: str, **kwargs
                ) -> tuple[Axes, list, pd.Series, bool, dict]:
    ax = c.get_ax(ax)
    hue_cols = _hue_columns(hue)
    c.check_frame(data, [x, y, *hue_cols], func=func, values=y)
    c.same_basis(data, func=func)
    series = _series(data, x=x, y=y, hue_cols=hue_cols, func=func)
    keys = [k for k, _ in series]
    one_country = _single_country_colour(data, hue_cols)
    if palette is None and one_country is not None:
        # several bases (or measures) of one country: its hue, told apart by lightness
        colours = {k: shade(one_country, i) for i, k in enumerate(keys)}
        marker_of = {k: BASIS_MARKERS[i % len(BASIS_MARKERS)] for i, k in enumerate(keys)}
    else:
        colours = colour_map(keys, palette)
        marker_of = {}
    longest = max(len(g) for _, g in series)
    show_markers = (longest <= 40) if markers == "auto" else bool(markers)
    handles = []
    plain = c.all_estimates(data)
    for key, grp in series:
        kinds = c.point_kind(grp, plain_estimates=plain).to_numpy()
        xs = grp[x].to_numpy(dtype=float)
        ys = grp[y].to_numpy(dtype=float)
        label = c.series_key_label(key) if key is not None else None
        kw = dict(kwargs)
        if show_markers and key in marker_of:
            kw.setdefault("marker", marker_of[key])
        lines = c.draw_series(ax, xs, ys, kinds, colour=colours[key], label=label,
                              markers=show_markers, **kw)
        handles.append(lines[0])
    kinds_all = c.point_kind(data)
    return ax, handles, kinds_all, show_markers, {k: g for k, g in series}


@c.styled
def trend(data: pd.DataFrame, *, x: str = "year", y: str = "value",
          hue: str | Sequence[str] | None = "country", ax: Axes | None = None,
          events: Mapping[float, str] | None = None, title: str | None = None,
          ylabel: str | None = None, xlabel: str | None = None, palette: c.Palette = None,
          markers: bool | str = "auto", zero: bool = True, legend: bool = True,
          source: bool | str = True, note: str | None = None, **kwargs: Any) -> Axes:
    """Draw one or more series over time; draft, request and estimate points drawn hollow.

    Parameters
    ----------
    data
        Tidy frame with one row per series and period, all in one unit and price basis
        (e.g. ``load("japan_mod_budget")`` filtered to one ``basis``). Missing periods
        and rows with a missing value (flag ``unavailable``) break the line.
    x, y
        Columns for the period label (int years) and the value (whole units).
    hue
        Column(s) that split the series (default ``"country"``); ``None`` for one series.
    ax
        Axes to draw on; default a new figure (one per call).
    events
        ``{x: text}`` to mark with a dotted vertical line and a label, e.g.
        ``{2022: "2022 strategy documents"}``.
    title, ylabel, xlabel
        Override the generated title (what is measured, for whom), the value-axis label
        (unit and price basis) and the period-axis label (fiscal or calendar years).
    palette
        List or dict of colours; default Okabe–Ito.
    markers
        Draw a marker at every final point; ``"auto"`` does so for series of <= 40 points.
    zero
        Start a money axis at zero when all values are positive.
    legend
        Draw a legend (series, and what filled and hollow points mean).
    source
        True prints the source line generated from *data*; a string replaces it; False
        omits it (only when the figure carries its own).
    note
        Extra sentence for the source line.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` for the solid lines.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. Values are plotted in the frame's units (e.g. yen, current
        prices); the y tick labels read ¥2T, ¥4T, ...

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.schema import coerce
    >>> from defbudget.plot import trend
    >>> frame = coerce(pd.DataFrame({
    ...     "country": "Japan", "iso3": "JPN", "year": [2023, 2024, 2025, 2026],
    ...     "period": "FY", "fy_start_month": 4, "measure": "defense_budget",
    ...     "basis": "mod_incl_saco_realignment",
    ...     "value": [6.8219e12, 7.9496e12, 8.7005e12, 9.0353e12], "unit": "JPY",
    ...     "price_basis": "current", "stage": ["enacted"] * 3 + ["draft"],
    ...     "source": "mod_budget"}))
    >>> fig, ax = plt.subplots()
    >>> ax = trend(frame, ax=ax, events={2022.9: "2022 strategy documents"})
    >>> ax.get_ylabel()
    'Yen, current prices'
    >>> ax.yaxis.get_major_formatter().format_ticks([0, 5e12, 10e12])
    ['¥0', '¥5T', '¥10T']
    """
    ax, handles, kinds, show_markers, series = _draw_lines(
        data, x=x, y=y, hue=hue, ax=ax, palette=palette, markers=markers, func="plot.trend",
        **kwargs)
    _trend_axes(ax, data, y=y, zero=zero, ylabel=ylabel, xlabel=xlabel, title=title)
    _annotate_events(ax, events)
    period = "FY" if "period" in data.columns and data["period"].eq("FY").all() else ""
    if len(series) > 1:
        _mark_coinciding(ax, series, x=x, y=y, period=period)
    if legend:
        _trend_legend(ax, data, handles, kinds, markers=show_markers)
    c.finish(ax, data, source=source, note=note)
    return ax


def _trend_legend(ax: Axes, data: pd.DataFrame, handles: list, kinds: pd.Series, *,
                  markers: bool) -> None:
    """Series (when several) and what filled and hollow points mean (when both occur)."""
    shown = (handles if len(handles) > 1 else []) + c.kind_handles(data, kinds,
                                                                    markers=markers)
    if shown:
        ax.legend(handles=shown, loc="best")


def _trend_axes(ax: Axes, data: pd.DataFrame, *, y: str, zero: bool, ylabel: str | None,
                xlabel: str | None, title: str | None) -> None:
    """Money or % up the side (from zero when asked and nothing is negative), whole years
    along the bottom, both labelled, and the title (each generated unless given)."""
    unit = str(c.first(data, "unit", ""))
    ax.yaxis.set_major_formatter(formatter_for(unit))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if zero and unit not in ("index",) and (data[y].dropna() >= 0).all():
        ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel if ylabel is not None else c.value_label(data))
    ax.set_xlabel(xlabel if xlabel is not None else c.year_label(data))
    c.set_title(ax, title if title is not None else c.default_title(data))


@c.styled
def compare_lines(data: pd.DataFrame, *, x: str = "year", y: str = "value",
                  hue: str = "country", ax: Axes | None = None,
                  highlight: str | Sequence[str] | None = None, title: str | None = None,
                  ylabel: str | None = None, xlabel: str | None = None, palette: c.Palette = None,
                  label_ends: bool | str = "auto", zero: bool = True,
                  source: bool | str = True, note: str | None = None,
                  years: tuple | None = None, **kwargs: Any) -> Axes:
    """Compare several countries' series on one axis, labelled at the line ends.

    All rows must share one unit and price basis (e.g. SIPRI constant-2023 US$); mixed
    currencies raise :class:`~defbudget.schema.BasisMismatchError` naming the converter.

    Parameters
    ----------
    data
        Tidy frame, one row per country and year.
    highlight
        Country (or countries) drawn in colour; the others in grey for context.
    label_ends
        Label each line at its last point instead of a legend (``"auto"``: up to 12 lines).
    years
        ``(first, last)`` to draw. Shares of GDP of several countries open on 1990 by
        default, as in :func:`burden_vs_targets`.
    Other parameters
        As for :func:`trend`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.schema import coerce
    >>> from defbudget.plot import compare_lines
    >>> rows = [{"country": c, "year": y, "value": v * (1.05 ** (y - 2020))}
    ...         for c, v in [("Japan", 50e9), ("Australia", 30e9)] for y in range(2020, 2025)]
    >>> frame = coerce(pd.DataFrame(rows).assign(period="CY", fy_start_month=1,
    ...     measure="milex", basis="sipri", unit="USD", price_basis="constant",
    ...     base_year=2023, source="sipri_milex_2025"))
    >>> fig, ax = plt.subplots()
    >>> ax = compare_lines(frame, ax=ax)
    >>> sorted(t.get_text() for t in ax.texts)
    ['Australia', 'Japan']
    """
    window_note = None
    shares = "measure" in data.columns and set(data["measure"].dropna()) == {"milex_share_gdp"}
    if shares or years is not None:
        data, window_note = _burden_window(data, x=x, hue=hue, years=years)
    ax, state = _compare_core(data, x=x, y=y, hue=hue, ax=ax, highlight=highlight,
                              title=title, ylabel=ylabel, xlabel=xlabel, palette=palette,
                              zero=zero, func="plot.compare_lines", **kwargs)
    c.finish(ax, data, source=source, note="; ".join(n for n in (note, window_note) if n)
             or None)  # first: the end labels are spaced for the final layout
    _legend_or_labels(ax, data, state, x=x, y=y, label_ends=label_ends)
    return ax


def _compare_core(data: pd.DataFrame, *, x: str, y: str, hue: str, ax: Axes | None,
                  highlight, title, ylabel, xlabel, palette, zero: bool, func: str,
                  **kwargs: Any) -> tuple[Axes, tuple]:
    hl = c.highlight_names(data, highlight, hue)
    if hl and hue in data.columns:
        unknown = [h for h in hl if h not in set(data[hue])]
        if unknown:
            raise UnknownNameError(f"highlight names {unknown!r}, not found in column {hue!r} "
                                   f"(it holds e.g. {sorted(set(data[hue].dropna()))[:8]!r})")
    if hl and palette is None:
        keys = list(dict.fromkeys(data[hue]))
        own = colour_map(keys)
        # context series: a light tint of their own colour, so each can still be traced
        palette = {k: own[k] if k in hl else tint(own[k], 0.55) for k in keys}
    ax, handles, kinds, show_markers, series = _draw_lines(
        data, x=x, y=y, hue=hue, ax=ax, palette=palette, markers=False, func=func, **kwargs)
    own = colour_map(list(dict.fromkeys(data[hue]))) if hl and hue in data.columns else {}
    for h in handles:
        if hl and h.get_label() not in hl:
            h.set_zorder(2)
            h.set_linewidth(h.get_linewidth() * 0.7)
            # the end label keeps the country's full colour, readable on white
            h.__dict__["_defbudget_label_colour"] = own.get(h.get_label(), h.get_color())
    unit = str(c.first(data, "unit", ""))
    ax.yaxis.set_major_formatter(formatter_for(unit))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if zero and (data[y].dropna() >= 0).all():
        ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel if ylabel is not None else c.value_label(data))
    ax.set_xlabel(xlabel if xlabel is not None else c.year_label(data))
    c.set_title(ax, title if title is not None else c.default_title(data))
    return ax, (handles, series, kinds, show_markers)


def _legend_or_labels(ax: Axes, data: pd.DataFrame, state: tuple, *, x: str, y: str,
                      label_ends: bool | str) -> None:
    handles, series, kinds, markers = state
    use_labels = (len(handles) <= 12) if label_ends == "auto" else bool(label_ends)
    extra = c.kind_handles(data, kinds, markers=markers)
    if use_labels:
        items = []
        for h, (_key, grp) in zip(handles, series.items(), strict=True):
            last = grp.dropna(subset=[y]).iloc[-1] if grp[y].notna().any() else None
            if last is not None:
                items.append((h.get_label(), float(last[x]), float(last[y]),
                              h.__dict__.get("_defbudget_label_colour", h.get_color())))
        c.direct_labels(ax, items)
        if extra:
            ax.legend(handles=extra, loc="best")  # where it hides the fewest points
    else:
        ax.legend(handles=handles + extra, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  ncols=max(1, len(handles) // 25 + 1))


@renamed_keywords(base="index_year")
@c.styled
def indexed_growth(data: pd.DataFrame, *, index_year: int, x: str = "year", y: str = "value",
                   hue: str = "country", ax: Axes | None = None, title: str | None = None,
                   palette: c.Palette = None, highlight: str | Sequence[str] | None = None,
                   label_ends: bool | str = "auto", source: bool | str = True,
                   note: str | None = None, **kwargs: Any) -> Axes:
    """Growth of each series as an index, *index_year* = 100 (e.g. each country's 2014 level).

    The index is computed per series as ``100 * value / value[index_year]``; a series without
    a value in *index_year* raises, naming it. Series in different currencies may be indexed
    together (the index has no unit), but not a mix of current and constant prices.
    (*index_year* was called ``base=`` before; the old keyword still works, with a
    FutureWarning.)

    Returns
    -------
    matplotlib.axes.Axes
        The y axis reads 100 at the index year, with a reference line there.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.schema import coerce
    >>> from defbudget.plot import indexed_growth
    >>> rows = [{"country": c, "year": y, "value": v * (g ** (y - 2020)), "unit": u}
    ...         for c, v, g, u in [("Japan", 5e12, 1.08, "JPY"), ("Australia", 4e10, 1.03,
    ...         "AUD")] for y in range(2020, 2025)]
    >>> frame = coerce(pd.DataFrame(rows).assign(period="CY", fy_start_month=1,
    ...     measure="milex", basis="sipri", price_basis="current", source="sipri_milex_2025"))
    >>> fig, ax = plt.subplots()
    >>> ax = indexed_growth(frame, ax=ax, index_year=2020)
    >>> ax.get_ylabel()
    'Index, 2020 = 100 (current prices, national currency)'
    """
    func = "plot.indexed_growth"
    c.check_frame(data, [x, y, hue], func=func, values=y)
    from defbudget.schema import require_same_basis

    require_same_basis(data, what=func, columns=("price_basis", "base_year"))
    frames = []
    for key, grp in data.groupby(hue, sort=False):
        at_base = grp.loc[grp[x] == index_year, y].dropna()
        if at_base.empty or at_base.iloc[0] == 0:
            years = sorted(grp.loc[grp[y].notna(), x].tolist())
            raise DataError(f"{func}: series {key!r} has no non-zero value in "
                            f"{x}={index_year} (it has {years[:3]}…{years[-3:]}); choose a base "
                            "period that "
                            "every series covers, or filter the series out.")
        frames.append(grp.assign(**{y: grp[y] / at_base.iloc[0] * 100.0}))
    indexed = pd.concat(frames, ignore_index=True)
    units = list(dict.fromkeys(data["unit"].dropna())) if "unit" in data else []
    indexed["unit"] = "index"
    prices = ("current prices" if c.first(data, "price_basis") != "constant"
              else f"constant {int(c.first(data, 'base_year'))} prices")
    currency = ("national currency" if len(units) > 1
                else c.value_label(data, capitalise=False).split(",")[0])
    year_name = year_run_label(data.dropna(subset=["period"]) if "period" in data else data)(
        index_year, index_year)  # "FY2014", "2014–15", "2014" (vocabulary)
    ylabel = f"Index, {year_name} = 100 ({prices}, {currency})"
    ax, state = _compare_core(
        indexed, x=x, y=y, hue=hue, ax=ax, palette=palette, highlight=highlight, zero=False,
        title=title if title is not None else
        c.default_title(data, f", indexed to {year_name} = 100"),
        ylabel=ylabel, xlabel=None, func=func, **kwargs)
    ax.axhline(100, color=NEUTRAL, linewidth=0.8, zorder=1)
    ax.yaxis.set_major_formatter(IndexFormatter())
    c.finish(ax, data, source=source, note=note)
    _legend_or_labels(ax, indexed, state, x=x, y=y, label_ends=label_ends)
    return ax


def _axes_points(ax: Axes) -> np.ndarray:
    """Points of every line on *ax* (densified between vertices), in axes fractions."""
    ax.get_ylim()
    chunks = []
    for line in ax.get_lines():
        xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
        if len(xy) > 1:
            t = np.linspace(0, 1, 5)[:-1]
            a, b = xy[:-1], xy[1:]
            xy = np.concatenate([a + (b - a) * f for f in t] + [xy[-1:]])
        xy = xy[np.isfinite(xy).all(axis=1)]
        if len(xy):
            chunks.append(ax.transAxes.inverted().transform(ax.transData.transform(xy)))
    return np.concatenate(chunks) if chunks else np.empty((0, 2))


def _clearest_start(pts: np.ndarray, width: float, y0: float, y1: float) -> float:
    """Left edge (axes fraction) for a label box of *width* crossing the fewest points."""
    best, best_n = 0.005, None
    for x0 in np.linspace(0.005, max(0.005, 0.995 - width), 8):
        inside = ((pts[:, 0] >= x0) & (pts[:, 0] <= x0 + width)
                  & (pts[:, 1] >= y0 - 0.01) & (pts[:, 1] <= y1 + 0.01))
        n = int(inside.sum())
        if best_n is None or n < best_n:
            best, best_n = float(x0), n
    return best


def _target_label_column(targets: pd.DataFrame) -> str:
    for col in ("label", "name", "target", "title", "description"):
        if col in targets.columns:
            return col
    raise MissingColumnError("targets frame needs a label column ('label' or 'name') and a "
                             f"'value' column (a ratio, 0.02 = 2%); it has "
                             f"{list(targets.columns)!r}", columns=["label"])


def _default_targets() -> pd.DataFrame:
    try:
        from defbudget.datasets import load

        return load("targets")
    except (ImportError, KeyError, LookupError, FileNotFoundError, ValueError) as exc:
        raise ArgumentError("burden_vs_targets needs target levels: pass targets=<frame with "
                            "'label' and 'value' (ratio) columns and a 'source'>, or install "
                            f"a defbudget with the 'targets' dataset ({exc})") from exc


@c.styled
def burden_vs_targets(data: pd.DataFrame, *, targets: pd.DataFrame | None = None,
                      x: str = "year", y: str = "value", hue: str = "country",
                      ax: Axes | None = None, title: str | None = None, palette: c.Palette = None,
                      highlight: str | Sequence[str] | None = None,
                      label_ends: bool | str = "auto", source: bool | str = True,
                      note: str | None = None, years: tuple | None = None,
                      **kwargs: Any) -> Axes:
    """Military expenditure as a share of GDP, against spending targets drawn as lines.

    Parameters
    ----------
    data
        Tidy frame of ratios (``unit == "ratio"``, 0.02 = 2%), e.g. SIPRI ``milex_share_gdp``.
    targets
        One row per target with a ``value`` (ratio), a label column (``label``/``name``)
        and optionally ``year`` (the deadline) and ``source``. Default:
        ``defbudget.load("targets")``, keeping only the targets that apply to a country
        shown: NATO's for NATO members, Japan's goal for Japan. A frame passed here is
        drawn whole. Targets at the same level share one line and one label. A target
        measured otherwise than the data (Japan's goal counts defence-related spending
        against FY2022 GDP) is said so on the chart, so no distance to it is implied.
    years
        ``(first, last)`` to draw (either may be None). Default: a chart of several
        countries opens on 1990, the post-Cold-War period, unless its data start later.
        A value that would flatten the rest (GMSD's China at 51% in 1962) is clipped at
        the top of the chart with its value printed.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.schema import coerce
    >>> from defbudget.plot import burden_vs_targets
    >>> frame = coerce(pd.DataFrame({"country": "Japan", "year": range(2020, 2025),
    ...     "period": "CY", "fy_start_month": 1, "measure": "milex_share_gdp",
    ...     "basis": "sipri", "value": [0.010, 0.010, 0.011, 0.012, 0.014], "unit": "ratio",
    ...     "price_basis": "current", "source": "sipri_milex_2025"}))
    >>> targets = pd.DataFrame({"label": ["NATO guideline", "Japan goal by FY2027"],
    ...     "value": [0.02, 0.02], "source": ["nato_2014", "jp_nss_2022"]})
    >>> fig, ax = plt.subplots()
    >>> ax = burden_vs_targets(frame, ax=ax, targets=targets)
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "target"]
    ['2.0%: NATO guideline; Japan goal by FY2027']
    """
    func = "plot.burden_vs_targets"
    data, window_note, targets = _burden_inputs(data, targets, x=x, y=y, hue=hue,
                                                years=years, func=func)
    label_col = _target_label_column(targets) if len(targets) else "label"
    ax, state = _compare_core(
        data, x=x, y=y, hue=hue, ax=ax, palette=palette, highlight=highlight,
        title=title if title is not None else c.default_title(data),
        ylabel="Share of GDP (%)", xlabel=None, zero=True, func=func, **kwargs)
    ax.yaxis.set_major_formatter(PercentFormatter())
    highest_target = float(targets["value"].max()) if len(targets) else 0.0
    top, clipped = _burden_top(data, x=x, y=y, hue=hue, floor=highest_target)
    ax.set_ylim(0, top)
    _mark_clipped(ax, clipped, top=top)
    frame_for_source = data
    if "source" in targets.columns:
        extra = targets[["source"]].dropna()
        frame_for_source = pd.concat([data, extra], ignore_index=True)
    notes = [note or ("Dash-dot lines: spending targets as a share of GDP" if len(targets)
                      else None), window_note]
    c.finish(ax, frame_for_source, source=source,  # first: labels fit the final layout
             note="; ".join(n for n in notes if n) or None)
    _legend_or_labels(ax, data, state, x=x, y=y, label_ends=label_ends)
    _draw_targets(ax, targets, label_col=label_col, top=top)
    _target_caveat(ax, data, targets, label_col=label_col)
    return ax


def _burden_inputs(data: pd.DataFrame, targets: pd.DataFrame | None, *, x: str, y: str,
                   hue: str, years: tuple | None, func: str
                   ) -> tuple[pd.DataFrame, str | None, pd.DataFrame]:
    """The shares to draw (in the chart's window, and the note saying so) and the targets
    (by default those that apply to a country drawn); refuses what is not a share."""
    c.check_frame(data, [x, y, hue], func=func, values=y)
    units = set(data["unit"].dropna()) if "unit" in data.columns else {"ratio"}
    if units != {"ratio"}:
        raise DataError(f"{func} draws shares of GDP (unit 'ratio', 0.02 = 2%); the frame "
                        f"has unit(s) {sorted(units)!r}. Filter to measure "
                        "'milex_share_gdp', or divide by GDP first.")
    data, window_note = _burden_window(data, x=x, hue=hue, years=years)
    if targets is None:
        targets = _applicable_targets(_default_targets(), data, hue=hue)
    if not isinstance(targets, pd.DataFrame) or "value" not in targets.columns:
        raise ArgumentError(f"{func}: targets must be a DataFrame with a 'value' column (ratio)")
    return data, window_note, targets


def _draw_targets(ax: Axes, targets: pd.DataFrame, *, label_col: str, top: float) -> None:
    """One dash-dot line per target level, labelled with every target at that level, the
    labels spread apart and placed where the lines leave them most room."""
    groups: dict[float, list[str]] = {}
    for rec in targets.to_dict("records"):
        text = str(rec[label_col])
        deadline = rec.get("year", rec.get("deadline"))
        if deadline is not None and pd.notna(deadline) and str(int(deadline)) not in text:
            text += f" (by {int(deadline)})"
        groups.setdefault(round(float(rec["value"]), 6), []).append(text)
    levels = sorted(groups)
    size = plt.rcParams["font.size"] * 0.8
    width_in, height_in = c.axes_inches(ax)
    gap = (size * 1.3 / 72) / max(height_in, 0.5)
    fracs = [lvl / top for lvl in levels]
    placed = c.spread(fracs, gap, lo=0.0, hi=0.97)
    width_pt = width_in * 72
    pts = _axes_points(ax)
    for lvl, frac in zip(levels, placed, strict=True):
        ax.axhline(lvl, color=TARGET_COLOUR, linestyle=STYLE_TARGET, linewidth=0.9,
                   zorder=1, gid="target")
        label = f"{format_ratio(lvl, digits=1)}: " + "; ".join(dict.fromkeys(groups[lvl]))
        width = min(1.0, (len(label) * size * 0.55 + 8) / width_pt)
        x0 = _clearest_start(pts, width, frac, frac + gap)
        t = ax.annotate(label, xy=(x0, frac), xycoords="axes fraction",
                        xytext=(2, 2), textcoords="offset points", ha="left", va="bottom",
                        fontsize=size, color="#333333", zorder=6,
                        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                              "alpha": 0.9})
        t.set_gid("target")


#: First year of a cross-country burden chart unless years are given: the end of the Cold
#: War, when most of today's series settle (and GMSD's wartime and early-PRC peaks end).
BURDEN_START = 1990

#: NATO's 32 Allies (ISO3), from NATO, "NATO member countries",
#: https://www.nato.int/cps/en/natohq/topics_52044.htm (Sweden joined on 7 March 2024).
NATO_MEMBERS = frozenset({
    "ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
    "HUN", "ISL", "ITA", "LVA", "LTU", "LUX", "MNE", "NLD", "MKD", "NOR", "POL", "PRT",
    "ROU", "SVK", "SVN", "ESP", "SWE", "TUR", "GBR", "USA"})


def _burden_window(data: pd.DataFrame, *, x: str, hue: str, years: tuple | None
                   ) -> tuple[pd.DataFrame, str | None]:
    if years is not None:
        first, last = (*tuple(years), None, None)[:2]
        keep = pd.Series(True, index=data.index)
        if first is not None:
            keep &= data[x] >= first
        if last is not None:
            keep &= data[x] <= last
        if not keep.any():
            raise DataError(f"plot.burden_vs_targets: no rows in years={years!r}; the frame "
                            f"covers {int(data[x].min())}–{int(data[x].max())}")
        return data[keep], None
    several = hue in data.columns and data[hue].nunique() > 1
    if several and data[x].min() < BURDEN_START <= data[x].max():
        return (data[data[x] >= BURDEN_START],
                f"From {BURDEN_START}; the data start in {int(data[x].min())}")
    return data, None


def _iso3_of(data: pd.DataFrame, hue: str) -> set[str]:
    from ._style import _COUNTRY_NAMES

    codes = set()
    if "iso3" in data.columns:
        codes |= {str(v) for v in data["iso3"].dropna()}
    if hue in data.columns:
        for name in data[hue].dropna().unique():
            iso = _COUNTRY_NAMES.get(str(name).lower())
            if iso:
                codes.add(iso)
    return codes


def _applicable_targets(targets: pd.DataFrame, data: pd.DataFrame, *, hue: str
                        ) -> pd.DataFrame:
    """The targets that apply to a country shown: NATO's for Allies, a country's own."""
    if "applies_to" not in targets.columns:
        return targets
    shown = _iso3_of(data, hue)
    nato = bool(shown & NATO_MEMBERS)
    keep = targets["applies_to"].map(
        lambda a: (a == "NATO Allies" and nato) or (isinstance(a, str) and a in shown))
    if "direction" in targets.columns:
        keep &= targets["direction"].ne("up_to")  # a ceiling, not a level to reach
    return targets[keep.astype(bool)].reset_index(drop=True)


def _burden_top(data: pd.DataFrame, *, x: str, y: str, hue: str, floor: float
                ) -> tuple[float, list[tuple[str, float, float]]]:
    """Top of the y axis, and the points above it: a value more than three times the
    95th percentile of the chart would squash the rest, so it is clipped and printed."""
    vals = data[y].dropna().astype(float)
    peak = float(vals.max()) if len(vals) else floor
    usual = float(vals.quantile(0.95)) if len(vals) else floor
    if peak <= 3 * usual or peak <= floor * 1.15:
        return max(peak, floor) * 1.15, []
    top = max(usual * 1.6, floor * 1.3)
    clipped = []
    for key, grp in (data.groupby(hue, sort=False) if hue in data.columns
                     else [(None, data)]):
        above = grp[grp[y].astype(float) > top]
        if len(above):
            row = above.loc[above[y].astype(float).idxmax()]
            clipped.append((str(key), float(row[x]), float(row[y])))
    return top, clipped


def _mark_clipped(ax: Axes, clipped: list[tuple[str, float, float]], *, top: float) -> None:
    for name, xval, yval in clipped:
        t = ax.annotate(f"{name} off the scale, peak {format_ratio(yval, digits=1)} "
                        f"in {int(xval)} \u2191", xy=(xval, top), xycoords="data",
                        xytext=(0, -2), textcoords="offset points", ha="center", va="top",
                        fontsize=plt.rcParams["font.size"] * 0.75, color="#333333",
                        zorder=7, parse_math=False,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.9})
        t.set_gid("clipped")


def _numerator(name: str) -> str:
    """'the MOD budget' from 'MOD budget as a share of GDP' (what a share counts)."""
    head = name.split(" as a share of")[0]
    head = head[0].lower() + head[1:] if not head[:3].isupper() else head
    return head if head.startswith(("the ", "military", "defence")) else f"the {head}"


def _target_caveat(ax: Axes, data: pd.DataFrame, targets: pd.DataFrame, *,  # noqa: C901 - reason in the docstring
                   label_col: str) -> str | None:
    """On the chart: a target measured otherwise than the lines (Japan's 2% goal).

    (Complexity, C901: each caveat the chart may need — other measure, other
    definition, proxy series — is one guarded sentence; they are read together.)
    """
    if "measure" not in targets.columns or not len(targets):
        return None
    measures = set(data["measure"].dropna()) if "measure" in data.columns else set()
    texts = []
    for rec in targets.to_dict("records"):
        m = rec.get("measure")
        if not isinstance(m, str) or not measures or m in measures:
            continue
        ref = rec.get("gdp_reference")
        against = (f"{ref} GDP" if isinstance(ref, str) and ref != "same year"
                   else "GDP")
        what = _numerator(MEASURE_NAMES.get(m, m.replace("_", " ")))
        drawn = _numerator(MEASURE_NAMES.get(next(iter(measures)), "the lines"))
        several = len(measures) > 1 or ("country" in data and data["country"].nunique() > 1)
        texts.append(f"{rec[label_col]}: the goal counts {what} against {against}. The "
                     f"line{'s show' if several else ' shows'} {drawn} only, a narrower "
                     "measure: the gap to the dash-dot line is not the gap to the goal")
        relabel = drawn
    if not texts:
        return None
    if "country" in data.columns and data["country"].nunique() == 1:
        name = str(data["country"].iloc[0])
        for t in ax.texts:  # the end label says what the line measures
            if t.get_text() == name:
                t.set_text(f"{name}, {relabel} only")
    import textwrap

    width = max(40, int(c.axes_inches(ax)[0] * 72 / (plt.rcParams["font.size"] * 0.8 * 0.55)
                        * 0.6))
    body = "\n".join(textwrap.fill(t, width) for t in texts)
    size = plt.rcParams["font.size"] * 0.75
    w_in, h_in = c.axes_inches(ax)
    box_w = min(0.95, (width * size * 0.55 + 10) / 72 / max(w_in, 0.5))
    box_h = min(0.9, ((body.count("\n") + 1) * size * 1.3 + 10) / 72 / max(h_in, 0.5))
    # the corner or side crossed by the fewest line points and clear of the target labels
    pts = _axes_points(ax)
    labels = [t for t in ax.texts if t.get_gid() == "target"]
    best = None
    for x0 in (0.01, 0.99 - box_w):
        for y1 in (0.97, 0.8, 0.65, 0.5, 0.35):
            y0 = y1 - box_h
            if y0 < 0.02:
                continue
            n = int(((pts[:, 0] >= x0) & (pts[:, 0] <= x0 + box_w)
                     & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)).sum())
            for t in labels:
                fy = t.xy[1]
                if y0 - 0.06 <= fy <= y1 + 0.01:
                    n += 1000
            for lvl in [ln.get_ydata()[0] for ln in ax.get_lines() if ln.get_gid() == "target"]:
                frac = ax.transAxes.inverted().transform(ax.transData.transform((0, lvl)))[1]
                if y0 - 0.02 <= frac <= y1 + 0.02:
                    n += 1000
            if best is None or n < best[0]:
                best = (n, x0, y1)
    _, x0, y1 = best if best else (0, 0.01, 0.97)
    box = ax.text(x0, y1, body, transform=ax.transAxes, ha="left", va="top",
                  fontsize=size, color="#333333", zorder=7, parse_math=False,
                  bbox={"boxstyle": "round,pad=0.3", "fc": "#F4F4F4", "ec": "none"})
    box.set_gid("target-caveat")
    return None


"""Bar charts: year-on-year growth, top-N ranking, stacked composition of a budget."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from defbudget.errors import ArgumentError, DataError
from defbudget.formatting import format_ratio, format_value

from . import _common as c
from ._format import MoneyFormatter, formatter_for
from ._names import basis_name
from ._source import year_run_label
from ._style import NEUTRAL, POSITIVE, colour_map, country_colour, tint

__all__ = ["growth_bars", "ranking_bars", "stacked_composition"]

#: Hatch of bars whose value is provisional (draft, request, estimate).
PROVISIONAL_HATCH = "////"


def _is_change_frame(data: pd.DataFrame) -> bool:
    measures = set(data["measure"].dropna()) if "measure" in data.columns else set()
    return bool(measures) and all("_yoy" in m or m.endswith("_change") for m in measures)


def _one_series(data: pd.DataFrame, *, func: str) -> None:
    keys = [k for k in ("country", "measure", "basis", "unit", "price_basis", "source")
            if k in data.columns and k != "source"]
    n = data[keys].drop_duplicates().shape[0] if keys else 1
    if n > 1:
        combos = data[keys].drop_duplicates().head(4).to_dict("records")
        raise DataError(f"{func} draws one series; the frame holds {n} (e.g. {combos}). "
                        "Filter it to one country, measure and basis first, or use "
                        "small_multiples() for several.")


def _changes(data: pd.DataFrame, *, x: str, y: str, func: str
             ) -> tuple[pd.DataFrame, pd.Series, pd.Series, str, pd.DataFrame]:
    """(rows by *x*, change of each row, whether it is into or from a provisional value,
    the change's unit, the level frame the labels describe). A level series is turned into
    its change on the previous year, none after a gap; a change frame is taken as it is."""
    frame = data.sort_values(x).reset_index(drop=True)
    if frame[x].duplicated().any():
        raise DataError(f"{func}: more than one row per {x} (e.g. {x}="
                        f"{frame.loc[frame[x].duplicated(), x].iloc[0]!r}); filter to one "
                        "stage and source first.")
    kinds = c.point_kind(frame)
    if _is_change_frame(frame):
        return (frame, frame[y].astype(float), kinds.ne(c.FINAL),
                str(c.first(frame, "unit", "ratio")), frame)
    full = pd.RangeIndex(int(frame[x].min()), int(frame[x].max()) + 1)
    indexed = frame.set_index(x).reindex(full)
    val = indexed[y].astype(float)
    prev = val.shift(1)
    change = (val / prev - 1.0).where(prev.ne(0))
    k = kinds.set_axis(frame[x]).reindex(full).fillna(c.FINAL)
    provisional = (k.ne(c.FINAL) | k.shift(1).fillna(c.FINAL).ne(c.FINAL))
    return (indexed.rename_axis(x).reset_index(), change.reset_index(drop=True),
            provisional.reset_index(drop=True), "ratio", data)


def _label_changes(ax: Axes, bars: Any, vals: np.ndarray, unit: str) -> None:
    """Each bar's change (+9.4%) at its end; small and upright-turned when there are many."""
    size = plt.rcParams["font.size"] * (0.62 if len(vals) > 20 else 0.75)
    rotate = 90 if len(vals) > 20 else 0
    for bar, v in zip(bars, vals, strict=True):
        text = (format_ratio(v, digits=1) if unit == "ratio"
                else format_value(v, unit))
        text = ("+" + text) if v > 0 else text
        t = ax.annotate(text, xy=(bar.get_x() + bar.get_width() / 2, v),
                        xytext=(0, 2 if v >= 0 else -2), textcoords="offset points",
                        ha="center", va="bottom" if v >= 0 else "top", fontsize=size,
                        rotation=rotate, color="#333333")
        t.set_gid("bar-label")
    ax.margins(y=0.12)


def _change_axis_labels(ax: Axes, level_frame: pd.DataFrame, unit: str) -> None:
    """'Change on previous year (%, nominal, current prices)' and the year axis's label."""
    prices = ("nominal, current prices" if c.first(level_frame, "price_basis") != "constant"
              else f"real, constant {int(c.first(level_frame, 'base_year'))} prices")
    if unit == "ratio":
        ax.set_ylabel(f"Change on previous year (%, {prices})")
    else:
        ax.set_ylabel(f"Change on previous year ({c.value_label(level_frame)})")
    ax.set_xlabel(c.year_label(level_frame))


@c.styled
def growth_bars(data: pd.DataFrame, *, x: str = "year", y: str = "value",
                ax: Axes | None = None, labels: bool = False, title: str | None = None,
                source: bool | str = True, note: str | None = None, **kwargs: Any) -> Axes:
    """Year-on-year change as bars: rises in blue, falls in vermillion.

    Parameters
    ----------
    data
        Either a level series (one country, measure and basis; e.g. Japan's budget in yen)
        whose percentage change is computed here, or the output of
        :func:`defbudget.compare.yoy` (measure ``*_yoy*``), drawn as given. A change is
        only taken between consecutive periods: after a gap there is no bar.
    labels
        Print each bar's value (+9.4%) at its end.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes
        Bars of the change in % (ratio 0.094 drawn as +9.4%), of nominal values when the
        series is at current prices. Bars into a draft or estimate are hatched.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.schema import coerce
    >>> from defbudget.plot import growth_bars
    >>> frame = coerce(pd.DataFrame({"country": "Japan", "year": [2023, 2024, 2025, 2026],
    ...     "period": "FY", "fy_start_month": 4, "measure": "defense_budget",
    ...     "basis": "mod_incl_saco_realignment", "unit": "JPY", "price_basis": "current",
    ...     "value": [6.8219e12, 7.9496e12, 8.7005e12, 9.0353e12],
    ...     "stage": ["enacted"] * 3 + ["draft"], "source": "mod_budget"}))
    >>> fig, ax = plt.subplots()
    >>> ax = growth_bars(frame, ax=ax, labels=True)
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "bar-label"]
    ['+16.5%', '+9.4%', '+3.8%']
    """
    func = "plot.growth_bars"
    ax = c.get_ax(ax)
    c.check_frame(data, [x, y], func=func, values=y)
    _one_series(data, func=func)
    frame, change, provisional, unit, level_frame = _changes(data, x=x, y=y, func=func)
    keep = change.notna().to_numpy()
    xs = frame[x].to_numpy(dtype=float)[keep]
    vals = change.to_numpy(dtype=float)[keep]
    prov = provisional.to_numpy(dtype=bool)[keep]
    # the country's colour (rises and falls read from the bar's direction, not its colour)
    colour = country_colour(c.first(level_frame, "country")) or POSITIVE
    colours = np.full(len(vals), colour)
    kwargs.setdefault("width", 0.8)
    bars = ax.bar(xs, vals, color=colours, edgecolor=colours, linewidth=0.6, zorder=2,
                  **kwargs)
    for bar, p in zip(bars, prov, strict=True):
        if p:
            bar.set_hatch(PROVISIONAL_HATCH)
            bar.set_facecolor("white")
    ax.axhline(0, color="#333333", linewidth=0.8, zorder=3)
    ax.yaxis.set_major_formatter(formatter_for(unit, signed=True))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if labels:
        _label_changes(ax, bars, vals, unit)
    _change_axis_labels(ax, level_frame, unit)
    measure_frame = level_frame.assign(
        measure=level_frame["measure"].str.replace(r"_yoy.*$", "", regex=True))
    c.set_title(ax, title if title is not None else
                c.default_title(measure_frame, ": change on the previous year"))
    if prov.any():
        ax.legend(handles=[Patch(facecolor="white", edgecolor="#555555",
                                 hatch=PROVISIONAL_HATCH,
                                 label="Hatched: change into or from a draft or estimate")],
                  loc="best")
    gaps = int(((~keep) & frame[x].gt(frame[x].min()).to_numpy()).sum())
    gap_note = "No bar where the previous year is unavailable" if gaps else None
    c.finish(ax, level_frame, source=source,
             note="; ".join(n for n in (note, gap_note) if n) or None)
    return ax


@c.styled
def ranking_bars(data: pd.DataFrame, *, year: int, n: int = 10, y: str = "value",
                 label: str = "country", ax: Axes | None = None,
                 highlight: str | Sequence[str] | None = None, labels: bool = True,
                 countries_only: bool = True, title: str | None = None,
                 source: bool | str = True,
                 note: str | None = None, **kwargs: Any) -> Axes:
    """The top *n* countries in *year*, as horizontal bars, largest at the top.

    Rows without a value are left out (and counted in the source line); estimates are
    hatched. All rows must share one unit and price basis. With *countries_only*,
    aggregates (rows without an ``iso3`` code: World, regions) are not ranked.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.schema import coerce
    >>> from defbudget.plot import ranking_bars
    >>> frame = coerce(pd.DataFrame({"country": ["USA", "China", "Japan", "India"],
    ...     "year": 2024, "period": "CY", "fy_start_month": 1, "measure": "milex",
    ...     "basis": "sipri", "value": [997e9, 314e9, 55.3e9, 86.1e9], "unit": "USD",
    ...     "price_basis": "constant", "base_year": 2023, "source": "sipri_milex_2025",
    ...     "flag": [None, "estimate", None, None]}))
    >>> fig, ax = plt.subplots()
    >>> ax = ranking_bars(frame, year=2024, n=3, ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['India', 'China', 'USA']
    """
    func = "plot.ranking_bars"
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ArgumentError(f"{func}: n={n!r}; expected the number of bars, a whole number of at "
                         "least 1 (e.g. n=10 for the top ten).")
    ax = c.get_ax(ax)
    rows = _rows_of_year(data, year, y=y, label=label, countries_only=countries_only,
                         func=func)
    missing = int(rows[y].isna().sum())
    ranked = rows.dropna(subset=[y]).sort_values(y, ascending=False, kind="stable")
    top = ranked.head(n).iloc[::-1]
    hl = c.highlight_names(rows, highlight, label, strict=False)
    base = c.first(top, "unit", "")
    shown_hl = [h for h in hl if h in set(top[label])]
    colours = [(country_colour(name) or POSITIVE) if name in shown_hl else NEUTRAL
               for name in top[label]]
    kinds = c.point_kind(top).to_numpy()
    bars = ax.barh(np.arange(len(top)), top[y].to_numpy(dtype=float), color=colours,
                   edgecolor=colours, height=0.7, zorder=2, **kwargs)
    for bar, k in zip(bars, kinds, strict=True):
        if k != c.FINAL:
            bar.set_hatch(PROVISIONAL_HATCH)
            bar.set_facecolor("white")
    ax.set_yticks(np.arange(len(top)), [str(v) for v in top[label]])
    ax.xaxis.set_major_formatter(formatter_for(str(base)))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    if labels:
        _label_values(ax, bars, top[y], str(base))
    ax.set_xlabel(c.value_label(top))
    c.set_title(ax, title if title is not None else
                f"Top {len(top)} by {c.measure_title(top)[0].lower()}"
                f"{c.measure_title(top)[1:]}, {year_run_label(top)(year, year)}")
    if (kinds != c.FINAL).any():
        ax.legend(handles=[Patch(facecolor="white", edgecolor="#555555",
                                 hatch=PROVISIONAL_HATCH,
                                 label=c.kind_legend_text(top, c.PROVISIONAL)
                                 .replace("Hollow, dashed", "Hatched"))],
                  loc="lower right")
    extra = f"{missing} countries without a value in {year} not ranked" if missing else None
    for h in (h for h in hl if h not in shown_hl):
        extra = "; ".join(x for x in (extra, _rank_of(h, ranked, y=y, label=label, n=n,
                                                     year=year, unit=str(base))) if x)
    c.finish(ax, top, source=source, note="; ".join(x for x in (note, extra) if x) or None)
    return ax


def _rows_of_year(data: pd.DataFrame, year: int, *, y: str, label: str,
                  countries_only: bool, func: str) -> pd.DataFrame:
    """The rows of *year*, one per *label*; without aggregates when *countries_only*."""
    c.check_frame(data, [y, label, "year"], func=func, values=y)
    c.same_basis(data, func=func)
    rows = data[data["year"] == year]
    if rows.empty:
        years = sorted(set(data["year"]))
        raise DataError(f"{func}: no rows for year={year!r}; the frame covers "
                        f"{years[0]}–{years[-1]}")
    if rows[label].duplicated().any():
        dup = rows.loc[rows[label].duplicated(), label].iloc[0]
        raise DataError(f"{func}: {dup!r} has several rows in {year}; filter to one "
                        "measure and basis first")
    if countries_only and "iso3" in rows.columns and rows["iso3"].notna().any():
        rows = rows[rows["iso3"].notna()]  # aggregates (World, regions) have no ISO code
    return rows


def _label_values(ax: Axes, bars: Any, values: pd.Series, unit: str) -> None:
    """Each horizontal bar's value just past its end."""
    size = plt.rcParams["font.size"] * 0.8
    for bar, v in zip(bars, values, strict=True):
        t = ax.annotate(format_value(float(v), unit),
                        xy=(bar.get_width(), bar.get_y() + bar.get_height() / 2),
                        xytext=(3, 0), textcoords="offset points", va="center",
                        fontsize=size, color="#333333")
        t.set_gid("bar-label")
    ax.margins(x=0.12)


def _rank_of(name: str, ranked: pd.DataFrame, *, y: str, label: str, n: int, year: int,
             unit: str) -> str:
    """Where a highlighted country not drawn ranks (or that it has no value)."""
    where = np.flatnonzero(ranked[label].to_numpy() == name)
    if not where.size:
        return f"{name} has no value in {year}"
    return (f"{name} not in the top {n} (rank {where[0] + 1} of {len(ranked)}, "
            f"{format_value(float(ranked[y].iloc[where[0]]), unit)})")


#: Japan's components in stacking order (bottom to top) and their display colours.
JAPAN_COMPONENTS = ("saco", "us_realignment_local_burden",
                    "saco_and_us_realignment_local_burden", "new_govt_aircraft",
                    "national_resilience")


#: Fixed colours for the layers of Japan's budget: Japan's colour for the core, lighter tints
#: of it for the items added to it, greys for residuals (one country, one hue).
LAYER_COLOURS = {
    "mod_excl_saco_realignment": country_colour("JPN"),
    "saco": tint(country_colour("JPN"), 0.3),
    "us_realignment_local_burden": tint(country_colour("JPN"), 0.5),
    "saco_and_us_realignment_local_burden": tint(country_colour("JPN"), 0.4),
    "new_govt_aircraft": tint(country_colour("JPN"), 0.65),
    "national_resilience": tint(country_colour("JPN"), 0.78),
    "other_not_itemised": "#8C8C8C", "total_no_breakdown": "#CFCFCF",
}


@c.styled
def stacked_composition(data: pd.DataFrame, *, x: str = "year", y: str = "value",
                        stack: str | None = None, order: Sequence[str] | None = None,
                        core_basis: str = "mod_excl_saco_realignment",
                        total_basis: str = "mod_incl_saco_realignment",
                        component_measure: str = "defense_budget_component",
                        ax: Axes | None = None, title: str | None = None, palette: c.Palette = None,
                        source: bool | str = True, note: str | None = None) -> Axes:
    """Stacked bars of a budget's parts by year, e.g. Japan's MOD core + SACO + realignment.

    Two ways to call it:

    * ``stack=None`` (default, for ``load("japan_mod_budget")``): the bottom layer is the
      budget on *core_basis*, then each ``defense_budget_component`` row (SACO, US
      realignment local burden, new government aircraft, national resilience), then
      "other items, not itemised" = total on *total_basis* minus core minus the listed
      components, so that each bar's height is the total. A residual below minus 0.5% of
      the total raises (the parts then exceed the whole).
    * ``stack="<column>"``: the frame already holds the parts, one row per part and year.

    Returns
    -------
    matplotlib.axes.Axes
        Bars in the frame's currency and price basis; draft years hatched.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.schema import coerce
    >>> from defbudget.plot import stacked_composition
    >>> rows = [("defense_budget", "mod_excl_saco_realignment", 4.6826e12),
    ...         ("defense_budget", "mod_incl_saco_realignment", 4.7903e12),
    ...         ("defense_budget_component", "saco", 16.9e9),
    ...         ("defense_budget_component", "us_realignment_local_burden", 90.9e9)]
    >>> frame = coerce(pd.DataFrame(rows, columns=["measure", "basis", "value"]).assign(
    ...     country="Japan", year=2010, period="FY", fy_start_month=4, unit="JPY",
    ...     price_basis="current", stage="enacted", source="mod-white-paper-2010"))
    >>> fig, ax = plt.subplots()
    >>> ax = stacked_composition(frame, ax=ax)
    >>> for t in ax.get_legend().get_texts():  # top layer first, as stacked
    ...     print(t.get_text().replace("\\n", " "))
    US forces realignment (local burden)
    SACO (Okinawa) costs
    MOD, excl. SACO, US realignment and other items
    """
    func = "plot.stacked_composition"
    ax = c.get_ax(ax)
    c.check_frame(data, [x, y], func=func, values=y)
    c.same_basis(data, func=func)
    if stack is None:
        wide, drawn = _japan_layers(data, x=x, y=y, core_basis=core_basis,
                                    total_basis=total_basis, measure=component_measure,
                                    func=func)
    else:
        c.check_frame(data, [stack], func=func)
        drawn = data
        wide = data.pivot_table(index=x, columns=stack, values=y, aggfunc="sum",
                                sort=False)
        if order is not None:
            wide = wide[list(order)]
    wide = wide.reindex(np.arange(int(wide.index.min()), int(wide.index.max()) + 1))
    layers = [col for col in wide.columns if wide[col].fillna(0).ne(0).any()]
    prov_years = set(drawn.loc[c.point_kind(drawn).ne(c.FINAL), x])
    _draw_layers(ax, wide, layers, _layer_colours(layers, palette), prov_years)
    unit = str(c.first(drawn, "unit", ""))
    ax.yaxis.set_major_formatter(MoneyFormatter(unit) if unit not in ("ratio", "index")
                                 else formatter_for(unit))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(c.value_label(drawn))
    ax.set_xlabel(c.year_label(drawn))
    c.set_title(ax, title if title is not None else
                f"{c.countries_text(drawn)}: composition of the defence budget".lstrip(": "))
    _layers_legend(ax, hatched=bool(prov_years))
    c.finish(ax, drawn, source=source, note=note)
    return ax


def _layer_colours(layers: list, palette: c.Palette) -> dict:
    """Japan's fixed layer colours (others from the palette's unused colours), or *palette*."""
    if palette is None:
        palette = {col: LAYER_COLOURS.get(str(col)) for col in layers}
        spare = iter(c for c in colour_map(list(range(12))).values()
                     if c not in palette.values())
        palette = {k: v or next(spare) for k, v in palette.items()}
    return colour_map(layers, palette)


def _draw_layers(ax: Axes, wide: pd.DataFrame, layers: list, colours: dict,
                 prov_years: set) -> None:
    """Each layer stacked on the ones below it, years of provisional figures hatched."""
    years = wide.index.to_numpy()
    bottom = np.zeros(len(years))
    for col in layers:
        vals = wide[col].fillna(0).to_numpy(dtype=float)
        bars = ax.bar(years, vals, bottom=bottom, color=colours[col],
                      label=basis_name(str(col)), width=0.8, edgecolor="white",
                      linewidth=0.3, zorder=2)
        for bar, yr in zip(bars, years, strict=True):
            if yr in prov_years:
                bar.set_hatch(PROVISIONAL_HATCH)
                bar.set_edgecolor("white")
        bottom += vals


def _layers_legend(ax: Axes, *, hatched: bool) -> None:
    """The legend right of the bars, top layer first as stacked."""
    handles, texts = ax.get_legend_handles_labels()
    if hatched:
        handles.append(Patch(facecolor="#BBBBBB", edgecolor="white", hatch=PROVISIONAL_HATCH))
        texts.append("Hatched: draft budget (not yet enacted)")
    texts = [textwrap.fill(t, 28, break_on_hyphens=False) for t in texts]
    ax.legend(handles[::-1], texts[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0),
              fontsize=plt.rcParams["font.size"] * 0.8, labelspacing=0.7)


def _japan_layers(data: pd.DataFrame, *, x: str, y: str, core_basis: str, total_basis: str,
                  measure: str, func: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    c.check_frame(data, ["measure", "basis"], func=func)
    levels = data[data["measure"] != measure]
    core = levels[levels["basis"] == core_basis].set_index(x)[y]
    total = levels[levels["basis"] == total_basis].set_index(x)[y]
    if core.empty or total.empty:
        raise DataError(f"{func}: needs rows on basis {core_basis!r} (the core) and "
                        f"{total_basis!r} (the total); the frame has bases "
                        f"{sorted(set(data['basis']))!r}. Pass stack='basis' to stack the "
                        "rows as given.")
    for name, s in (("core", core), ("total", total)):
        if s.index.duplicated().any():
            raise DataError(f"{func}: several {name} rows per {x}; filter to one stage")
    parts = data[data["measure"] == measure]
    comp = parts.pivot_table(index=x, columns="basis", values=y, aggfunc="sum")
    order = [b for b in JAPAN_COMPONENTS if b in comp.columns]
    order += [b for b in comp.columns if b not in order]
    wide = pd.DataFrame({core_basis: core}).join(comp[order], how="outer")
    both = core.notna() & total.reindex(core.index).notna()
    listed = wide[order].sum(axis=1, min_count=1).reindex(core.index).fillna(0)
    residual = (total.reindex(core.index) - core - listed).where(both)
    bad = residual < -0.005 * total.reindex(core.index)
    if bad.any():
        yr = residual[bad].index[0]
        raise DataError(f"{func}: in {x}={yr} the core ({core[yr]:,.0f}) plus components "
                        f"({listed[yr]:,.0f}) exceed the total ({total[yr]:,.0f}); check "
                        "the bases passed as core_basis and total_basis.")
    other = "other_not_itemised"
    wide[other] = residual.clip(lower=0)
    # A total with no core figure is drawn whole, as "total, breakdown not available".
    only_total = total[~total.index.isin(core.dropna().index)].dropna()
    if not only_total.empty:
        wide["total_no_breakdown"] = only_total
    drawn = pd.concat([levels[levels["basis"].isin([core_basis, total_basis])], parts])
    return wide.sort_index(), drawn


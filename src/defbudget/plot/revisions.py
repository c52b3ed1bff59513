"""Charts of what SIPRI revised between two releases (:func:`defbudget.sipri_revisions`)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from defbudget._deprecate import renamed_keywords
from defbudget.countries import display_name
from defbudget.errors import DataError, UnknownNameError
from defbudget.vocabulary import SIPRI_SHEET_TITLES

from . import _common as c
from ._format import PercentFormatter, formatter_for
from ._source import add_source_line, source_line
from ._style import NEUTRAL, PROVISIONAL_FACE, colour_map

__all__ = ["revision_dots", "revision_lines"]

_NEEDED = ("sheet", "country", "year", "old_value", "new_value", "rel_change", "change",
           "old_release", "new_release", "old_source", "new_source", "unit", "price_basis")

#: What each sheet measures, for titles.
_SHEET_TITLES = SIPRI_SHEET_TITLES


def _select(revisions: pd.DataFrame, *, sheet: str, countries, func: str) -> pd.DataFrame:
    """The rows of *sheet* for *countries* (SIPRI's names, the kit's display names or ISO3
    codes), with ``country`` set to the kit's display name for the chart's labels: the
    revisions themselves are matched on SIPRI's names as published ("Korea, South"), a chart
    prints the name used everywhere else ("South Korea")."""
    c.check_frame(revisions, list(_NEEDED), func=func)
    sheets = list(dict.fromkeys(revisions["sheet"].dropna()))
    if sheet not in sheets:
        raise UnknownNameError(f"{func}: no rows for sheet {sheet!r}; the frame has {sheets}.")
    rows = revisions[revisions["sheet"] == sheet]
    shown = rows["country"].map({n: display_name(n) for n in rows["country"].dropna().unique()})
    if countries is None:
        return rows.assign(country=shown)
    wanted = [countries] if isinstance(countries, str) else list(countries)
    names = set(rows["country"].dropna()) | set(shown.dropna())
    codes = set(rows["iso3"].dropna().str.upper()) if "iso3" in rows else set()
    keep = pd.Series(False, index=rows.index)
    for w in wanted:
        if w in names:
            keep |= rows["country"].eq(w) | shown.eq(w)
        elif str(w).upper() in codes:
            keep |= rows["iso3"].str.upper().eq(str(w).upper())
        else:
            import difflib

            close = difflib.get_close_matches(str(w), sorted(names), n=3)
            raise UnknownNameError(f"{func}: {w!r} has no rows on sheet {sheet!r}"
                                   + (f"; did you mean {', '.join(close)}?" if close else
                                 " (no change between the releases, or not a SIPRI name)."))
    return rows[keep].assign(country=shown[keep])


def _title(rows: pd.DataFrame, what: str) -> str:
    sheet = str(rows["sheet"].iloc[0])
    measure = _SHEET_TITLES.get(sheet, sheet)
    base = rows["base_year"].dropna() if "base_year" in rows else pd.Series(dtype=float)
    if sheet == "constant_usd" and len(base):
        measure = f"military expenditure, constant {int(base.iloc[0])} US$"
    names = list(dict.fromkeys(rows["country"].dropna()))
    sep = "; " if any("," in n for n in names) else ", "
    who = sep.join(names) if len(names) <= 6 else f"{len(names)} countries"
    return f"{what} — {measure} ({who})" if who else f"{what} — {measure}"


def _releases_note(rows: pd.DataFrame, extra: str | None, note: str | None) -> str:
    old, new = str(rows["old_release"].iloc[0]), str(rows["new_release"].iloc[0])
    parts = [f"Compares two editions: {old} (old) and {new} (new); never mix editions in one "
             "series"]
    if extra:
        parts.append(extra)
    if note:
        parts.append(note.rstrip("."))
    return ". ".join(parts)


def _source_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in the shape the source line reads: each cell once per release's source."""
    cols = [k for k in ("unit", "price_basis", "base_year", "period", "fy_start_month",
                        "country", "year") if k in rows.columns]
    old = rows[cols].assign(source=rows["old_source"])
    new = rows[cols].assign(source=rows["new_source"])
    return pd.concat([new, old], ignore_index=True)


@renamed_keywords(revisions="data")
def revision_dots(data: pd.DataFrame, *, countries: str | Sequence[str] | None = None,
                  sheet: str = "current_usd", years: tuple[int, int] | None = None,
                  ax: Axes | None = None, palette: c.Palette = None, title: str | None = None,
                  source: bool | str = True, note: str | None = None) -> Axes:
    """The relative revision of each year's value, as dots: new ÷ old − 1, by year.

    Parameters
    ----------
    data
        The frame :func:`defbudget.sipri_revisions` returns. (Called ``revisions`` before;
        that keyword still works for one release, with a FutureWarning.)
    countries
        Names or ISO3 codes (default: every country with a revision on *sheet*; keep it to
        a handful).
    sheet
        Which sheet (default ``"current_usd"``; for ``"constant_usd"`` the old value is the
        rebased one, so a change of base year alone is not drawn as a revision).
    years
        ``(first, last)`` to draw.
    ax, palette, title, source, note
        As for the other charts: Axes to draw on (default ``plt.gca()``), colours, a title
        replacing the generated one, the source line (True: generated, naming both
        editions; a string replaces it; False omits it) and an extra sentence for it.

    Returns
    -------
    matplotlib.axes.Axes
        y axis: the revision in % of the old value (+5% = the new release gives 5 % more);
        only cells whose value changed (``change == "revised"``) are drawn; hollow dots
        are values the new release still flags as estimates.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.plot import revision_dots
    >>> rev = pd.DataFrame({"sheet": "current_usd", "country": "Japan", "iso3": "JPN",
    ...     "year": [2022, 2023], "old_value": [46.88e9, 50.16e9],
    ...     "new_value": [43.20e9, 48.19e9], "rel_change": [-0.0785, -0.0393],
    ...     "change": "revised", "new_flag": [None, None], "unit": "USD",
    ...     "price_basis": "current", "period": "CY", "fy_start_month": 1,
    ...     "old_release": "SIPRI 2024", "new_release": "SIPRI 2025",
    ...     "old_source": "sipri-milex-2024", "new_source": "sipri-milex-2025"})
    >>> fig, ax = plt.subplots()
    >>> ax = revision_dots(rev, ax=ax)
    >>> ax.get_ylabel()
    'Revision (new ÷ old − 1)'
    """
    func = "plot.revision_dots"
    ax = c.get_ax(ax)
    rows = _select(data, sheet=sheet, countries=countries, func=func)
    rows = rows[(rows["change"] == "revised") & rows["rel_change"].notna()]
    if years is not None:
        rows = rows[rows["year"].between(*years)]
    if rows.empty:
        raise DataError(f"{func}: no revised values to draw on sheet {sheet!r} for "
                        f"{countries or 'any country'}"
                        + (f" in {years[0]}-{years[1]}" if years else "")
                        + "; the releases agree there.")
    estimate = _draw_revision_dots(ax, rows, palette)
    _revision_axes(ax, rows, years)
    c.set_title(ax, title if title is not None else _title(rows, "What SIPRI revised"))
    handles, labels = ax.get_legend_handles_labels()
    if estimate.any():
        handles.append(Line2D([], [], linestyle="none", marker="o", markeredgecolor="#555555",
                              markerfacecolor=PROVISIONAL_FACE, markeredgewidth=1.3))
        labels.append("Hollow: the new release's value is an estimate")
    _legend_right(ax, handles, [textwrap.fill(t, 26, break_long_words=False) for t in labels])
    _add_releases_source(ax, rows, source, note, (
        "Constant-price values compared after rebasing the old release's figures to the new "
        "base year with SIPRI's own ratio" if sheet == "constant_usd" else None))
    return ax


def _revision_axes(ax: Axes, rows: pd.DataFrame, years: tuple[int, int] | None) -> None:
    """A zero line, signed percentages up the side, whole years along the bottom."""
    ax.axhline(0, color=NEUTRAL, linewidth=0.9, zorder=1)
    ax.yaxis.set_major_formatter(PercentFormatter(signed=True))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Revision (new ÷ old − 1)")
    if years is not None:
        ax.set_xlim(years[0] - 0.6, years[1] + 0.6)
    ax.set_xlabel(c.year_label(rows))
    ax.grid(axis="y", visible=True)
    ax.grid(axis="x", visible=False)


def _add_releases_source(ax: Axes, rows: pd.DataFrame, source: bool | str,
                         note: str | None, extra: str | None) -> None:
    """The source line naming both releases (*source*: True, a replacement, or False)."""
    if source is False:
        return
    text = source if isinstance(source, str) else source_line(
        _source_frame(rows), note=_releases_note(rows, extra, note))
    add_source_line(ax, text)


def _draw_revision_dots(ax: Axes, rows: pd.DataFrame, palette: c.Palette) -> pd.Series:
    """One dot per country and year, hollow where the new value is an estimate; returns
    which rows are estimates."""
    keys = list(dict.fromkeys(rows.sort_values("country")["country"]))
    colours = colour_map(keys, palette)
    size = plt.rcParams["lines.markersize"] ** 2 * 1.1
    # Countries side by side within each year, so that equal revisions do not hide each other.
    offsets = np.linspace(-0.3, 0.3, len(keys)) if len(keys) > 1 else [0.0]
    estimate = (rows["new_flag"].isin(["estimate", "highly_uncertain"]).fillna(False)
                .astype(bool) if "new_flag" in rows else pd.Series(False, index=rows.index))
    for k, off in zip(keys, offsets, strict=True):
        mine = rows["country"] == k
        for est in (False, True):
            part = rows[mine & (estimate == est)]
            if part.empty:
                continue
            ax.scatter(part["year"] + off, part["rel_change"], s=size, zorder=3,
                       facecolors=PROVISIONAL_FACE if est else colours[k],
                       edgecolors=colours[k], linewidths=1.3 if est else 0.6,
                       label=str(k) if not est or not (mine & ~estimate).any() else None,
                       gid=f"revision-{k}")
    return estimate


def _legend_right(ax: Axes, handles: list, labels: list[str]) -> None:
    """The legend right of the plot, its texts never read as mathtext."""
    legend = ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                       fontsize=plt.rcParams["font.size"] * 0.8)
    for text in legend.get_texts():
        text.set_parse_math(False)


@renamed_keywords(revisions="data")
def revision_lines(data: pd.DataFrame, *, countries: str | Sequence[str],
                   sheet: str = "current_usd", years: tuple[int, int] | None = None,
                   ax: Axes | None = None, palette: c.Palette = None, title: str | None = None,
                   source: bool | str = True, note: str | None = None) -> Axes:
    """Old against new by year: each country's series in both releases.

    The new release is drawn solid with dots, the old one dashed in the same colour (for
    constant prices, rebased to the new base year so that only revisions separate them).

    Parameters
    ----------
    data
        The frame ``defbudget.sipri_revisions(old, new, include_unchanged=True)`` returns:
        without the unchanged cells the lines would have holes, and the function refuses.
        (Called ``revisions`` before; that keyword still works for one release, with a
        FutureWarning.)
    countries
        Names or ISO3 codes of the countries to draw (a handful).
    sheet, years, ax, palette, title, source, note
        As for :func:`revision_dots`.

    Returns
    -------
    matplotlib.axes.Axes
        y axis in the sheet's unit (US$, local currency, or % for shares).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from defbudget.plot import revision_lines
    >>> rev = pd.DataFrame({"sheet": "current_usd", "country": "Japan", "iso3": "JPN",
    ...     "year": [2021, 2022, 2023], "old_value": [50.96e9, 46.88e9, 50.16e9],
    ...     "old_value_rebased": [50.96e9, 46.88e9, 50.16e9],
    ...     "new_value": [53.60e9, 43.20e9, 48.19e9], "rel_change": [0.052, -0.079, -0.039],
    ...     "change": ["unchanged", "revised", "revised"], "unit": "USD",
    ...     "price_basis": "current", "period": "CY",
    ...     "fy_start_month": 1, "old_release": "SIPRI 2024", "new_release": "SIPRI 2025",
    ...     "old_source": "sipri-milex-2024", "new_source": "sipri-milex-2025"})
    >>> fig, ax = plt.subplots()
    >>> ax = revision_lines(rev, countries="JPN", ax=ax)
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['Japan', 'Solid: SIPRI 2025 (new)']
    """
    func = "plot.revision_lines"
    ax = c.get_ax(ax)
    rows = _select(data, sheet=sheet, countries=countries, func=func)
    if years is not None:
        rows = rows[rows["year"].between(*years)]
    if rows.empty:
        raise DataError(f"{func}: no rows to draw for {countries} on sheet {sheet!r}.")
    if not (data["change"] == "unchanged").any():
        raise DataError(
            f"{func}: the frame holds only the cells that changed, so the lines would skip "
            "every year the releases agree on; pass sipri_revisions(old, new, "
            "include_unchanged=True).")
    old_col = "old_value_rebased" if "old_value_rebased" in rows else "old_value"
    _draw_old_new(ax, rows, old_col, palette)
    _old_new_axes(ax, rows, old_col)
    c.set_title(ax, title if title is not None else _title(rows, "Old and new SIPRI figures"))
    old, new = str(rows["old_release"].iloc[0]), str(rows["new_release"].iloc[0])
    handles, labels = ax.get_legend_handles_labels()
    handles += [Line2D([], [], color="#555555", marker="o",
                       markersize=plt.rcParams["lines.markersize"] * 0.6),
                Line2D([], [], color="#555555", linestyle=(0, (3, 2)))]
    labels += [f"Solid: {new} (new)", f"Dashed: {old} (old"
               + (", rebased)" if sheet == "constant_usd" else ")")]
    _legend_right(ax, handles, [textwrap.fill(t, 28, break_on_hyphens=False,
                                              break_long_words=False) for t in labels])
    _add_releases_source(ax, rows, source, note, (
        "Old constant-price figures rebased to the new base year with SIPRI's own ratio"
        if sheet == "constant_usd" else None))
    return ax


def _old_new_axes(ax: Axes, rows: pd.DataFrame, old_col: str) -> None:
    """Values up the side in the sheet's unit (from zero when none is negative), years along."""
    unit = str(c.first(rows, "unit", ""))
    ax.yaxis.set_major_formatter(formatter_for(unit))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if (rows[["new_value", old_col]].stack().dropna() >= 0).all():
        ax.set_ylim(bottom=0)
    base = rows["base_year"].dropna() if "base_year" in rows else pd.Series(dtype=float)
    ax.set_ylabel(c.value_label(rows.assign(base_year=base.iloc[0] if len(base) else np.nan)))
    ax.set_xlabel(c.year_label(rows))


def _draw_old_new(ax: Axes, rows: pd.DataFrame, old_col: str, palette: c.Palette) -> None:
    """Each country's new series solid with dots, its old one dashed in the same colour."""
    keys = list(dict.fromkeys(rows.sort_values("country")["country"]))
    colours = colour_map(keys, palette)
    for k in keys:
        grp = rows[rows["country"] == k].sort_values("year")
        full = pd.RangeIndex(int(grp["year"].min()), int(grp["year"].max()) + 1)
        g = grp.set_index("year").reindex(full)
        ax.plot(full, g["new_value"], color=colours[k], marker="o",
                markersize=plt.rcParams["lines.markersize"] * 0.6, label=str(k), zorder=3,
                gid=f"new-{k}")
        ax.plot(full, g[old_col], color=colours[k], linestyle=(0, (3, 2)), alpha=0.8,
                zorder=2, gid=f"old-{k}")

"""Shared pieces of the chart functions: checks, labels, provisional points, direct labels."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.patches import ConnectionStyle, Rectangle
from matplotlib.path import Path

from defbudget.errors import DataError, MissingColumnError, UnknownNameError
from defbudget.formatting import unit_label
from defbudget.schema import require_same_basis
from defbudget.vocabulary import PROVISIONAL_FLAGS, PROVISIONAL_STAGES

from ._names import BASIS_NAMES, MEASURE_NAMES
from ._source import add_source_line, all_estimates, source_line
from ._style import PROVISIONAL_FACE, STYLE_PROVISIONAL, STYLE_UNCERTAIN, chart_style

#: Kinds of point, drawn differently: final (filled, solid line), provisional (hollow,
#: dashed segment into it), uncertain (hollow diamond, dotted segment).
FINAL, PROVISIONAL, UNCERTAIN = "final", "provisional", "uncertain"


#: What ``palette=`` accepts: colours by key, a list cycled over the keys, or None.
Palette: TypeAlias = Mapping[Any, str] | Sequence[str] | None


def get_ax(ax: Axes | None, *, figsize: tuple[float, float] | None = None) -> Axes:
    """The Axes to draw on: *ax*, or a new figure's only Axes (never ``plt.gca()``, which
    would draw over the previous chart), *figsize* inches when given (a chart that needs
    more room than the style's default size, such as one with long row labels)."""
    if ax is None:
        return plt.figure(figsize=figsize).add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes; you passed {type(ax).__name__}. "
                        "Pass ax=fig.add_subplot() or leave it out to draw on a new figure.")
    return ax


def highlight_names(data: pd.DataFrame, highlight, column: str, *,
                    strict: bool = True) -> list[str]:
    """The *highlight* names as *column* of *data* spells them. In a country column, any
    name :func:`defbudget.countries.to_iso3` accepts ('South Korea', 'KOR', 'Korea, South')
    is matched to the frame's name for that country; other names are kept as given. A name
    that matches no row raises (listing the nearest), unless not *strict*: then it is kept,
    for the chart to say it has no value."""
    wanted = [highlight] if isinstance(highlight, str) else list(highlight or [])
    if column != "country" or column not in data.columns:
        return wanted
    from defbudget.compare import UnknownCountryError, _resolve_country

    out = []
    for name in wanted:
        if name in set(data[column]):
            out.append(name)
            continue
        try:
            mask = _resolve_country(data, name)
        except UnknownCountryError as err:
            if not strict:
                out.append(name)
                continue
            raise UnknownNameError(f"highlight: {err}") from None
        out.extend(dict.fromkeys(data.loc[mask, column]))
    return out


def axes_inches(ax: Axes) -> tuple[float, float]:
    """Width and height of *ax* in inches (also for an Axes on a SubFigure)."""
    box = ax.get_window_extent()
    dpi = ax.get_figure(root=True).dpi
    return box.width / dpi, box.height / dpi


def _freeze_ticks(out: object) -> None:
    """Create each axis's template tick now, inside the chart's style context.

    Matplotlib makes ticks lazily, at draw time, and copies later ticks from the first one;
    made here, the tick labels and grid lines keep the chart's style wherever it is drawn.
    """
    if isinstance(out, Axes):
        axes = [out]
    elif isinstance(out, Figure | SubFigure):
        axes = out.get_axes()
    else:
        return
    for ax in axes:
        for axis in ax._axis_map.values():
            axis.majorTicks  # noqa: B018 - the lazy list creates the template tick
            axis.minorTicks  # noqa: B018


#: What ``style=`` does, appended to each chart function's docstring.
STYLE_DOC = """
    style
        ``"paper"`` (default) or ``"slides"``: draw in that house style, through a style
        context (your global rcParams are never changed); ``None`` draws in your own style.
"""


def styled(func: Callable) -> Callable:
    """Give a chart function a ``style=`` keyword and draw it inside that style's context."""
    @functools.wraps(func)
    def wrapper(*args, style: str | None = "paper", **kwargs):
        with chart_style(style):
            out = func(*args, **kwargs)
            _freeze_ticks(out)
        if style is not None and isinstance(out, Axes | Figure | SubFigure):
            # plot.save applies the style's save-time settings (fonts embedded as text)
            out.get_figure(root=True).__dict__["_defbudget_style"] = style
        return out

    sig = inspect.signature(func)
    params = list(sig.parameters.values())
    extra = inspect.Parameter("style", inspect.Parameter.KEYWORD_ONLY, default="paper",
                              annotation="str | None")
    at = next((i for i, p in enumerate(params) if p.kind is inspect.Parameter.VAR_KEYWORD),
              len(params))
    wrapper.__signature__ = sig.replace(parameters=[*params[:at], extra, *params[at:]])
    doc = func.__doc__ or ""
    at_returns = doc.find("\n    Returns\n")
    if at_returns >= 0:
        wrapper.__doc__ = doc[:at_returns] + STYLE_DOC.rstrip("\n") + "\n" + doc[at_returns:]
    return wrapper


def check_frame(data: pd.DataFrame, columns: Sequence[str], *, func: str,
                values: str | None = "value") -> None:
    """Refuse what would draw an empty or wrong chart: not a frame, missing columns, no
    rows, or (when *values* is one of *columns*) every value missing."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{func} draws a tidy pandas DataFrame; you passed "
                        f"{type(data).__name__}. Load one with defbudget.load(...) or "
                        "defbudget.read_sipri(path).")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise MissingColumnError(f"{func} needs column(s) {missing!r}, which the frame lacks "
                                 f"(it has {list(data.columns)!r}). Pass a tidy defbudget "
                                 "frame, or name the columns to use with the x=/y=/hue= keywords.",
                                 columns=missing)
    if data.empty:
        raise DataError(f"{func} was given an empty frame: nothing to draw. Check the "
                        "filters applied before the call.")
    if values in columns and pd.to_numeric(data[values], errors="coerce").isna().all():
        names = sorted(map(str, data["country"].dropna().unique()))[:5] \
            if "country" in data.columns else []
        what = ", ".join(names) or "these rows"
        raise DataError(f"{func}: no data for {what}: every {values!r} of the {len(data)} "
                        "row(s) is missing (NaN), so there is nothing to draw. Check the "
                        "years and countries chosen, or the flags ('unavailable') of the "
                        "source.")


def same_basis(data: pd.DataFrame, *, func: str) -> None:
    """One value axis: refuse rows in different units or price bases."""
    # reset_index: schema.require_same_basis mis-indexes frames with duplicate labels
    # (e.g. the result of pd.concat without ignore_index).
    require_same_basis(data.reset_index(drop=True), what=func,
                       columns=("unit", "price_basis", "base_year"))


def first(data: pd.DataFrame, column: str, default: object = None) -> object:
    if column not in data.columns:
        return default
    vals = data[column].dropna()
    return vals.iloc[0] if len(vals) else default


def point_kind(data: pd.DataFrame, *, plain_estimates: bool | None = None) -> pd.Series:
    """FINAL / PROVISIONAL / UNCERTAIN for each row, from its ``stage`` and ``flag``.

    ``plain_estimates``: draw ``estimate`` rows as final (the whole chart is estimates; see
    :func:`all_estimates`). None decides from *data*; pass the chart-wide answer when *data*
    is one series of a larger chart.
    """
    kind = np.full(len(data), FINAL, dtype=object)
    if "stage" in data.columns:
        kind[_is_in(data["stage"], PROVISIONAL_STAGES)] = PROVISIONAL
    if plain_estimates is None:
        plain_estimates = all_estimates(data)
    if "flag" in data.columns and not plain_estimates:
        flag = data["flag"]
        kind[_is_in(flag, ("estimate",))] = PROVISIONAL
        kind[_is_in(flag, ("highly_uncertain",))] = UNCERTAIN
    return pd.Series(kind, index=data.index, dtype=object)


def _is_in(column: pd.Series, words) -> np.ndarray:
    """True where a cell of *column* is one of the strings *words* (missing: False), read
    cell by cell from the plain values: a chart's series are short, and pandas' vectorised
    string comparison costs more per call than the comparisons themselves."""
    wanted = frozenset(words)
    cells = column.to_numpy(dtype=object, na_value=None)
    return np.fromiter((isinstance(v, str) and v in wanted for v in cells), dtype=bool,
                       count=len(cells))


def kind_legend_text(data: pd.DataFrame, kind: str) -> str:
    """Legend text for a kind of point, naming what the data hold (draft, estimate, ...)."""
    names: list[str] = []
    if kind == PROVISIONAL:
        if "stage" in data.columns:
            names += [PROVISIONAL_STAGES[s] for s in PROVISIONAL_STAGES
                      if data["stage"].eq(s).any()]
        if "flag" in data.columns and data["flag"].eq("estimate").any():
            names.append("estimate (source's flag)")
        return "Hollow, dashed: " + ", ".join(dict.fromkeys(names) or ["provisional"])
    if kind == UNCERTAIN:
        return "Hollow diamond, dotted: " + PROVISIONAL_FLAGS["highly_uncertain"]
    stages = [s for s in ("enacted", "actual", "supplementary")
              if "stage" in data.columns and data["stage"].eq(s).any()]
    what = {"enacted": "enacted budget", "actual": "actual outturn",
            "supplementary": "incl. supplementary"}
    return "Filled: " + (", ".join(what[s] for s in stages) if stages else "final figures")


def measure_title(data: pd.DataFrame) -> str:
    measures = [m for m in dict.fromkeys(data["measure"].dropna())] if "measure" in data else []
    name = (MEASURE_NAMES.get(measures[0], measures[0].replace("_", " ").capitalize())
            if len(measures) == 1 else "Value")
    bases = [b for b in dict.fromkeys(data["basis"].dropna())] if "basis" in data else []
    if len(bases) == 1 and bases[0] not in ("sipri", "default", "national"):
        name += f" ({BASIS_NAMES.get(bases[0], bases[0].replace('_', ' '))})"
    return name


def countries_text(data: pd.DataFrame, limit: int = 6) -> str:
    """The countries compared, by name: 'Japan, China, South Korea and Australia'.

    Beyond *limit* names, the first few and how many others ('..., India and 12 others').
    """
    if "country" not in data.columns:
        return ""
    names = [str(n) for n in dict.fromkeys(data["country"].dropna())]
    if len(names) <= 1:
        return ", ".join(names)
    if len(names) <= limit:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names[:limit - 1]) + f" and {len(names) - limit + 1} others"


def default_title(data: pd.DataFrame, suffix: str = "") -> str:
    who = countries_text(data)
    what = measure_title(data)
    text = f"{who}: {what[0].lower() + what[1:]}" if who else what
    return text + suffix


def value_label(data: pd.DataFrame, *, capitalise: bool = True) -> str:
    unit = str(first(data, "unit", ""))
    base = first(data, "base_year")
    text = unit_label(unit, price_basis=str(first(data, "price_basis", "current")),
                      base_year=None if base is None or pd.isna(base) else int(base))
    if unit == "USD/person":
        text = "US$ per person"
    return text[0].upper() + text[1:] if text and capitalise else text


def year_label(data: pd.DataFrame) -> str:
    if "period" not in data.columns:
        return "Year"
    periods = set(data["period"].dropna())
    if periods == {"CY"}:
        return "Calendar year"
    if periods == {"FY"}:
        start = first(data, "fy_start_month", 4)
        import calendar

        start = int(start)
        span = f"{calendar.month_abbr[start]}–{calendar.month_abbr[(start - 2) % 12 + 1]}"
        if "fy_year_is" in data.columns and data["fy_year_is"].eq("end").all():
            return f"Fiscal year ({span}, labelled by ending year)"
        return f"Fiscal year ({span}, labelled by starting year)"
    return "Year (fiscal or calendar: see source line)"


def series_key_label(key: object) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return " — ".join(BASIS_NAMES.get(str(p), str(p)) for p in parts)


def set_title(ax: Axes, text: str) -> None:
    """Set a left-aligned title, wrapped to the width of the Axes so that it never spills."""
    import textwrap

    size = plt.rcParams["axes.titlesize"]
    if isinstance(size, str):
        size = plt.rcParams["font.size"] * 1.2
    width_pt = axes_inches(ax)[0] * 72
    bold = 0.62 if plt.rcParams["axes.titleweight"] == "bold" else 0.56
    chars = max(30, int(width_pt / (float(size) * bold)))
    ax.set_title(textwrap.fill(text, chars), loc="left", parse_math=False)


def finish(ax: Axes, data: pd.DataFrame, *, source: bool | str, note: str | None) -> None:
    """Attach the source line (generated, or the caller's text) to the figure of *ax*."""
    if source is False:
        return
    text = source if isinstance(source, str) else source_line(data, note=note)
    add_source_line(ax, text)


def draw_series(ax: Axes, x: np.ndarray, y: np.ndarray, kinds: np.ndarray, *, colour: str,
                label: str | None, markers: bool, point_scale: float = 1.0, **kwargs
                ) -> list[Line2D]:
    """One series: solid line through final points, dashed/dotted into provisional ones.

    *x* must be sorted and on a complete grid (missing periods as NaN) so that gaps break
    the line rather than being bridged.
    """
    lines: list[Line2D] = []
    final = np.where(kinds == FINAL, y, np.nan)
    main_kw = {"color": colour, "label": label, "solid_capstyle": "round", "zorder": 3}
    main_kw.update(kwargs)
    if markers:
        main_kw.setdefault("marker", "o")
        main_kw.setdefault("markersize", plt.rcParams["lines.markersize"] * 0.75)
    (line,) = ax.plot(x, final, **main_kw)
    line.set_gid("final")
    lines.append(line)
    lw = line.get_linewidth()
    for kind, style, marker in ((PROVISIONAL, STYLE_PROVISIONAL, "o"),
                                (UNCERTAIN, STYLE_UNCERTAIN, "D")):
        is_kind = kinds == kind
        if not is_kind.any():
            continue
        seg_x: list[float] = []
        seg_y: list[float] = []
        for i in range(len(x) - 1):
            if (is_kind[i] or is_kind[i + 1]) and np.isfinite(y[i]) and np.isfinite(y[i + 1]):
                seg_x += [x[i], x[i + 1], np.nan]
                seg_y += [y[i], y[i + 1], np.nan]
        if seg_x:
            (seg,) = ax.plot(seg_x, seg_y, color=colour, linestyle=style, linewidth=lw,
                             zorder=3)
            seg.set_gid(f"{kind}-segment")
            lines.append(seg)
        (pts,) = ax.plot(x[is_kind], y[is_kind], linestyle="none", marker=marker,
                         markerfacecolor=PROVISIONAL_FACE, markeredgecolor=colour,
                         markeredgewidth=1.3 * point_scale,
                         markersize=plt.rcParams["lines.markersize"] * 1.1 * point_scale,
                         zorder=4)
        pts.set_gid(kind)
        lines.append(pts)
    return lines


def kind_handles(data: pd.DataFrame, kinds: pd.Series, *, markers: bool) -> list[Line2D]:
    """Grey legend entries that explain filled vs hollow points."""
    present = set(kinds[data["value"].notna()] if "value" in data else kinds)
    if present <= {FINAL}:
        return []
    grey = "#555555"
    handles = [Line2D([], [], color=grey, marker="o" if markers else None,
                      markersize=plt.rcParams["lines.markersize"] * 0.75,
                      label=kind_legend_text(data, FINAL).replace(
                          "Filled", "Solid" if not markers else "Filled"))]
    if PROVISIONAL in present:
        handles.append(Line2D([], [], color=grey, linestyle=STYLE_PROVISIONAL, marker="o",
                              markerfacecolor=PROVISIONAL_FACE, markeredgecolor=grey,
                              markeredgewidth=1.3, label=kind_legend_text(data, PROVISIONAL)))
    if UNCERTAIN in present:
        handles.append(Line2D([], [], color=grey, linestyle=":", marker="D",
                              markerfacecolor=PROVISIONAL_FACE, markeredgecolor=grey,
                              markeredgewidth=1.3, label=kind_legend_text(data, UNCERTAIN)))
    return handles


def spread(positions: Sequence[float], min_gap: float, lo: float = -np.inf,
           hi: float = np.inf) -> list[float]:
    """Move sorted-or-not label positions apart by at least *min_gap*, keeping their order.

    Examples
    --------
    >>> [round(v, 3) for v in spread([1.0, 1.05, 3.0], 0.2)]
    [0.925, 1.125, 3.0]
    """
    order = np.argsort(positions, kind="stable")
    pos = np.asarray(positions, dtype=float)[order]
    out = pos.copy()
    # Pool adjacent violators: overlapping neighbours merge into one evenly spaced cluster
    # centred on the mean of their targets.
    clusters: list[list[int]] = []
    for i in range(len(pos)):
        clusters.append([i])
        while len(clusters) > 1:
            a, b = clusters[-2], clusters[-1]
            end_a = _cluster_start(pos, a, min_gap) + (len(a) - 1) * min_gap
            if end_a + min_gap > _cluster_start(pos, b, min_gap) + 1e-12:
                clusters[-2:] = [a + b]
            else:
                break
    for cl in clusters:
        start = _cluster_start(pos, cl, min_gap)
        start = min(max(start, lo), hi - (len(cl) - 1) * min_gap)
        for j, idx in enumerate(cl):
            out[idx] = start + j * min_gap
    result = np.empty_like(out)
    result[order] = out
    return result.tolist()


def _cluster_start(pos: np.ndarray, members: list[int], gap: float) -> float:
    offsets = np.arange(len(members)) * gap
    return float((pos[members] - offsets).mean())


def _settle_layout(ax: Axes) -> None:
    """Run the figure's layout engine now, so that label spacing worked out in axes
    fractions holds at the Axes' final height (title, source line and all)."""
    fig = ax.get_figure(root=True)
    engine = fig.get_layout_engine()
    if engine is None or type(engine).__name__ not in ("ConstrainedLayoutEngine",
                                                       "TightLayoutEngine"):
        return
    import contextlib

    with contextlib.suppress(ValueError, RuntimeError):  # not solvable yet: go on
        engine.execute(fig)


def keep_inside(ax: Axes, texts: list, *, pad_pt: float = 4.0) -> None:
    """Shift annotations placed in offset points sideways so that each lies within the
    Axes, measured after the layout has run (a narrow inline figure in Jupyter leaves less
    room than a report PNG). A text wider than the Axes is centred on them."""
    if not texts:
        return
    _settle_layout(ax)
    fig = ax.get_figure(root=True)
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    pad = pad_pt * fig.dpi / 72
    for t in texts:
        if t.anncoords != "offset points":
            continue
        bb = t.get_window_extent(renderer)
        if bb.width + 2 * pad >= box.width:
            shift = (box.x0 + box.x1) / 2 - (bb.x0 + bb.x1) / 2
        elif bb.x0 < box.x0 + pad:
            shift = box.x0 + pad - bb.x0
        elif bb.x1 > box.x1 - pad:
            shift = box.x1 - pad - bb.x1
        else:
            continue
        ox, oy = t.xyann
        t.xyann = (ox + shift * 72 / fig.dpi, oy)


def _box_key(patch: object) -> tuple | None:
    """What a label box that clips a leader line is made of: None for no box, a tuple for a
    plain rectangle (the box matplotlib puts round a label without a frame); anything else
    raises TypeError (such a box is not remembered)."""
    if patch is None:
        return None
    if type(patch) is not Rectangle:
        raise TypeError
    return (patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height(),
            patch.get_angle(), patch.get_transform().get_matrix().tobytes())


class _LeaderLine(ConnectionStyle.Arc3):
    """A straight leader line (matplotlib's ``arc3``) that remembers the last path it made.

    matplotlib clips the line to the label's box by bisection (a point-in-box test at each
    step) each time the label is measured: by the layout, by the search for the legend's
    best place and by the draw, often with the same ends and box. The same ends, shrinks
    and box give the same path, so it is worked out once and a copy handed out again; and
    each bisection tests its points against a box prepared once (:meth:`_in_patch`).
    """

    def __init__(self) -> None:
        super().__init__(rad=0.0)
        self._last: tuple[tuple, Any] | None = None

    def __call__(self, posA, posB, shrinkA=2.0, shrinkB=2.0, patchA=None, patchB=None):
        try:
            key = (tuple(np.asarray(posA, dtype=float)), tuple(np.asarray(posB, dtype=float)),
                   float(shrinkA), float(shrinkB), _box_key(patchA), _box_key(patchB))
        except TypeError:  # a box of another kind: not remembered
            return super().__call__(posA, posB, shrinkA, shrinkB, patchA, patchB)
        if self._last is None or self._last[0] != key:
            self._last = (key, super().__call__(posA, posB, shrinkA, shrinkB, patchA, patchB))
        return self._last[1].deepcopy()

    def _in_patch(self, patch):
        """matplotlib's test of a point against a label's plain box (``Patch.contains``), with
        the box's subpaths, transform and edge radius worked out once per line rather than
        at each of the bisection's ~10 steps. The same subpaths, frozen transform and radius
        go to the same ``Path.contains_point``, so every answer is matplotlib's."""
        radius_of = getattr(patch, "_process_radius", None)
        if type(patch) is not Rectangle or radius_of is None:
            return super()._in_patch(patch)
        radius = radius_of(None)
        path = patch.get_path()
        if path.codes is None:
            subpaths = [path]
        else:  # split at each MOVETO but the first, as Patch.contains splits it
            (starts,) = np.nonzero(path.codes == Path.MOVETO)
            subpaths = list(map(Path, np.split(path.vertices, starts[1:]),
                                np.split(path.codes, starts[1:])))
        transform = patch.get_transform().frozen()
        return lambda xy: any(sub.contains_point((xy[0], xy[1]), transform, radius)
                              for sub in subpaths)


def direct_labels(ax: Axes, items: list[tuple[str, float, float, str]], *,
                  side: str = "right", fontsize: float | None = None) -> list:
    """Label line ends outside the plot area, nudged apart so that no two overlap.

    *items* are (text, x, y, colour) in data coordinates. Returns the Annotation artists.
    """
    if not items:
        return []
    size = fontsize or plt.rcParams["legend.fontsize"]
    if isinstance(size, str):
        size = plt.rcParams["font.size"]
    _settle_layout(ax)
    height_in = axes_inches(ax)[1]
    # 1.5 line heights: the Axes shrink a little when the layout engine runs later.
    gap = (float(size) * 1.5 / 72) / max(height_in, 0.5)
    ax.get_ylim()  # apply any pending autoscaling before mapping data to axes fractions
    to_axes = ax.transAxes.inverted()
    fracs = [to_axes.transform(ax.transData.transform((x, y)))[1] for _, x, y, _ in items]
    placed = spread(fracs, gap, lo=0.0, hi=1.0)
    arts = []
    for (text, x, y, colour), frac in zip(items, placed, strict=True):
        xt = 1.01 if side == "right" else -0.01
        arts.append(ax.annotate(
            text, xy=(x, y), xycoords="data", xytext=(xt, frac),
            textcoords=("axes fraction", "axes fraction"), ha="left" if side == "right"
            else "right", va="center", color=colour, fontsize=size, annotation_clip=False,
            parse_math=False,
            arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.5, "alpha": 0.6,
                        "shrinkA": 0, "shrinkB": 2, "connectionstyle": _LeaderLine()}))
    return arts

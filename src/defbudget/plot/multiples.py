"""Small multiples: one panel per country; a multi-page PDF for every country at once."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from defbudget._atomic import atomic_output
from defbudget.errors import ArgumentError, DataError

from . import _common as c
from ._format import formatter_for
from ._source import add_source_line, source_line
from ._style import OKABE_ITO

__all__ = ["save_small_multiples", "small_multiples"]


def _panels(data: pd.DataFrame, col: str, func: str) -> list[tuple[object, pd.DataFrame]]:
    c.check_frame(data, [col, "year", "value"], func=func)
    c.same_basis(data, func=func)
    data = data.reset_index(drop=True)
    out = []
    for key, grp in data.groupby(col, sort=False):
        if grp["year"].duplicated().any():
            yr = grp.loc[grp["year"].duplicated(), "year"].iloc[0]
            raise DataError(f"{func}: {key!r} has several rows in {yr}; filter the frame "
                            "to one measure and basis first")
        out.append((key, grp.sort_values("year")))
    return out


def _make_axes(fig: Figure, nrows: int, ncols: int) -> list:
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True).ravel().tolist()
    size = plt.rcParams["font.size"]
    for ax in axes:
        ax.tick_params(labelsize=size * 0.7, labelbottom=True)
        # 1-2-5 steps: every axis reads $0, $0.5B, $1.0B (never $0.75B beside $1.5B)
        ax.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    return axes


def _fill_axes(axes: list, panels: list[tuple[object, pd.DataFrame]], *, unit: str,
               ylim: tuple[float, float] | None, markers: bool, plain_estimates: bool) -> list:
    """Draw one panel per (key, frame) on existing Axes, clearing what a page before drew.

    Reusing the Axes of the previous page (and so their tick artists) is what makes a
    170-country PDF take seconds rather than a minute.
    """
    formatter = formatter_for(unit)
    size = plt.rcParams["font.size"]
    xmin = min(int(g["year"].min()) for _, g in panels)
    xmax = max(int(g["year"].max()) for _, g in panels)
    for ax, (key, grp) in zip(axes, panels, strict=False):
        for artist in [*ax.lines, *ax.collections, *ax.texts]:
            artist.remove()
        ax.set_visible(True)
        full = pd.RangeIndex(int(grp["year"].min()), int(grp["year"].max()) + 1)
        g = grp.set_index("year").reindex(full)
        kinds = c.point_kind(g.rename_axis("year").reset_index(),
                             plain_estimates=plain_estimates).to_numpy()
        c.draw_series(ax, g.index.to_numpy(dtype=float), g["value"].to_numpy(dtype=float),
                      kinds, colour=OKABE_ITO[0], label=None, markers=markers,
                      point_scale=0.45, linewidth=plt.rcParams["lines.linewidth"] * 0.7)
        # An explicit y stops matplotlib re-measuring the axis for every title (slow).
        ax.set_title(str(key), loc="left", fontsize=size * 0.9, fontweight="bold", pad=3,
                     y=1.0)
        ax.yaxis.set_major_formatter(formatter)
        vals = grp["value"].dropna()
        if ylim is not None:
            ax.set_ylim(*ylim)
        elif len(vals):
            lo = min(0.0, float(vals.min())) if unit != "index" else float(vals.min())
            hi = float(vals.max())
            ax.set_ylim(lo, hi * 1.05 if hi > 0 else (hi or 1.0) + abs(hi) * 0.05 + 1e-9)
        else:
            ax.set_ylim(0, 1)
            ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center",
                    color="#8C8C8C", fontsize=size * 0.8, gid="no-data")
    if axes:
        axes[0].set_xlim(xmin - 1, xmax + 1)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    return axes[:len(panels)]


@c.styled
def small_multiples(data: pd.DataFrame, *, col: str = "country", ncols: int = 4,
                    sharey: bool = False, fig: Figure | None = None,
                    title: str | None = None, source: bool | str = True,
                    note: str | None = None) -> Figure:
    """One small panel per country (or other *col* value), each with its own series.

    Parameters
    ----------
    data
        Tidy frame in one unit and price basis, one row per country and year.
    ncols
        Panels per row.
    sharey
        One y scale for every panel (compare levels) or a scale per panel (compare shapes).
    fig
        Figure to draw on; default a new one sized for the number of panels.

    Returns
    -------
    matplotlib.figure.Figure
        Title names the measure; the y unit is printed once at the left.

    Examples
    --------
    >>> import pandas as pd
    >>> from defbudget.schema import coerce
    >>> from defbudget.plot import small_multiples
    >>> rows = [{"country": c, "year": y, "value": v * 1.05 ** (y - 2020)}
    ...         for c, v in [("Japan", 50e9), ("Korea", 45e9), ("India", 80e9)]
    ...         for y in range(2020, 2025)]
    >>> frame = coerce(pd.DataFrame(rows).assign(period="CY", fy_start_month=1,
    ...     measure="milex", basis="sipri", unit="USD", price_basis="constant",
    ...     base_year=2023, source="sipri_milex_2025"))
    >>> fig = small_multiples(frame, ncols=3)
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['Japan', 'Korea', 'India']
    """
    func = "plot.small_multiples"
    panels = _panels(data, col, func)
    nrows = math.ceil(len(panels) / ncols)
    if fig is None:
        fig = plt.figure(figsize=(min(2.3 * ncols, 10), 1.9 * nrows + 1.2), layout="constrained")
    unit = str(c.first(data, "unit", ""))
    ylim = _shared_ylim(data) if sharey else None
    _fill_axes(_make_axes(fig, nrows, ncols), panels, unit=unit, ylim=ylim, markers=False,
               plain_estimates=c.all_estimates(data))
    fig.suptitle(title if title is not None else _page_title(data), x=0.01, ha="left")
    fig.supylabel(c.value_label(data), fontsize=plt.rcParams["font.size"] * 0.9)
    fig.supxlabel(c.year_label(data), fontsize=plt.rcParams["font.size"] * 0.9)
    if source is not False:
        add_source_line(fig, source if isinstance(source, str) else
                        source_line(data, note=_multiples_note(data, sharey, note)))
    return fig


def _shared_ylim(data: pd.DataFrame) -> tuple[float, float]:
    vals = data["value"].dropna()
    return (min(0.0, float(vals.min())), float(vals.max()) * 1.05)


def _page_title(data: pd.DataFrame) -> str:
    return c.measure_title(data)


def _multiples_note(data: pd.DataFrame, sharey: bool, note: str | None) -> str:
    scale = ("All panels share one y scale" if sharey else
             "Each panel has its own y scale: compare shapes, not heights")
    flagged = c.point_kind(data).ne(c.FINAL).any()
    marks = "; hollow markers: estimates or drafts" if flagged else ""
    return "; ".join(x for x in (scale + marks, note) if x)


@c.styled
def save_small_multiples(data: pd.DataFrame, path: str | os.PathLike, *,
                         col: str = "country", per_page: int = 24, ncols: int = 4,
                         sharey: bool = False, title: str | None = None,
                         progress: bool = True, figsize: tuple[float, float] = (8.27, 11.69),
                         group: str | None = "auto") -> Path:
    """Write one panel per country to a multi-page PDF (A4 portrait pages), atomically.

    Handles the whole SIPRI database (~170 countries) in seconds. The first page is an
    index: every country with the page it is on. Countries are grouped by region (SIPRI's
    ``region``, else ``subregion``), each page headed by its region; within a region they
    run alphabetically. Every page carries the title, the y unit, the period convention and
    the source line.

    Parameters
    ----------
    data
        Tidy frame in one unit and price basis, e.g. ``read_sipri(path)`` filtered to
        ``measure == "milex"`` in constant US$.
    path
        Destination ``.pdf``; written to a temporary file beside it, then moved into place.
    per_page, ncols
        Panels per page and per row.
    group
        Column to group pages by: ``"auto"`` takes ``region`` (else ``subregion``) when
        the frame has it; None runs the countries in frame order.
    progress
        Show a tqdm progress bar over the pages.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from defbudget.schema import coerce
    >>> from defbudget.plot import save_small_multiples
    >>> rows = [{"country": f"Country {i}", "year": y, "value": 1e9 * (i + 1)}
    ...         for i in range(30) for y in range(2015, 2025)]
    >>> frame = coerce(pd.DataFrame(rows).assign(period="CY", fy_start_month=1,
    ...     measure="milex", basis="sipri", unit="USD", price_basis="constant",
    ...     base_year=2023, source="sipri_milex_2025"))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = save_small_multiples(frame, pathlib.Path(d) / "all.pdf", progress=False)
    ...     out.read_bytes().count(b"/Type /Page\\n") + out.read_bytes().count(b"/Type /Page ")
    3
    """
    from matplotlib.backends.backend_pdf import PdfPages

    func = "plot.save_small_multiples"
    path = _pdf_target(path, per_page=per_page, ncols=ncols, func=func)
    panels = _panels(data, col, func)
    pages = _region_pages(data, panels, col=col, group=group, per_page=per_page)
    nrows = math.ceil(min(per_page, max(len(p) for _, p in pages)) / ncols)
    unit = str(c.first(data, "unit", ""))
    ylim = _shared_ylim(data) if sharey else None
    head = title if title is not None else _page_title(data)
    text = source_line(data, note=_multiples_note(data, sharey, None))
    first_page = 2  # page 1 is the index
    iterator = _numbered(pages, first_page, progress=progress)
    plain = c.all_estimates(data)
    from defbudget._outputs import refuse_foreign
    from defbudget.plot._save import _is_chart

    refuse_foreign(Path(path), replace=True, ours=_is_chart, what="chart", option="overwrite")
    with (atomic_output(path, suffix=".pdf") as tmp,
          plt.rc_context({"figure.constrained_layout.use": False}),
          PdfPages(tmp, metadata={"Creator": "defbudget (matplotlib)",
                                  "CreationDate": None, "Title": head}) as pdf):
        _index_page(pdf, pages, figsize=figsize, head=head, first_page=first_page)
        fig = plt.figure(figsize=figsize)
        try:
            axes, heading = _page_frame(fig, nrows, ncols, data, text)
            _panel_pages(pdf, fig, iterator, axes, heading, head=head,
                         total=len(pages) + first_page - 1, unit=unit, ylim=ylim, plain=plain)
        finally:
            plt.close(fig)
    return path


def _panel_pages(pdf, fig: Figure, numbered: Iterable, axes: list, heading: Text, *,
                 head: str, total: int, unit: str, ylim, plain: bool) -> None:
    """Fill the one page figure with each page's panels and heading, and save it each time."""
    for number, (region, page) in numbered:
        _fill_axes(axes, page, unit=unit, ylim=ylim, markers=False, plain_estimates=plain)
        where = region or f"{page[0][0]} to {page[-1][0]}"
        heading.set_text(f"{head}\n{where} (page {number} of {total})")
        pdf.savefig(fig)


def _numbered(pages: list, first_page: int, *, progress: bool) -> Iterable:
    """(page number, page) pairs, behind a tqdm progress bar when *progress*."""
    iterator: Iterable = enumerate(pages, start=first_page)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, total=len(pages), desc="small multiples", unit="page")
    return iterator


def _pdf_target(path: str | os.PathLike, *, per_page: int, ncols: int, func: str) -> Path:
    """*path* as a Path, once it names a .pdf in a folder that exists and the layout is sane."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ArgumentError(f"{func} writes a multi-page .pdf; {str(path)!r} has extension "
                            f"{path.suffix!r}. Use e.g. {path.with_suffix('.pdf').name!r}, or "
                            "small_multiples() + save() for one page as PNG/SVG.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"{func}: folder {str(folder)!r} does not exist")
    if per_page < 1 or ncols < 1:
        raise ArgumentError(f"{func}: per_page and ncols must be >= 1 (got {per_page}, {ncols})")
    return path


def _page_frame(fig: Figure, nrows: int, ncols: int, data: pd.DataFrame,
                text: str) -> tuple[list, Text]:
    """What every page shares: the grid of Axes, the heading (filled per page), the axis
    labels and the source line. Returns (axes, heading)."""
    axes = _make_axes(fig, nrows, ncols)
    fig.subplots_adjust(left=0.1, right=0.98, top=0.92, bottom=0.11,
                        hspace=0.55, wspace=0.35)
    heading = fig.suptitle("", x=0.04, y=0.985, ha="left", va="top",
                           fontsize=plt.rcParams["font.size"] * 1.15,
                           fontweight="bold")
    fig.supylabel(c.value_label(data), x=0.01, fontsize=plt.rcParams["font.size"] * 0.9)
    fig.text(0.5, 0.075, c.year_label(data), ha="center", va="center",
             fontsize=plt.rcParams["font.size"] * 0.9)
    add_source_line(fig, text, reserve=False)
    return axes, heading


def _region_pages(data: pd.DataFrame, panels: list, *, col: str, group: str | None,
                  per_page: int) -> list[tuple[str | None, list]]:
    """Split the panels into pages, one region (or part of one) per page: (heading, panels)."""
    if group == "auto":  # SIPRI's five regions fill their pages; subregions leave gaps
        group = ("region" if "region" in data.columns else
                 "subregion" if "subregion" in data.columns else None)
    if group is None or group not in data.columns:
        return [(None, panels[i:i + per_page]) for i in range(0, len(panels), per_page)]
    region_of = (data.dropna(subset=[group]).drop_duplicates(col).set_index(col)[group]
                 .to_dict())
    parent = {}
    if group == "subregion" and "region" in data.columns:
        parent = (data.dropna(subset=["subregion"]).drop_duplicates("subregion")
                  .set_index("subregion")["region"].to_dict())
    order: dict[str, list] = {}
    for key, grp in panels:
        order.setdefault(str(region_of.get(key, "Other")), []).append((key, grp))
    pages = []
    for region, members in order.items():
        members = sorted(members, key=lambda kv: str(kv[0]))
        name = f"{parent[region]}: {region}" if region in parent and parent[region] != region \
            else region
        k = math.ceil(len(members) / per_page)  # pages of even size: 13 + 12, not 24 + 1
        size = math.ceil(len(members) / k)
        chunks = [members[i:i + size] for i in range(0, len(members), size)]
        for i, chunk in enumerate(chunks):
            more = f", {i + 1} of {len(chunks)}" if len(chunks) > 1 else ""
            pages.append((f"{name}{more}", chunk))
    return pages


def _index_page(pdf, pages: list, *, figsize: tuple[float, float], head: str,
                first_page: int) -> None:
    """Page 1: every country, alphabetically, with the page it is on."""
    entries = sorted(((str(key), number) for number, (_, page) in
                      enumerate(pages, start=first_page) for key, _ in page),
                     key=lambda e: e[0].lower())
    fig = plt.figure(figsize=figsize)
    try:
        size = plt.rcParams["font.size"]
        fig.text(0.04, 0.985, f"{head}\nIndex: each country and its page", ha="left",
                 va="top", fontsize=size * 1.15, fontweight="bold")
        ncols = 3 if len(entries) > 40 else 1
        per_col = math.ceil(len(entries) / ncols)
        line = min(0.016, 0.86 / max(per_col, 1))
        width = 0.92 / ncols
        for i, (name, number) in enumerate(entries):
            col, row = divmod(i, per_col)
            x0 = 0.04 + col * width
            y = 0.93 - row * line
            fig.text(x0, y, name, ha="left", va="top", fontsize=size * 0.75, gid="index")
            fig.text(x0 + width - 0.03, y, str(number), ha="right", va="top",
                     fontsize=size * 0.75, gid="index-page")
        pdf.savefig(fig)
    finally:
        plt.close(fig)

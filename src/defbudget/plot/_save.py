"""Write a figure to PNG, SVG or PDF at publication resolution, atomically."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, cast

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from defbudget._atomic import atomic_output
from defbudget.errors import ArgumentError

from ._source import _figure_of, refresh_layout

__all__ = ["FORMATS", "save"]

#: Extensions save() writes, and the matplotlib format name for each.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

#: From this resolution up (dots per inch), PNG text is drawn from the glyphs' true outlines,
#: as in PDF and SVG. Hinting snaps glyphs to the pixel grid, which only helps at screen
#: resolution; leaving it out at print resolution saves about a tenth of the save time.
UNHINTED_FROM_DPI = 200


#: Settings of a house style that matplotlib reads when a file is written, not when the chart
#: is drawn: save() applies them for a chart drawn in that style.
SAVE_TIME_KEYS = ("pdf.fonttype", "svg.fonttype", "savefig.facecolor", "savefig.transparent")


def _save_rc(fig: Figure) -> dict:
    style = fig.__dict__.get("_defbudget_style")
    if style is None:
        return {}
    from ._style import _style_rc

    return {k: v for k, v in _style_rc(style) if k in SAVE_TIME_KEYS}


def _layout_from_scratch(fig: Figure) -> None:
    """Put each Axes back on its grid cell before constrained layout places it again.

    Constrained layout measures the Axes where they stand, so a second save of the same
    figure can differ from the first in the last digit of a coordinate; started from the
    grid, every save gives the same bytes.
    """
    if type(fig.get_layout_engine()).__name__ != "ConstrainedLayoutEngine":
        return
    for ax in fig.get_axes():
        spec = ax.get_subplotspec()
        if spec is not None:
            ax._set_position(spec.get_position(ax.figure), which="both")


@contextlib.contextmanager
def _laid_out_once(fig: Figure, dpi: float) -> Iterator[None]:
    """Run the figure's layout engine once at the resolution of the file, and hold the Axes
    there while the file is drawn.

    ``Figure.savefig`` draws a figure that has a layout engine twice: first with painting
    turned off, only to run the layout, then for real, running the layout again. Each draw
    places the legend, routes the leader lines and measures every text; the layout measures
    them again. Here the layout runs once, measured at the file's resolution as savefig's
    first draw would measure it, and savefig then draws once, with the engine put back
    afterwards. Used for PNG at a numeric resolution, not cropped (``bbox_inches``) only: a
    vector backend measures text its own way, and a cropped save is left to matplotlib.
    """
    engine = fig.get_layout_engine()
    if type(engine).__name__ not in ("ConstrainedLayoutEngine", "TightLayoutEngine"):
        yield
        return
    assert engine is not None
    screen_dpi = fig.dpi
    fig.dpi = dpi
    try:
        engine.execute(fig)
    finally:
        fig.dpi = screen_dpi
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)  # no engine: savefig draws once
    try:
        yield
    finally:
        fig.set_layout_engine(engine)


class _PixelSink:
    """A file object that keeps what ``savefig(format="rgba")`` writes (the canvas's pixel
    buffer, in one write) without copying it."""

    def __init__(self) -> None:
        self.pixels: memoryview | None = None

    def write(self, data) -> int:
        self.pixels = memoryview(data) if self.pixels is None else None  # one write only
        return len(data)

    def seek(self, *args) -> int:  # pragma: no cover - matplotlib asks only whether it can
        return 0


def _write_png(fig: Figure, fh, dpi: float, **kwargs) -> None:
    """Draw *fig* at *dpi* with matplotlib (``savefig`` to raw RGBA pixels) and write the
    pixels as PNG with :func:`defbudget.plot._png.write_png`: the same pixels, ``Software``
    text and resolution as ``savefig(format="png")`` writes, encoded in a third of the time.
    """
    from ._png import write_png

    sink = _PixelSink()
    fig.savefig(cast("BinaryIO", sink), format="rgba", dpi=dpi, **kwargs)
    # matplotlib's Agg canvas is int(size in inches x dpi) pixels each way.
    width, height = (int(v * dpi) for v in fig.get_size_inches())
    if sink.pixels is None or sink.pixels.nbytes != width * height * 4:  # pragma: no cover
        fig.savefig(fh, format="png", dpi=dpi, pil_kwargs={"compress_level": 1}, **kwargs)
        return
    write_png(fh, sink.pixels, width, height, dpi)


def _is_chart(path: Path) -> bool:
    """True if *path* looks like a chart drawn with matplotlib (and so by this kit): its
    first or last 64 kB name matplotlib or defbudget (PNG ``Software``, SVG comment, PDF
    ``Producer``/``Creator``)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
            fh.seek(max(0, path.stat().st_size - (1 << 16)))
            tail = fh.read()
    except OSError:
        return False
    text = (head + tail).lower()
    return b"matplotlib" in text or b"defbudget" in text


def _write(fig: Figure, path: Path, fmt: str, dpi: int, kwargs: dict) -> None:
    """Write *fig* to *path* in format *fmt*: laid out and drawn once for a plain PNG, whose
    pixels the kit encodes (unless the user passes Pillow options or metadata)."""
    if fmt in ("pdf", "svg"):
        meta = {"Creator": "defbudget (matplotlib)"}
        meta["CreationDate" if fmt == "pdf" else "Date"] = None
        kwargs.setdefault("metadata", meta)
    # PNG options for Pillow or metadata of the user's own: matplotlib writes the file.
    own_png = fmt == "png" and not {"pil_kwargs", "metadata"} & kwargs.keys()
    if fmt == "png":
        # zlib level 1: a third of the save time at level 6, for files about 10% larger.
        kwargs.setdefault("pil_kwargs", {"compress_level": 1})
    refresh_layout(fig)
    _layout_from_scratch(fig)
    rc = _save_rc(fig)
    if fmt == "png" and dpi >= UNHINTED_FROM_DPI and mpl.rcParams["text.hinting"] == "default":
        rc["text.hinting"] = "no_hinting"  # only when the user has not chosen a hinting
    cropped = kwargs.get("bbox_inches", mpl.rcParams["savefig.bbox"]) not in (None, "standard")
    simple = fmt == "png" and isinstance(dpi, int | float) and not cropped
    once = _laid_out_once(fig, dpi) if simple else contextlib.nullcontext()
    with (mpl.rc_context(rc), once, atomic_output(path, suffix=path.suffix.lower()) as tmp,
          open(tmp, "wb") as fh):
        if simple and own_png:
            kwargs.pop("pil_kwargs")
            _write_png(fig, fh, dpi, **kwargs)
        else:
            fig.savefig(fh, format=fmt, dpi=dpi, **kwargs)


def save(fig: Figure | Axes, path: str | os.PathLike, *, dpi: int = 300, **kwargs) -> Path:
    """Save *fig* to *path* (.png, .svg or .pdf), replacing any old file only on success.

    An existing file is replaced only when it is a chart drawn with matplotlib; any other
    file (a CSV, a workbook, a photo) is refused, since it may be an input.

    The figure is written to a temporary file in the same folder and moved into place with
    :func:`os.replace`, so an interrupted save never leaves a half-written chart. PDF and
    SVG are written without a creation date, so the same chart gives the same bytes.

    Parameters
    ----------
    fig
        The Figure (or an Axes on it) to write.
    path
        Destination; its extension picks the format.
    dpi
        Resolution of PNG output (300 = print quality; vectors ignore it for text/lines).
    **kwargs
        Passed to :meth:`matplotlib.figure.Figure.savefig`.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import matplotlib.pyplot as plt
    >>> from defbudget.plot import save
    >>> fig, ax = plt.subplots()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = save(fig, pathlib.Path(d) / "chart.svg")
    ...     out.suffix, out.stat().st_size > 0
    ('.svg', True)
    >>> save(fig, "chart.gif")
    Traceback (most recent call last):
    ...
    defbudget.errors.ArgumentError: save() writes .png, .svg or .pdf; 'chart.gif' has ...
    """
    if isinstance(fig, Axes):
        fig = _figure_of(fig)
    if not isinstance(fig, Figure):
        raise TypeError(f"save() takes a matplotlib Figure or Axes; you passed "
                        f"{type(fig).__name__}. Charts return an Axes: save(ax, path) works.")
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise ArgumentError(f"save() writes .png, .svg or .pdf; {str(path)!r} has extension "
                            f"{ext!r}. Change the file name, e.g. "
                            f"{path.with_suffix('.png').name!r}.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"save(): folder {str(folder)!r} does not exist; create it "
                                "first (Path(folder).mkdir(parents=True)).")
    from defbudget._outputs import refuse_foreign

    refuse_foreign(path, replace=True, ours=_is_chart, what="chart", option="overwrite")
    _write(fig, path, FORMATS[ext], dpi, kwargs)
    return path

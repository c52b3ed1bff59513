"""Colour palette and the house style (``defbudget.styles.<name>``) on request only."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt

from defbudget.styles import STYLES

__all__ = ["NEGATIVE", "NEUTRAL", "OKABE_ITO", "POSITIVE", "PROVISIONAL_FACE", "chart_style",
           "house_style", "palette", "set_style"]

#: Okabe & Ito (2008), "Color Universal Design (CUD): how to make figures and presentations
#: that are friendly to colorblind people", https://jfly.uni-koeln.de/color/ — eight colours
#: distinguishable under the common forms of colour-vision deficiency. Black is placed last
#: (it is kept for emphasis and reference lines); yellow is second last (weak on white).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Bars of a rise and of a fall (Okabe–Ito blue and vermillion).
POSITIVE, NEGATIVE = OKABE_ITO[0], OKABE_ITO[1]
#: Context (de-emphasised series, reference lines).
NEUTRAL = "#8C8C8C"
#: Face colour of provisional (draft, request, estimate) markers: hollow on a white page.
PROVISIONAL_FACE = "white"


def palette(n: int) -> list[str]:
    """Return *n* colours: Okabe–Ito first, then matplotlib's ``tab20`` for larger groups.

    Examples
    --------
    >>> palette(2)
    ['#0072B2', '#D55E00']
    >>> len(palette(12))
    12
    """
    colours = list(OKABE_ITO[:6])  # yellow and black are poor line colours on white
    if n <= len(colours):
        return colours[:n]
    extra = [mpl.colors.to_hex(c) for c in plt.get_cmap("tab20").colors]
    extra = [c for c in extra if c.lower() not in {o.lower() for o in OKABE_ITO}]
    out = colours + extra
    while len(out) < n:
        out += out
    return out[:n]


def _style_name(name: str) -> str:
    if name not in STYLES:
        raise ValueError(f"unknown defbudget style {name!r}; expected one of {STYLES} "
                         f"(or pass any matplotlib style straight to plt.style.use)")
    return f"defbudget.styles.{name}"


@contextlib.contextmanager
def house_style(name: str = "paper") -> Iterator[None]:
    """Use a defbudget house style inside a ``with`` block; rcParams are restored after.

    Parameters
    ----------
    name
        ``"paper"`` (6.5 x 4 in, 9 pt type) or ``"slides"`` (16:9, 14 pt type).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from defbudget.plot import house_style
    >>> before = mpl.rcParams["font.size"]
    >>> with house_style("slides"):
    ...     mpl.rcParams["font.size"]
    14.0
    >>> mpl.rcParams["font.size"] == before
    True
    """
    with plt.style.context(_style_name(name)):
        yield


@functools.cache
def _style_rc(name: str) -> tuple[tuple[str, object], ...]:
    """The rcParams of a house style, parsed once per session (a chart is drawn in a few ms;
    re-reading the style file for each would cost as much as drawing the lines)."""
    from importlib import resources

    path = resources.files("defbudget.styles") / f"{name}.mplstyle"
    with resources.as_file(path) as real:
        rc = mpl.rc_params_from_file(str(real), use_default_template=False)
    return tuple(rc.items())


@contextlib.contextmanager
def chart_style(style: str | None = "paper") -> Iterator[None]:
    """The style a chart function draws in: a house style, or None for the caller's own.

    Only the chart being drawn is affected; the caller's rcParams are restored on exit.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from defbudget.plot import chart_style
    >>> before = dict(mpl.rcParams)
    >>> with chart_style("slides"):
    ...     mpl.rcParams["font.size"]
    14.0
    >>> dict(mpl.rcParams) == before
    True
    """
    if style is None:
        yield
        return
    if not isinstance(style, str) or style not in STYLES:
        raise ValueError(f"style must be one of {STYLES} or None (your own rcParams); you "
                         f"passed {style!r}")
    with mpl.rc_context(dict(_style_rc(style))):
        yield
        # The first figure of a session may load the backend inside this context, and
        # Jupyter's inline backend then switches interactive mode on; rc_context would undo
        # that on exit, and no later chart would be shown inline. Keep it.
        interactive = mpl.rcParams["interactive"]
    if mpl.rcParams["interactive"] != interactive:
        mpl.interactive(interactive)


def set_style(name: str = "paper") -> None:
    """Apply a defbudget house style for the rest of the session (like seaborn's set_theme).

    Undo with ``matplotlib.rcdefaults()`` or ``plt.style.use("default")``.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from defbudget.plot import set_style
    >>> with mpl.rc_context():
    ...     set_style("paper")
    ...     mpl.rcParams["axes.spines.top"]
    False
    """
    plt.style.use(_style_name(name))


def colour_map(keys: Sequence[object], colours: Sequence[str] | dict | None = None
               ) -> dict[object, str]:
    """Map each key to a colour (a caller's dict or list wins over the palette)."""
    if isinstance(colours, dict):
        missing = [k for k in keys if k not in colours]
        if missing:
            raise ValueError(f"palette has no colour for {missing!r}; add them to the dict "
                             f"(keys present: {list(colours)!r})")
        return {k: colours[k] for k in keys}
    seq = list(colours) if colours is not None else palette(len(keys))
    if not seq:
        raise ValueError("palette is empty; pass a list of colours or None")
    return {k: seq[i % len(seq)] for i, k in enumerate(keys)}

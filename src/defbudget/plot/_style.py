"""Colour palette and the house style (``defbudget.styles.<name>``) on request only."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt

from defbudget.errors import ArgumentError, UnknownNameError
from defbudget.styles import STYLES

__all__ = ["COUNTRY_COLOURS", "NEGATIVE", "NEUTRAL", "OKABE_ITO", "POSITIVE",
           "PROVISIONAL_FACE", "chart_style", "country_colour", "house_style", "palette",
           "set_style", "shade", "tint"]

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

#: One line style per meaning, used only for it. Provisional values (the source's
#: "estimate" flag, a draft or a request) are hollow points joined by a dashed segment;
#: highly uncertain estimates hollow diamonds on a dotted one; targets dash-dot reference
#: lines; projections a long-dashed line.
STYLE_PROVISIONAL = (0, (3, 2))
STYLE_UNCERTAIN = ":"
STYLE_TARGET = (0, (7, 2, 1.5, 2))
STYLE_PROJECTION = (0, (8, 3))
TARGET_COLOUR = "#333333"


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
        raise UnknownNameError(f"unknown defbudget style {name!r}; expected one of {STYLES} "
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
        raise ArgumentError(f"style must be one of {STYLES} or None (your own rcParams); you "
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


#: One colour per country, used by every chart (ISO3 keys). Japan, the Indo-Pacific group and
#: the usual comparators keep theirs in every chart kind; Okabe–Ito first (see above), then
#: colours from Paul Tol's "muted" scheme (https://personal.sron.nl/~pault/) for the rest.
COUNTRY_COLOURS: dict[str, str] = {
    "JPN": "#0072B2",  # blue
    "CHN": "#D55E00",  # vermillion
    "KOR": "#009E73",  # bluish green
    "AUS": "#E69F00",  # orange
    "IND": "#CC79A7",  # reddish purple
    "TWN": "#56B4E9",  # sky blue
    "USA": "#332288",  # indigo
    "RUS": "#882255",  # wine
    "GBR": "#44AA99",  # teal
    "FRA": "#999933",  # olive
    "DEU": "#AA4499",  # purple
    "PRK": "#661100",  # dark brown
    "SAU": "#6699CC",  # steel blue
    "UKR": "#DDCC77",  # sand
}

#: Names in SIPRI, GMSD and common English for the countries above (display names first).
_COUNTRY_NAMES: dict[str, str] = {
    "japan": "JPN", "china": "CHN", "south korea": "KOR", "korea, south": "KOR",
    "korea, republic of": "KOR", "republic of korea": "KOR", "korea": "KOR",
    "australia": "AUS", "india": "IND", "taiwan": "TWN", "united states": "USA",
    "united states of america": "USA", "usa": "USA", "us": "USA", "russia": "RUS",
    "russian federation": "RUS", "united kingdom": "GBR", "uk": "GBR", "france": "FRA",
    "germany": "DEU", "north korea": "PRK", "korea, north": "PRK", "saudi arabia": "SAU",
    "ukraine": "UKR",
}


def country_colour(country: object) -> str | None:
    """The house colour of a country (ISO3 code or name), or None if it has none.

    Examples
    --------
    >>> from defbudget.plot import country_colour
    >>> country_colour("Japan"), country_colour("JPN"), country_colour("Korea, South")
    ('#0072B2', '#0072B2', '#009E73')
    """
    if not isinstance(country, str):
        return None
    key = country.strip()
    if key.upper() in COUNTRY_COLOURS:
        return COUNTRY_COLOURS[key.upper()]
    iso = _COUNTRY_NAMES.get(key.lower())
    return COUNTRY_COLOURS.get(iso) if iso else None


def tint(colour: str, amount: float = 0.55) -> str:
    """*colour* mixed with white (*amount* 0 = unchanged, 1 = white): a context series.

    Examples
    --------
    >>> from defbudget.plot import tint
    >>> tint("#0072B2", 0.5)
    '#80b9d8'
    """
    import numpy as np

    rgb = np.array(mpl.colors.to_rgb(colour))
    return mpl.colors.to_hex(rgb + (1.0 - rgb) * amount)


def shade(colour: str, index: int) -> str:
    """The *index*-th lightness of one hue: bases of one country (0 = the colour itself)."""
    if index == 0:
        return mpl.colors.to_hex(colour)
    return tint(colour, min(0.25 + 0.2 * (index - 1), 0.7))


def colour_map(keys: Sequence[object], colours: Mapping[Any, str] | Sequence[str] | None = None
               ) -> dict[object, str]:
    """Map each key to a colour (a caller's dict or list wins over the palette).

    Without *colours*, a country (or a (country, ...) tuple) gets its house colour, so
    Japan is the same blue in every chart; other keys take the palette's unused colours.
    """
    if isinstance(colours, Mapping):
        missing = [k for k in keys if k not in colours]
        if missing:
            raise ArgumentError(f"palette has no colour for {missing!r}; add them to the dict "
                                f"(keys present: {list(colours)!r})")
        return {k: colours[k] for k in keys}
    if colours is not None:
        seq = list(colours)
        if not seq:
            raise ArgumentError("palette is empty; pass a list of colours or None")
        return {k: seq[i % len(seq)] for i, k in enumerate(keys)}
    out: dict[object, str] = {}
    per_country: dict[str, int] = {}
    for k in keys:
        country = k[0] if isinstance(k, tuple) and k else k
        base = country_colour(country)
        if base is not None:
            n = per_country.get(base, 0)
            per_country[base] = n + 1
            out[k] = shade(base, n)
    used = {v.lower() for v in out.values()} | {v.lower() for v in COUNTRY_COLOURS.values()}
    spare = [c for c in palette(len(keys) + len(COUNTRY_COLOURS) + 6) if c.lower() not in used]
    spare = spare or palette(len(keys))
    rest = [k for k in keys if k not in out]
    for i, k in enumerate(rest):
        out[k] = spare[i % len(spare)]
    return {k: out[k] for k in keys}

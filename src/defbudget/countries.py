"""Country names as people type them, and one short display name per country.

Every function that takes countries (:func:`defbudget.compare.select`, the charts'
``highlight``, the CLI's ``--countries``) resolves a name through :func:`to_iso3`, which
accepts:

- ISO 3166-1 alpha-3 codes (``"KOR"``, any case);
- the sources' own names (SIPRI's ``"Korea, South"``, ``"United States of America"``,
  ``"Türkiye"``; GMSD's ``"South Korea"``);
- common English names and short forms (``"South Korea"``, ``"Republic of Korea"``,
  ``"Korea, Rep."``, ``"US"``, ``"USA"``, ``"UK"``, ``"Britain"``, ``"Turkey"``, ``"Russia"``).

Resolution is done by ``country_converter`` (its regular expressions ship with the package,
so it works offline), after :data:`~defbudget.readers._countries.ISO3_OVERRIDES` for the
sources' spellings. A name that matches several countries (``"Korea"``, ``"Congo"``) or none
raises :class:`CountryNameError` listing the nearest real names.

:func:`display_name` gives the one short name charts, tables and Excel print: country
converter's ``name_short`` ("South Korea", "United States", "China", "Türkiye").
"""

from __future__ import annotations

import difflib
import functools
import logging
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from defbudget.errors import UnknownNameError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["AMBIGUOUS", "CountryNameError", "display_name", "display_renames", "to_iso3",
           "with_display_names"]


class CountryNameError(UnknownNameError):
    """A country name matches no country, or several; the message lists the nearest names."""


#: Names that denote more than one country: never guessed, always an error naming the choices.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "korea": ("South Korea", "North Korea"),
    "congo": ("Congo Republic", "DR Congo"),
}

#: Short forms country_converter does not know, or knows differently.
_ALIASES = {"uk": "GBR", "britain": "GBR", "great britain": "GBR", "s. korea": "KOR",
            "s korea": "KOR", "n. korea": "PRK", "prc": "CHN", "roc": "TWN", "uae": "ARE"}


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


@functools.cache
def _table():
    """country_converter's table: {ISO3: short name} and the names to suggest (its data file
    read with the csv module, :func:`defbudget.readers._countries.country_rows`: building
    the converter, which compiles every regex, is only needed for names)."""
    from defbudget.readers._countries import country_rows

    rows = country_rows()
    short = {r["ISO3"]: r["name_short"] for r in rows}
    names = sorted({*(r["name_short"] for r in rows),
                    *(r["name_official"] for r in rows if r["name_official"])})
    return short, names


def to_iso3(name: str) -> str:
    """The ISO3 code of a country named any common way.

    Raises
    ------
    CountryNameError
        When the name is ambiguous or unknown; the message lists the nearest real names.

    Examples
    --------
    >>> [to_iso3(n) for n in ["South Korea", "Republic of Korea", "Korea, Rep.", "Korea, South"]]
    ['KOR', 'KOR', 'KOR', 'KOR']
    >>> [to_iso3(n) for n in ["US", "USA", "United States", "United States of America"]]
    ['USA', 'USA', 'USA', 'USA']
    >>> [to_iso3(n) for n in ["UK", "Britain", "Turkey", "Türkiye", "Russia", "Taiwan", "jpn"]]
    ['GBR', 'GBR', 'TUR', 'TUR', 'RUS', 'TWN', 'JPN']
    >>> to_iso3("Korea")
    Traceback (most recent call last):
    ...
    defbudget.countries.CountryNameError: 'Korea' names more than one country: ...
    >>> to_iso3("Japn")
    Traceback (most recent call last):
    ...
    defbudget.countries.CountryNameError: unknown country 'Japn'. Nearest names: 'Japan'...
    """
    if not isinstance(name, str) or not name.strip():
        raise CountryNameError(f"a country is named by a non-empty string (a name or an ISO3 "
                               f"code); you passed {name!r}.")
    return _to_iso3(_key(name), name.strip())


@functools.lru_cache(maxsize=4096)  # names come from users: bounded
def _to_iso3(key: str, name: str) -> str:
    from defbudget.readers._countries import ISO3_OVERRIDES, _converter, _exact_names

    short, names = _table()
    if key in AMBIGUOUS:
        raise CountryNameError(f"{name!r} names more than one country: "
                               f"{', '.join(map(repr, AMBIGUOUS[key]))}. Say which.")
    if len(key) == 3 and key.upper() in short:
        return key.upper()
    if key in _ALIASES:
        return _ALIASES[key]
    overrides = {_key(k): v for k, v in ISO3_OVERRIDES.items()}
    if key in overrides:
        if overrides[key] is None:
            raise CountryNameError(f"{name!r} has no ISO3 code (a state that no longer "
                                   "exists, or an aggregate); select it by its exact name.")
        return overrides[key]
    exact = _exact_names().get(" ".join(name.split()))
    if exact is not None:  # as country_converter's table writes it: no regex needed
        return exact
    log = logging.getLogger("country_converter")
    level = log.level
    log.setLevel(logging.CRITICAL)  # unmatched names are reported below, with suggestions
    try:
        code = _converter().convert(name, to="ISO3", not_found=None)
    finally:
        log.setLevel(level)
    if isinstance(code, list):
        found = sorted({short.get(c, c) for c in code if isinstance(c, str)})
        raise CountryNameError(f"{name!r} names more than one country: "
                               f"{', '.join(map(repr, found))}. Say which.")
    if isinstance(code, str) and code in short:
        return code
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.6)
    close += [n for n in names if key in n.casefold() and n not in close]
    hint = (f" Nearest names: {', '.join(map(repr, close[:5]))}." if close
            else " Use the English name or the ISO3 code (e.g. 'JPN').")
    raise CountryNameError(f"unknown country {name!r}.{hint}")


def with_display_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of *frame* whose ``country`` is the display name wherever ``iso3`` is known
    (SIPRI's 'Korea, South' and GMSD's 'Turkey' become 'South Korea' and 'Türkiye'); rows
    without an ISO3 code (totals, states that no longer exist) keep their names.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"country": ["Korea, South", "World"], "iso3": ["KOR", None]})
    >>> with_display_names(f)["country"].tolist()
    ['South Korea', 'World']
    """
    import pandas as pd

    if frame.empty or "iso3" not in frame.columns or "country" not in frame.columns:
        return frame
    pairs = frame.loc[frame["iso3"].notna(), ["country", "iso3"]].drop_duplicates()
    rename = display_renames(pairs["country"].tolist(), pairs["iso3"].tolist())
    if not rename:
        return frame
    frame = frame.copy()
    column = frame["country"]
    if isinstance(column.dtype, pd.StringDtype):  # rename each distinct name once (fast)
        codes, names = pd.factorize(column)
        renamed = pd.array([rename.get(n, n) for n in names], dtype=column.dtype)
        frame["country"] = pd.Series(renamed.take(codes, allow_fill=True), index=frame.index,
                                     name="country")
    else:
        frame["country"] = column.replace(rename)
    return frame


def display_renames(names: Iterable[str], iso3s: Iterable[object]) -> dict[str, str]:
    """Name → display name, for each (name, ISO3 code) pair whose code has a display name
    other than the name (a pair without a code is left out; a name given twice takes its
    last pair's). What :func:`with_display_names` applies, for a reader that has the pairs.

    Examples
    --------
    >>> display_renames(["Korea, South", "World", "Japan"], ["KOR", None, "JPN"])
    {'Korea, South': 'South Korea'}
    """
    short, _ = _table()
    return {c: short[i] for c, i in zip(names, iso3s, strict=True)
            if isinstance(i, str) and i in short and short[i] != c}


def display_name(name: str) -> str:
    """The one short name printed for a country (by ISO3 code or any name :func:`to_iso3`
    accepts); names that are not a country (``"World"``, ``"USSR"``) come back unchanged.

    Examples
    --------
    >>> [display_name(n) for n in ["Korea, South", "United States of America", "CHN", "USSR"]]
    ['South Korea', 'United States', 'China', 'USSR']
    """
    short, _ = _table()
    try:
        return short[to_iso3(name)]
    except CountryNameError:
        return name

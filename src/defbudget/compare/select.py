"""Picking rows: :func:`select`, the country matcher, and setting aside unreliable countries.

The country matcher (:func:`_resolve_country`) is the one the whole kit uses to name a
country: the frame's own display name or ISO3 code, case-insensitively, or any name
:func:`defbudget.countries.to_iso3` knows ('South Korea', 'US', 'Turkey'); an unknown name
raises :class:`UnknownCountryError` with the closest names of the frame.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, TypeAlias

import pandas as pd

from defbudget.compare._frame import _require
from defbudget.errors import MissingColumnError, UnknownNameError

#: One series of a frame: a country (name or ISO3), or a mapping of column to value.
Selection: TypeAlias = str | Mapping[str, object]


class UnknownCountryError(UnknownNameError):
    """A country or group member named by the caller is not in the frame."""


# Raised to users as defbudget.compare.UnknownCountryError (its public home, as before).
UnknownCountryError.__module__ = "defbudget.compare"


def _country_names(frame: pd.DataFrame) -> list[str]:
    names = frame["country"].dropna().astype(str).unique().tolist()
    codes = (frame["iso3"].dropna().astype(str).unique().tolist() if "iso3" in frame.columns
             else [])
    return sorted(set(names) | set(codes))


def _resolve_country(frame: pd.DataFrame, name: str) -> pd.Series:
    """Boolean mask of rows whose country is *name*: the frame's own name or ISO3 code
    (case-insensitive), or any name :func:`defbudget.countries.to_iso3` resolves."""
    from defbudget.countries import CountryNameError, to_iso3

    if not isinstance(name, str):
        raise TypeError(f"a country is named by a string (name or ISO3 code); you passed "
                        f"{name!r}.")
    key = name.strip().casefold()
    country = frame["country"].astype(object)
    iso3 = (frame["iso3"].astype(object) if "iso3" in frame.columns
            else pd.Series(None, index=frame.index, dtype=object))
    mask = (country.map(lambda v: isinstance(v, str) and v.casefold() == key)
            | iso3.map(lambda v: isinstance(v, str) and v.casefold() == key)).astype(bool)
    if mask.any():
        return mask
    try:
        code = to_iso3(name)
    except CountryNameError as err:
        known = _country_names(frame)
        close = difflib.get_close_matches(name, known, n=5, cutoff=0.6)
        close += [k for k in known if key and key in k.casefold() and k not in close][:5]
        hint = (f" Did you mean: {', '.join(repr(c) for c in close[:5])}?" if close
                else f" The frame has {len(known)} names/codes, e.g. "
                     f"{', '.join(known[:5])}.")
        raise UnknownCountryError(f"{err} No row of this frame has that country name or "
                                  f"ISO3 code.{hint}") from None
    mask = iso3.map(lambda v: isinstance(v, str) and v.upper() == code).astype(bool)
    if not mask.any():
        names = country.dropna().unique()
        codes: dict[str, str | None] = {}
        for n in names:
            try:
                codes[n] = to_iso3(n)
            except CountryNameError:
                codes[n] = None
        mask = country.map(lambda v: codes.get(v) == code).astype(bool)
    if not mask.any():
        held = sorted(map(str, country.dropna().unique()))
        raise UnknownCountryError(f"country {name!r} ({code}) has no row in this frame; it "
                                  f"holds {len(held)} countries, e.g. {', '.join(held[:6])}.")
    return mask


def select(frame: pd.DataFrame, **criteria: Any) -> pd.DataFrame:
    """Rows whose columns equal the given values; unknown values raise with close matches.

    Parameters
    ----------
    frame
        A tidy frame.
    **criteria
        ``column=value`` or ``column=[value, ...]``. ``country`` accepts display names or
        ISO3 codes, case-insensitively.

    Returns
    -------
    pandas.DataFrame
        A copy of the matching rows, units and price basis unchanged.

    Raises
    ------
    UnknownCountryError
        A country is not in the frame (the message lists the closest names).
    ValueError
        Another column has no row with that value (the message lists close values).

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> f = cmp._example_frame()
    >>> cmp.select(f, country="jpn", year=[2022, 2023])[["country", "year", "value"]]
      country  year         value
    0   Japan  2022  5.400500e+12
    1   Japan  2023  6.821900e+12
    >>> cmp.select(f, country="Japn")
    Traceback (most recent call last):
    ...
    defbudget.compare.UnknownCountryError: unknown country 'Japn'. ... Did you mean: 'Japan'?
    """
    _require(frame, "compare.select", ())
    mask = pd.Series(True, index=frame.index)
    for col, wanted in criteria.items():
        if col not in frame.columns:
            close = difflib.get_close_matches(col, list(map(str, frame.columns)), n=3)
            raise MissingColumnError(
                f"select: no column {col!r}"
                + (f"; did you mean {', '.join(map(repr, close))}?" if close else "."),
                columns=[col])
        values = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        if col == "country":
            m = pd.Series(False, index=frame.index)
            for v in values:
                m |= _resolve_country(frame, v)
        else:
            m = frame[col].isin(values)
            present = set(frame[col].dropna().tolist())
            absent = [v for v in values if v not in present]
            if absent:
                close = difflib.get_close_matches(str(absent[0]), [str(p) for p in present],
                                                  n=5, cutoff=0.5)
                raise UnknownNameError(
                    f"select: no row has {col} == {absent[0]!r}."
                    + (f" Close values: {', '.join(map(repr, close))}." if close else
                       f" Values present: {', '.join(map(repr, sorted(map(str, present))[:8]))}"
                       + ("…" if len(present) > 8 else "") + "."))
        mask &= m
    return frame[mask].copy().reset_index(drop=True)


def split_unreliable_countries(frame: pd.DataFrame, *, flag: str = "highly_uncertain",
                               ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Set aside countries whose *every* row carries ``flag``.

    A whole series flagged ``highly_uncertain`` (GMSD's Taiwan and Syria, ~90% of GDP in every
    year) would top any ranking and flatten every other line of a chart. Single flagged years
    (SIPRI's red figures) are kept: only countries flagged throughout are set aside.

    Returns
    -------
    (kept, set_aside)
        ``kept`` is a copy of the other rows; ``set_aside`` maps each country left out to the
        first non-empty ``note`` of its rows (or the flag), for the caller to print.

    Examples
    --------
    >>> f = pd.DataFrame({"country": ["A", "A", "B"], "value": [0.9, 0.95, 0.02],
    ...                   "flag": ["highly_uncertain", "highly_uncertain", "estimate"],
    ...                   "note": ["implausible level", "", ""]})
    >>> kept, aside = split_unreliable_countries(f)
    >>> list(kept["country"]), aside
    (['B'], {'A': 'implausible level'})
    """
    _require(frame, "split_unreliable_countries", ["country", "flag"])
    flagged = frame["flag"].eq(flag).groupby(frame["country"]).transform("all")
    set_aside = {}
    for country, rows in frame[flagged].groupby("country", sort=True):
        notes = rows["note"].dropna().astype(str) if "note" in rows else pd.Series(dtype=str)
        notes = notes[notes.str.len() > 0]
        set_aside[str(country)] = notes.iloc[0] if len(notes) else flag
    return frame[~flagged].copy(), set_aside

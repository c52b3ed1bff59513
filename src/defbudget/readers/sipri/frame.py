"""Columns of the tidy frame, built per sheet as compact pieces (one value per part or per
country, repeated only once, in :func:`_frame`), and the one overlap between sheets removed.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from defbudget.errors import find_stack_level
from defbudget.readers.sipri._errors import SipriDuplicateWarning
from defbudget.readers.sipri.layout import SheetKind
from defbudget.readers.sipri.values import _Context

__all__ = ["BASIS"]

#: A sheet's columns: arrays, or compact pieces expanded by :func:`_frame`.
Columns = dict[str, Any]

#: The ``basis`` of SIPRI rows: SIPRI's definition of military expenditure.
BASIS = "sipri"


class _ConcatParts(list):
    """Pieces of one column of a sheet that is itself made of several parts."""


def _flatten(piece) -> list:
    return list(piece) if isinstance(piece, _ConcatParts) else [piece]


class _Const:
    """A column that holds one value for all *n* rows of a part (expanded in _frame)."""

    __slots__ = ("n", "value")

    def __init__(self, value, n: int):
        self.value, self.n = value, n


class _PerEntity:
    """A column holding one value per entity, repeated for each of its years."""

    __slots__ = ("repeat", "values")

    def __init__(self, values, repeat: int):
        self.values, self.repeat = values, repeat


def _assemble(entities, years, values, flags, kind: SheetKind, ctx: _Context, iso3, *,
              unit=None, period=None, fy_start=None, price_basis=None, base_year=None,
              symbols=None, footnotes=None, notes=None, currency_name=None,
              fy_convention=None) -> dict:
    ne, ny = len(entities), len(years)
    n = ne * ny

    def per_entity(seq):
        return _PerEntity(seq, ny)

    def const(v):
        return _Const(v, n)

    adopted = [bool(s) and "adopted_budget" in s for s in (symbols or [None] * ne)]
    stage = (const(None) if kind.short == "regional" else
             per_entity(["enacted" if a else "actual" for a in adopted]))
    return {
        "country": per_entity([e.name for e in entities]),
        "iso3": per_entity([iso3.get(e.name) for e in entities]),
        "year": np.tile(np.asarray(years, dtype=np.int64), ne),
        "period": const(period or kind.period),
        "fy_start_month": (fy_start if fy_start is not None else const(1)),
        "measure": const(kind.measure),
        "basis": const(BASIS),
        "value": values,
        "unit": unit if unit is not None else const(kind.unit),
        "price_basis": const(price_basis or kind.price_basis),
        "base_year": const(base_year),
        "stage": stage,
        "flag": flags,
        "source": const(ctx.source),
        "region": per_entity([e.region for e in entities]),
        "subregion": per_entity([e.subregion for e in entities]),
        "currency_name": (per_entity(currency_name) if currency_name is not None
                          else const(None)),
        "note": per_entity(notes) if notes is not None else const(None),
        "footnotes": per_entity(footnotes) if footnotes is not None else const(None),
        "symbols": per_entity(symbols) if symbols is not None else const(None),
        "fy_convention": (per_entity(fy_convention) if fy_convention is not None
                          else const(None)),
        "_sheet": const(kind.short),
    }


def _column(pieces: list) -> np.ndarray:
    """Concatenate the pieces of one column (arrays, _Const and _PerEntity) into one array."""
    small, counts = [], []
    if all(isinstance(p, (_Const, _PerEntity)) for p in pieces):
        for p in pieces:
            if isinstance(p, _Const):
                small.append(p.value)
                counts.append(p.n)
            else:
                small.extend(p.values)
                counts.extend([p.repeat] * len(p.values))
        arr = np.empty(len(small), dtype=object)
        arr[:] = small
        return np.repeat(arr, counts)
    out = []
    for p in pieces:
        if isinstance(p, _Const):
            out.append(np.full(p.n, p.value, dtype=object if not isinstance(p.value, int)
                               else np.int64))
        elif isinstance(p, _PerEntity):
            arr = np.empty(len(p.values), dtype=object)
            arr[:] = p.values
            out.append(np.repeat(arr, p.repeat))
        else:
            out.append(p)
    return np.concatenate(out)


_STR_COLUMNS = ("country", "iso3", "period", "measure", "basis", "unit", "price_basis",
                "stage", "flag", "source", "region", "subregion", "currency_name", "note",
                "footnotes", "symbols", "fy_convention")


def _frame(parts: list[dict]) -> pd.DataFrame:
    cols = {c: _column([q for p in parts for q in _flatten(p[c])]) for c in parts[0]}
    keep = _drop_usd_duplicates(cols)
    if keep is not None:
        cols = {c: arr[keep] for c, arr in cols.items()}
    string = pd.StringDtype(na_value=np.nan)
    data = {}
    for c, arr in cols.items():
        if c == "_sheet":
            continue
        if c in _STR_COLUMNS:
            data[c] = pd.array(arr, dtype=string)
        elif c == "base_year":
            data[c] = pd.array(arr, dtype="Int64")
        elif c in ("year", "fy_start_month"):
            data[c] = arr.astype(np.int64)
        else:
            data[c] = arr.astype(np.float64)
    return pd.DataFrame(data)


def _drop_usd_duplicates(cols: dict[str, np.ndarray]) -> np.ndarray | None:
    """Mask dropping local-currency calendar-year rows of US-dollar countries that repeat a
    Current US$ row (same country, year, unit USD, current prices, CY).

    SIPRI prints the same figure on both sheets for the United States, Ecuador, El Salvador,
    Somalia, Timor-Leste and (to 2018) Zimbabwe; the tidy frame holds it once, from the
    Current US$ sheet. Should the two ever differ, a :class:`SipriDuplicateWarning` says so.
    """
    sheet = cols["_sheet"]
    lcu = (sheet == "lcu_cy") & (cols["unit"] == "USD")
    if not lcu.any() or not (sheet == "current_usd").any():
        return None
    usd = np.flatnonzero(sheet == "current_usd")
    index = {(cols["country"][k], int(cols["year"][k])): k for k in usd}
    keep = np.ones(len(sheet), dtype=bool)
    for k in np.flatnonzero(lcu):
        twin = index.get((cols["country"][k], int(cols["year"][k])))
        if twin is None:
            continue
        keep[k] = False
        a, b = cols["value"][k], cols["value"][twin]
        same = (np.isnan(a) and np.isnan(b)) or (abs(a - b) <= 1e-9 * max(abs(a), abs(b)))
        if not same or cols["flag"][k] != cols["flag"][twin]:
            warnings.warn(
                f"{cols['country'][k]} {int(cols['year'][k])}: the local-currency (US$) "
                f"figure {a!r} ({cols['flag'][k]}) differs from the Current US$ figure {b!r} "
                f"({cols['flag'][twin]}); keeping the Current US$ one.",
                SipriDuplicateWarning, stacklevel=find_stack_level())
    return keep

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
from defbudget.readers.sipri.values import FLAG_VALUES, _Context

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


class _Codes:
    """A column holding, per row, the code of its value among a few *values* (e.g. the
    flags, :data:`~defbudget.readers.sipri.values.FLAG_VALUES`)."""

    __slots__ = ("codes", "values")

    def __init__(self, values, codes: np.ndarray):
        self.values, self.codes = values, codes


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
        "flag": _Codes(FLAG_VALUES, flags),
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


#: Each text column's values as built (object array), and each row's position among them
#: (None: one value per row; kept for :data:`_POSITIONS_KEPT` only), from
#: :func:`_frame_and_values`.
Built = tuple[dict[str, np.ndarray], dict[str, np.ndarray | None]]
#: The columns whose row positions :func:`_frame_and_values` returns (display names).
_POSITIONS_KEPT = ("country", "iso3")


def _frame(parts: list[dict]) -> pd.DataFrame:
    """The tidy frame of the sheets' columns (*parts*, one dict per sheet); see
    :func:`_frame_and_values`."""
    return _frame_and_values(parts)[0]


def _frame_and_values(parts: list[dict]) -> tuple[pd.DataFrame, Built]:
    """The tidy frame of the sheets' columns (*parts*, one dict per sheet), and for each text
    column the values it was built from and each row's position among them (every value
    the column holds is among them: the schema checks those instead of a pass over the
    rows, :class:`defbudget.schema._Distinct`; display names are given per value).

    Each column is kept as its pieces' values and, per row, the position of its value
    (:func:`_coded`): a country's name is one Python object however many years it has, and
    a string column is validated once per value, not once per row. The local-currency rows
    that repeat a Current US$ row are dropped (:func:`_drop_usd_duplicates`) by dropping
    their positions."""
    pieces = {c: [q for p in parts for q in _flatten(p[c])] for c in parts[0]}
    sheet = _sheet_codes(pieces.pop("_sheet"))
    numbers = {c: _column(pieces[c]) for c in _NUMBER_COLUMNS}
    coded = {c: _coded(ps) for c, ps in pieces.items() if c not in _NUMBER_COLUMNS}
    keep = _drop_usd_duplicates(coded, numbers, sheet)
    rows = None if keep is None else np.flatnonzero(keep)
    string = pd.StringDtype(na_value=np.nan)
    data: dict[str, Any] = {}
    known: dict[str, np.ndarray] = {}
    positions: dict[str, np.ndarray | None] = {}
    for c in pieces:
        if c in _NUMBER_COLUMNS:
            arr = numbers[c] if rows is None else numbers[c].take(rows)
            data[c] = arr.astype(_NUMBER_COLUMNS[c], copy=False)
            continue
        small, codes = coded[c]
        if rows is not None:  # positions of the rows kept (or the rows kept themselves)
            codes = rows if codes is None else codes.take(rows)
        if c in _STR_COLUMNS:
            column = pd.array(small, dtype=string)
            known[c] = small
            if c in _POSITIONS_KEPT:  # only these: keeping every column's costs page faults
                positions[c] = codes
        else:
            column = _int_na(small)
        data[c] = column if codes is None else column.take(codes)
    # every array is new: no copy needed
    return pd.DataFrame(data, copy=False), (known, positions)


#: Columns built as plain numpy arrays, with their dtype.
_NUMBER_COLUMNS = {"year": np.int64, "fy_start_month": np.int64, "value": np.float64}


def _coded(pieces: list) -> tuple[np.ndarray, np.ndarray | None]:
    """One column as values (object array) and, per row, the position of its value there: a
    :class:`_Const` is one value for its *n* rows, a :class:`_PerEntity` one value per entity
    for each of its years, a :class:`_Codes` a few values and each row's code among them, an
    array one value per row. Positions None: one value per row."""
    if not any(isinstance(p, (_Const, _PerEntity, _Codes)) for p in pieces):
        return np.concatenate(pieces), None
    chunks: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    offset = 0
    for p in pieces:
        if isinstance(p, _Const):
            chunk = np.empty(1, dtype=object)
            chunk[0] = p.value
            codes.append(np.full(p.n, offset))
        elif isinstance(p, _PerEntity):
            chunk = np.empty(len(p.values), dtype=object)
            chunk[:] = p.values
            codes.append(np.repeat(np.arange(offset, offset + len(chunk)), p.repeat))
        elif isinstance(p, _Codes):
            chunk = np.empty(len(p.values), dtype=object)
            chunk[:] = p.values
            codes.append(p.codes.astype(np.int64) + offset)
        else:
            chunk = np.asarray(p, dtype=object)
            codes.append(np.arange(offset, offset + len(chunk)))
        chunks.append(chunk)
        offset += len(chunk)
    return np.concatenate(chunks), np.concatenate(codes)


def _int_na(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``Int64`` array of *values* (ints and None)."""
    mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    ints = np.fromiter((0 if v is None else int(v) for v in values), dtype=np.int64,
                       count=len(values))
    return pd.arrays.IntegerArray(ints, mask)


#: Sheet kinds in the order of their codes in :func:`_sheet_codes`.
_SHEET_ORDER = ("constant_usd", "current_usd", "lcu_fy", "lcu_cy", "share_gdp", "per_capita",
                "share_govt", "regional")


def _sheet_codes(pieces: list) -> np.ndarray:
    """The ``_sheet`` column (one :class:`_Const` per part) as small integer codes of
    :data:`_SHEET_ORDER`, compared without touching a Python object per row."""
    codes = np.asarray([_SHEET_ORDER.index(p.value) for p in pieces], dtype=np.int8)
    return np.repeat(codes, [p.n for p in pieces])


def _drop_usd_duplicates(coded: dict[str, tuple[np.ndarray, np.ndarray | None]],
                         numbers: dict[str, np.ndarray], sheet: np.ndarray
                         ) -> np.ndarray | None:
    """Mask dropping local-currency calendar-year rows of US-dollar countries that repeat a
    Current US$ row (same country, year, unit USD, current prices, CY).

    SIPRI prints the same figure on both sheets for the United States, Ecuador, El Salvador,
    Somalia, Timor-Leste and (to 2018) Zimbabwe; the tidy frame holds it once, from the
    Current US$ sheet. Should the two ever differ, a :class:`SipriDuplicateWarning` says so.
    *coded* holds the text columns (:func:`_coded`), *numbers* the numeric ones, *sheet*
    the codes of :func:`_sheet_codes`.
    """
    def at(column: str, rows: np.ndarray) -> np.ndarray:
        if column in numbers:
            return numbers[column][rows]
        small, codes = coded[column]
        return small[rows] if codes is None else small[codes[rows]]

    lcu = np.flatnonzero(sheet == _SHEET_ORDER.index("lcu_cy"))
    lcu = lcu[at("unit", lcu) == "USD"]
    usd = np.flatnonzero(sheet == _SHEET_ORDER.index("current_usd"))
    if not lcu.size or not usd.size:
        return None
    # (country, year) as one integer per row: the country's number among the column's
    # distinct names, times the span of the years, plus the year's offset in it
    small, codes = coded["country"]
    ids = pd.factorize(small)[0].astype(np.int64)
    year = numbers["year"].astype(np.int64)
    first, span = int(year.min()), int(year.max() - year.min()) + 1

    def key(rows: np.ndarray) -> np.ndarray:
        names = ids[rows] if codes is None else ids[codes[rows]]
        return names * span + (year[rows] - first)

    index = pd.Index(key(usd))
    if index.is_unique:  # each (country, year) once on a sheet: names are checked unique
        twin = index.get_indexer(key(lcu))
    else:  # the last row of a key wins, as in a dict
        last = {k: i for i, k in enumerate(index.tolist())}
        twin = np.array([last.get(k, -1) for k in key(lcu).tolist()], dtype=np.intp)
    found = twin >= 0
    dropped, twins = lcu[found], usd[twin[found]]
    keep = np.ones(len(sheet), dtype=bool)
    keep[dropped] = False
    a, b = numbers["value"][dropped], numbers["value"][twins]
    fa, fb = at("flag", dropped), at("flag", twins)
    with np.errstate(invalid="ignore"):
        same = ((np.isnan(a) & np.isnan(b))
                | (np.abs(a - b) <= 1e-9 * np.maximum(np.abs(a), np.abs(b))))
    for j in np.flatnonzero(~same | (fa != fb)).tolist():
        country, yr = at("country", dropped[j:j + 1])[0], int(year[dropped[j]])
        warnings.warn(
            f"{country} {yr}: the local-currency (US$) figure {float(a[j])!r} ({fa[j]}) "
            f"differs from the Current US$ figure {float(b[j])!r} ({fb[j]}); keeping the "
            "Current US$ one.", SipriDuplicateWarning, stacklevel=find_stack_level())
    return keep

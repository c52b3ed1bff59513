"""The value cells of a sheet: numbers and SIPRI's markers, their font-colour flags, the
notes of each row, and the checks on every figure (finite, non-negative, plausible).
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from defbudget._xlsx import cell_problem, cell_ref
from defbudget.errors import find_stack_level
from defbudget.readers._xlsx_styles import ESTIMATE, HIGHLY_UNCERTAIN, FlagCells
from defbudget.readers.sipri._errors import SipriFormatError, SipriNoteWarning
from defbudget.readers.sipri.grammar import (
    _MARKER_FLAG,
    NOT_INDEPENDENT,
    SYMBOLS,
    UNAVAILABLE,
    _notes_of,
    _text,
)
from defbudget.readers.sipri.layout import NOTES_LABEL, SheetKind, _Entity, _Header

__all__: list[str] = []

@dataclass
class _Context:
    path: Path
    source: str
    footnotes: dict[str, str]
    fonts: Mapping[tuple[int, int], str]
    base_year: int | None = None
    xml: bytes | None = None  # the sheet's XML, to say why a cell reads as empty
    header: _Header | None = None  # the header row, when already found (by _edition)



#: The flags a value cell can get, in the order of their codes (0: none), as
#: :func:`_values` gives them.
FLAG_VALUES = (None, UNAVAILABLE, NOT_INDEPENDENT, ESTIMATE, HIGHLY_UNCERTAIN)
_CODE = {flag: i for i, flag in enumerate(FLAG_VALUES)}
#: A SIPRI marker → the code of its flag.
_MARKER_CODE = {marker: _CODE[flag] for marker, flag in _MARKER_FLAG.items()}
_BAD = -1


def _values(rows: list[list], header: _Header, entities: list[_Entity], cols: list[int],
            ctx: _Context, sheet: str) -> tuple[np.ndarray, np.ndarray]:
    """Values (float, before scaling) and flags of the block entities × cols, the flags as
    codes (int8) of :data:`FLAG_VALUES`.

    A cell holds a number (float; an int is taken as one) or a SIPRI marker (its flag);
    anything else is refused by :func:`_refuse_cell`, the first in reading order. Then every
    number must be finite and non-negative (:func:`_check_numbers`), and a number in blue or
    red font gets its flag. Each step runs over the whole block in C (maps, numpy), with
    Python code only for the cells that are neither a float nor a marker."""
    cells = _block(rows, entities, cols)
    n = len(cells)
    is_float = np.fromiter(map(operator.is_, map(type, cells), repeat(float)), dtype=bool,
                           count=n)
    values = np.full(n, np.nan)
    values[is_float] = cells[is_float].astype(float)
    other = np.flatnonzero(~is_float)
    other_codes = np.fromiter(map(_MARKER_CODE.get, cells[other].tolist(), repeat(_BAD)),
                              dtype=np.int8, count=len(other))
    for pos in np.flatnonzero(other_codes == _BAD).tolist():
        k = int(other[pos])
        v = cells[k]
        if v.__class__ is int:
            values[k] = float(v)
            is_float[k] = True  # a number: flagged only by its font colour
            other_codes[pos] = 0
            continue
        flag = _MARKER_FLAG.get(" ".join(v.split())) if isinstance(v, str) else None
        if flag is None:
            _refuse_cell(v, entities[k // len(cols)], cols[k % len(cols)], ctx, sheet)
        other_codes[pos] = _CODE[flag]
    flags = np.zeros(n, dtype=np.int8)
    flags[other] = other_codes
    _check_numbers(values, is_float, entities, cols, ctx, sheet)
    if ctx.fonts:
        _font_flags(flags, values, is_float, entities, cols, ctx.fonts)
    return values, flags


def _block(rows: list[list], entities: list[_Entity], cols: list[int]) -> np.ndarray:
    """The cells entities × cols, row by row, as one object array ('' beyond a short row)."""
    first, last = cols[0], cols[-1] + 1
    picked = [rows[e.row] for e in entities]
    if cols == list(range(first, last)) and all(len(r) >= last for r in picked):
        flat = list(chain.from_iterable(r[first:last] for r in picked))
    else:
        flat = [row[j] if j < len(row) else "" for row in picked for j in cols]
    cells = np.empty(len(flat), dtype=object)
    cells[:] = flat
    return cells


def _refuse_cell(v: object, e: _Entity, j: int, ctx: _Context, sheet: str) -> NoReturn:
    """The error for a value cell holding neither a number nor a SIPRI marker."""
    if v is None or (isinstance(v, str) and not v.strip()):
        why = cell_problem(ctx.xml, cell_ref(e.row, j))
        if why is not None:
            raise SipriFormatError(
                f"the value cell of {e.name} holds {why}; expected a figure or a SIPRI "
                "marker ('...', '. .', 'xxx'). Open the workbook in Excel, let it "
                "calculate, and save it; or restore the cell from the original SIPRI "
                "download.", path=ctx.path, sheet=sheet, cell=cell_ref(e.row, j))
        raise SipriFormatError(
            f"the value cell of {e.name} is empty; SIPRI marks every missing figure "
            "('...' or '. .' unavailable, 'xxx' not independent), so an empty cell is "
            "a deleted figure. Restore the cell from the original SIPRI download (or type "
            "'...' if the figure is really unavailable).", path=ctx.path, sheet=sheet,
            cell=cell_ref(e.row, j))
    raise SipriFormatError(
        f"found {v!r} in the value cell of {e.name} where a number or a SIPRI marker "
        "was expected (a number, '...' or '. .' for unavailable, 'xxx' for not "
        "independent). Restore the cell from the original SIPRI download.",
        path=ctx.path, sheet=sheet, cell=cell_ref(e.row, j))


def _font_flags(flags: np.ndarray, values: np.ndarray, is_number: np.ndarray,
                entities: list[_Entity], cols: list[int], fonts: Mapping) -> None:
    """Give the numbers in blue or red font (*fonts*: (row, col) → flag, or the same as
    arrays, :class:`~defbudget.readers._xlsx_styles.FlagCells`) their flag's code in
    *flags*, in place; markers keep theirs and NaN gets none."""
    if isinstance(fonts, FlagCells):
        rows, columns, colour = fonts.rows, fonts.cols, fonts.flags
    else:
        cells = np.asarray(list(fonts), dtype=np.int64).reshape(-1, 2)
        rows, columns = cells[:, 0], cells[:, 1]
        colour = np.asarray(list(fonts.values()), dtype=object)
    if not len(rows):
        return
    codes = np.fromiter(map(_CODE.__getitem__, colour.tolist()), dtype=np.int8,
                        count=len(colour))
    row_pos = np.full(max(int(rows.max()), entities[-1].row if entities else 0) + 1, -1)
    row_pos[[e.row for e in entities]] = np.arange(len(entities))
    col_pos = np.full(max(int(columns.max()), cols[-1]) + 1, -1)
    col_pos[cols] = np.arange(len(cols))
    rr, cc = row_pos[rows], col_pos[columns]
    inside = (rr >= 0) & (cc >= 0)
    k = rr[inside] * len(cols) + cc[inside]
    take = is_number[k] & ~np.isnan(values[k])
    flags[k[take]] = codes[inside][take]


def _check_numbers(values: np.ndarray, is_number: np.ndarray | None, entities: list[_Entity],
                   cols: list[int], ctx: _Context, sheet: str, *,
                   scaled: float | None = None) -> None:
    """Refuse a value cell holding a non-finite number (NaN, inf, or a number that overflows
    once scaled to whole units) or a negative one, naming the cell. *is_number* marks the
    cells that hold a number (not a marker); None for scaled values, where NaN marks a
    marker and only an overflow is looked for."""
    if is_number is None:  # scaled values: NaN marks a SIPRI marker, negatives are refused
        bad = np.isinf(values)
    else:
        with np.errstate(invalid="ignore"):
            bad = (~np.isfinite(values) | (values < 0)) & is_number
    if not bad.any():
        return
    k = int(np.flatnonzero(bad)[0])
    ncols = len(cols)
    e, j = entities[k // ncols], cols[k % ncols]
    v = float(values[k])
    if scaled is not None:
        what = (f"a figure that overflows to {v!r} once scaled to whole units (x {scaled:g})"
                if not np.isfinite(v) else f"a negative figure ({v!r})")
    elif np.isnan(v):
        what = "a number that is not a number (NaN)"
    elif np.isinf(v):
        what = f"an infinite number ({v!r})"
    else:
        what = f"a negative figure ({v!r}): spending and shares cannot be below zero"
    raise SipriFormatError(
        f"the value cell of {e.name} holds {what}; expected a finite, non-negative figure or a "
        "SIPRI marker ('...', '. .', 'xxx'). Restore the cell from the original SIPRI "
        "download.", path=ctx.path, sheet=sheet, cell=cell_ref(e.row, j))


def _entity_notes(rows, header: _Header, entities, ctx: _Context, sheet: str):
    """Per entity: symbols, footnote numbers and note text."""
    col = header.labels.get(NOTES_LABEL)
    if col is None:  # no Notes column: nothing to parse
        return [None] * len(entities), [None] * len(entities), [None] * len(entities)
    symbols: list[str | None] = []
    footnotes: list[str | None] = []
    notes: list[str | None] = []
    for e in entities:
        cell = rows[e.row][col]
        syms, nums, rest = _notes_of(cell)
        texts = []
        for num in nums:
            text = ctx.footnotes.get(num)
            if text is None and ctx.footnotes:
                warnings.warn(f"{ctx.path.name}, sheet {sheet!r}, cell "
                              f"{cell_ref(e.row, col)}: footnote {num} is not in the "
                              "Footnotes sheet.", SipriNoteWarning, stacklevel=find_stack_level())
            elif text is not None:
                texts.append(text)
        if rest:
            warnings.warn(f"{ctx.path.name}, sheet {sheet!r}, cell {cell_ref(e.row, col)}: "
                          f"unexpected text {rest!r} in Notes (expected symbols "
                          f"{''.join(SYMBOLS)} and footnote numbers); kept in 'note'.",
                          SipriNoteWarning, stacklevel=find_stack_level())
            texts.append(f"Notes cell: {_text(cell)}")
        symbols.append(",".join(syms) or None)
        footnotes.append(",".join(nums) or None)
        notes.append("\n".join(texts) or None)
    return symbols, footnotes, notes


def _check_plausible(values: np.ndarray, entities, header: _Header, kind: SheetKind,
                     ctx: _Context, sheet: str, iso3: dict) -> None:
    """:func:`defbudget.sanity.sanity_check` on the values it would flag (shares above their
    limit, US$ above the world's spending), with its allow-list of documented outliers."""
    from defbudget.sanity import _SHARE_MEASURES, MAX_MONEY_USD, SanityError, sanity_check

    limit = _SHARE_MEASURES.get(kind.measure)
    if limit is None and kind.unit != "USD":
        return
    with np.errstate(invalid="ignore"):
        bad = values > (limit if limit is not None else MAX_MONEY_USD)
    if not bad.any():
        return
    ny = len(header.years)
    ks = np.flatnonzero(bad)
    cells = [cell_ref(entities[k // ny].row, header.year_cols[k % ny]) for k in ks]
    frame = pd.DataFrame({
        "country": [entities[k // ny].name for k in ks],
        "iso3": [iso3.get(entities[k // ny].name) for k in ks],
        "year": [header.years[k % ny] for k in ks], "measure": kind.measure,
        "unit": kind.unit, "value": values[ks]}, index=cells)
    try:
        sanity_check(frame, name=f"{ctx.path.name}, sheet {sheet!r}")
    except SanityError as exc:
        raise SipriFormatError(
            f"{exc.rows['index'].iloc[0]} holds an implausible value: {exc}", path=ctx.path,
            sheet=sheet, cell=str(exc.rows["index"].iloc[0])) from None

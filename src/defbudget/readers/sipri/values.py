"""The value cells of a sheet: numbers and SIPRI's markers, their font-colour flags, the
notes of each row, and the checks on every figure (finite, non-negative, plausible).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from defbudget._xlsx import cell_problem, cell_ref
from defbudget.errors import find_stack_level
from defbudget.readers.sipri._errors import SipriFormatError, SipriNoteWarning
from defbudget.readers.sipri.grammar import _MARKER_FLAG, SYMBOLS, _text, parse_notes
from defbudget.readers.sipri.layout import NOTES_LABEL, SheetKind, _Entity, _Header

__all__: list[str] = []

@dataclass
class _Context:
    path: Path
    source: str
    footnotes: dict[str, str]
    fonts: dict[tuple[int, int], str]
    base_year: int | None = None
    xml: bytes | None = None  # the sheet's XML, to say why a cell reads as empty



_BAD = object()


def _values(rows, header: _Header, entities: list[_Entity], cols: list[int], ctx: _Context,
            sheet: str):
    """Values (float, before scaling) and flags of the block entities × cols."""
    flat = [row[j] if j < len(row) else "" for row in (rows[e.row] for e in entities)
            for j in cols]
    nan = np.nan
    values = np.array([v if v.__class__ is float else nan for v in flat], dtype=float)
    get = _MARKER_FLAG.get
    flag_list = [None if v.__class__ is float else (get(v, _BAD) if v.__class__ is str
                                                      else _BAD) for v in flat]
    ncols = len(cols)
    for k in [k for k, f in enumerate(flag_list) if f is _BAD]:
        v = flat[k]
        if v.__class__ is int:
            values[k] = float(v)
            flag_list[k] = None
            continue
        if isinstance(v, str):
            flag = get(" ".join(v.split()))
            if flag is not None:
                flag_list[k] = flag
                continue
        e, j = entities[k // ncols], cols[k % ncols]
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
            path=ctx.path, sheet=sheet,
            cell=cell_ref(e.row, j))
    _check_numbers(values, flag_list, entities, cols, ctx, sheet)
    if ctx.fonts:
        pos_row = {e.row: r for r, e in enumerate(entities)}
        pos_col = {j: c for c, j in enumerate(cols)}
        for (r, c), flag in ctx.fonts.items():
            rr = pos_row.get(r)
            cc = pos_col.get(c)
            if rr is not None and cc is not None:
                k = rr * ncols + cc
                if flag_list[k] is None and not np.isnan(values[k]):
                    flag_list[k] = flag
    flags = np.empty(len(flag_list), dtype=object)
    flags[:] = flag_list
    return values, flags


def _check_numbers(values: np.ndarray, flags: list | None, entities, cols: list[int], ctx: _Context,
                   sheet: str, *, scaled: float | None = None) -> None:
    """Refuse a value cell holding a non-finite number (NaN, inf, or a number that overflows
    once scaled to whole units) or a negative one, naming the cell."""
    if flags is None:  # scaled values: NaN marks a SIPRI marker, negatives are refused
        bad = np.isinf(values)
    else:
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(values) | (values < 0)
        bad &= np.fromiter((f is None for f in flags), dtype=bool, count=len(flags))
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
        syms, nums, rest = parse_notes(cell)
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

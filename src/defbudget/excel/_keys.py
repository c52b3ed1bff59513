"""The row key of format 3: a frame's low-cardinality columns stored as one integer per row.

A tidy frame repeats itself: in the SIPRI frame (79,268 rows x 22 columns) every column but
``year`` and ``value`` takes a few hundred values at most, and their combinations only 2,995.
Format 3 stores such columns together as one number cell per row, the *key*, an index into a
table of the combinations that ``_meta`` records once (``"coded"``: the columns' names, in
frame order; ``"table"``: one list per coded column, the value of key 0, 1, 2, ...). A
column constant over the frame costs nothing. The hidden ``_tidy`` sheet keeps one column
per remaining column, so the SIPRI sheet has 3 columns instead of 22; calamine parses a
seventh of the cells, and reading back costs a code lookup per coded column.

Which columns are coded (:func:`plan`): those whose values JSON keeps exactly (text, ints,
bools, and their nullable versions; missing as ``null``), taken greedily, text columns
first (a text cell costs most), each kind from the fewest distinct values up, each column
only if the combinations so far stay within a quarter of the rows and :data:`MAX_KEYS`.
Floats and ``object`` columns are never coded.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from defbudget.readers._common import SourceFormatError

#: Most combinations a key table holds (its JSON goes to ``_meta``).
MAX_KEYS = 50_000
#: Header of the key column in the hidden sheet.
KEY_HEADER = "key (table in _meta)"
_FIX = "The hidden sheets were edited; export the frames again with defbudget.to_excel."


def codable(spec: dict) -> bool:
    """Whether a column of this spec may be coded (JSON holds its values exactly)."""
    kind = spec["kind"]
    return kind in ("string", "int", "bool") or (
        kind == "masked" and not str(spec.get("dtype", "Float")).startswith("Float"))


def _factorize(series: pd.Series) -> tuple[np.ndarray, int]:
    """Codes 0..m-1 of *series*, a missing value one more code; and m."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    codes = codes.astype(np.int64, copy=False)
    m = len(uniques)
    if (codes < 0).any():
        codes = np.where(codes < 0, m, codes)
        m += 1
    return codes, max(m, 1)


def plan(frame: pd.DataFrame, specs: list[dict]) -> tuple[list[str], np.ndarray | None,
                                                          list[list]]:
    """``(coded column names in frame order, key of each row, table)`` for *frame*.

    With no column coded (an empty frame, or nothing repetitive), ``([], None, [])``.
    """
    n = len(frame)
    if n == 0:
        return [], None, []
    limit = min(MAX_KEYS, max(1, n // 4))
    candidates = []
    for j, spec in enumerate(specs):
        if codable(spec):
            codes, m = _factorize(frame.iloc[:, j])
            if m <= limit:
                candidates.append((m, j, codes))
    # text first (a text cell costs most to write and parse), then by distinct values
    candidates.sort(key=lambda c: (specs[c[1]]["kind"] != "string", c[0], c[1]))
    key = np.zeros(n, dtype=np.int64)
    chosen = []
    for m, j, codes in candidates:
        combined, uniques = pd.factorize(key * m + codes)
        if len(uniques) <= limit:
            key = combined.astype(np.int64, copy=False)
            chosen.append(j)
    if not chosen:
        return [], None, []
    chosen.sort()
    _, first = np.unique(key, return_index=True)  # the first row of each key, key order
    table = []
    for j in chosen:
        values = frame.iloc[first, j]
        table.append(values.astype(object).where(values.notna(), None).tolist())
    return [specs[j]["name"] for j in chosen], key, table


def check_table(spec: dict, where: str) -> tuple[list[str], int]:
    """The coded names and the number of keys of a frame's ``_meta`` spec, or a clear error:
    each coded name a codable column, each table list as long as the others."""
    coded, table = spec.get("coded", []), spec.get("table", [])
    by_name = {c.get("name"): c for c in spec["columns"] if isinstance(c, dict)}
    if not (isinstance(coded, list) and isinstance(table, list) and len(coded) == len(table)
            and len(set(map(str, coded))) == len(coded)
            and all(isinstance(c, str) and c in by_name and codable(by_name[c])
                    for c in coded)
            and all(isinstance(t, list) for t in table)
            and len({len(t) for t in table}) <= 1):
        raise SourceFormatError(f"{where}: the key table in _meta is damaged (coded columns "
                                f"{coded!r:.200}). {_FIX}")
    count = len(table[0]) if table else 0
    if coded and not (0 < count <= MAX_KEYS):
        raise SourceFormatError(f"{where}: the key table in _meta has {count:,} entries, "
                                f"not 1 to {MAX_KEYS:,}. {_FIX}")
    return coded, count


def decode_keys(raw: tuple, count: int, where: str) -> np.ndarray:
    """The keys of the sheet's first column (calamine numbers), each an int below *count*."""
    try:
        keys = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError):
        keys = None
    if keys is None or any(v.__class__ is bool for v in raw):
        pos = next((i for i, v in enumerate(raw)
                    if v.__class__ is bool or not isinstance(v, (int, float))), 0)
        raise SourceFormatError(f"{where}: key column, data row {pos + 1} holds "
                                f"{raw[pos]!r:.60}, expected a key number. {_FIX}")
    bad = ~((keys >= 0) & (keys < count) & (keys == np.floor(keys)))
    if bad.any():
        pos = int(np.argmax(bad))
        raise SourceFormatError(f"{where}: key column, data row {pos + 1} holds "
                                f"{raw[pos]!r}, not a key of the table in _meta (0 to "
                                f"{count - 1}). {_FIX}")
    return keys.astype(np.intp)


def decode_coded(values: list, keys: np.ndarray, spec: dict, where: str) -> pd.Series:
    """Coded column *spec* of the frame: its table *values* taken at *keys*, cast by dtype."""
    kind, name = spec["kind"], spec["name"]
    dtype = spec.get("dtype", "")
    if kind == "string":
        ok = all(v is None or isinstance(v, str) for v in values)
    elif kind == "int" or "Int" in dtype:
        ok = all(v is None or (isinstance(v, int) and not isinstance(v, bool))
                 for v in values) and (kind != "int" or None not in values)
    else:  # bool, boolean
        ok = all(v is None or isinstance(v, bool) for v in values) and (
            kind != "bool" or None not in values)
    if not ok:
        raise SourceFormatError(f"{where}: the key table in _meta holds a value for column "
                                f"{name!r} that its dtype cannot hold. {_FIX}")
    if kind == "string":
        cats = np.empty(len(values), dtype=object)
        cats[:] = values
        na_value = pd.NA if spec["na"] == "NA" else np.nan
        return pd.Series(cats[keys], dtype=pd.StringDtype(storage=spec["storage"],
                                                          na_value=na_value), name=name)
    try:
        if kind in ("int", "bool"):
            array: Any = np.array(values, dtype=dtype if kind == "int" else bool)[keys]
        else:
            array = pd.array(values, dtype=dtype).take(keys)
    except (OverflowError, TypeError, ValueError) as exc:
        raise SourceFormatError(f"{where}: the key table in _meta holds a value for column "
                                f"{name!r} that its dtype cannot hold ({exc}). {_FIX}"
                                ) from exc
    return pd.Series(array, name=name)

"""Checks every CSV reader runs on what it returns, and the errors they raise.

A reader that hands back a duplicate row, an infinite value or a year that is not a whole
number hands back a wrong chart. :func:`finish` runs the tidy contract
(:func:`defbudget.schema.validate`) and the plausibility checks
(:func:`defbudget.sanity.sanity_check`, with its allow-list of documented outliers) on the
frame a reader built, and says which file the problem came from.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["clean_name", "finish", "normalise_key", "read_csv_checked", "whole_year"]

_YEAR = re.compile(r"\d{4}")


def normalise_key(text: object) -> str:
    """*text* as a key: NFKC, invisible format characters (U+200B, U+202E, ...) removed,
    spaces collapsed, upper case. Two names equal after this are the same name.

    >>> normalise_key(" j\\u200bpn ") == normalise_key("JPN")
    True
    """
    s = unicodedata.normalize("NFKC", str(text))
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Cf")
    return " ".join(s.split()).upper()


def clean_name(text: object) -> object:
    """*text* without invisible format characters (U+200B, U+202E, ...) and outer spaces;
    missing values stay missing.

    >>> clean_name("\u202eJa\u200bpan ")
    'Japan'
    """
    if not isinstance(text, str):
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def whole_year(text: str) -> int | None:
    """The year written in *text* when it is a whole, non-negative 4-digit number, else None.

    >>> whole_year("2020"), whole_year("2020.5"), whole_year("-2020"), whole_year("2020.0")
    (2020, None, None, None)
    """
    text = str(text).strip()
    return int(text) if _YEAR.fullmatch(text) else None


def read_csv_checked(path: Path, error: Callable[..., Exception], fix: str, **kwargs
                     ) -> pd.DataFrame:
    """``pandas.read_csv`` whose failures become *error* naming *path*, the line and *fix*.

    An empty file, one that is not UTF-8 (Latin-1, UTF-16), a ragged line or a field larger
    than the csv module allows all give the reader's own error, never a raw pandas one.
    """
    with open(path, "rb") as fh:
        start = fh.read(4)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(f"is UTF-16 text; expected UTF-8. {fix}", path=path)
    try:
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False,
                           **kwargs)
    except pd.errors.EmptyDataError as exc:
        raise error(f"is empty (no header line); expected a CSV table. {fix}",
                    path=path) from exc
    except UnicodeDecodeError as exc:
        raise error(f"cannot be read as UTF-8 (byte {exc.start}: {exc.reason}; perhaps "
                    f"Latin-1 or Windows-1252); expected UTF-8. {fix}", path=path) from exc
    except (pd.errors.ParserError, csv.Error, OverflowError) as exc:
        found = re.search(r"line (\d+)", str(exc))
        where = f"line {found.group(1)}: " if found else ""
        what = " ".join(str(exc).split()).removeprefix("Error tokenizing data. C error: ")
        raise error(f"{where}cannot be parsed as CSV ({what}); every line should have as "
                    f"many fields as the header. {fix}", path=path) from exc


def refuse_non_finite(values: pd.Series, lines, columns, error: Callable[..., Exception],
                      path: Path) -> None:
    """Raise *error* naming the first line and column whose value is inf or -inf."""
    arr = values.to_numpy(dtype=float)
    bad = np.isinf(arr)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise error(
            f"line {lines[k]}, column {columns[k]!r}: {arr[k]} is not a finite number; expected "
            "a number or an empty cell. Use the file exactly as downloaded (an edited or "
            "re-exported file can turn an overflow into 'inf').", path=path)


def refuse_duplicates(keys: pd.DataFrame, lines, error: Callable[..., Exception], path: Path,
                      what: str) -> None:
    """Raise *error* naming both lines when two rows of *keys* are equal after
    :func:`normalise_key` (so a zero-width space does not hide a duplicate)."""
    norm = keys.apply(lambda col: col.map(normalise_key))
    dup = norm.duplicated(keep=False)
    if not dup.any():
        return
    first = norm[dup].iloc[0]
    same = norm.eq(first).all(axis=1).to_numpy()
    at = [lines[i] for i in np.flatnonzero(same)[:2]]
    shown = ", ".join(f"{c}={keys.iloc[int(np.flatnonzero(same)[0])][c]!r}" for c in keys)
    raise error(
        f"lines {at[0]} and {at[1]} are the same {what} ({shown}); expected each once. "
        "Delete the repeated line, or download the file again.", path=path)


def finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Validate a reader's frame (tidy contract, plausibility) naming *path*; return it.

    The plausibility check applies to military measures only: GDP is larger than any
    military budget by design. GMSD's shares of GDP are model estimates bounded at 100 %
    (wartime years reach it), so for ``basis == "gmsd"`` a share is checked against 100 %
    rather than :data:`defbudget.sanity.MAX_SHARE_GDP`.
    """
    from defbudget.sanity import sanity_check
    from defbudget.schema import validate

    validate(frame, name=path.name)
    military = frame[frame["measure"].astype(str).str.startswith("milex")]
    gmsd_share = military["basis"].eq("gmsd") & military["measure"].eq("milex_share_gdp")
    sanity_check(military[~gmsd_share], name=path.name)
    others = frame[~frame.index.isin(military.index) | frame.index.isin(
        military.index[gmsd_share])]
    too_big = others["measure"].eq("milex_share_gdp") & others["value"].gt(1.0)
    if too_big.any():
        from defbudget.sanity import SanityError

        r = others[too_big].iloc[0]
        raise SanityError(
            f"{path.name}: {r['country']} {int(r['year'])} milex_share_gdp = "
            f"{r['value']:.1%} is above 100 %; expected a GMSD share of at most 100 %. Check "
            "the cell in the source file (a percentage read as a ratio?).", others[too_big])
    negative = others["value"].lt(0)
    if negative.any():
        r = others[negative].iloc[0]
        from defbudget.sanity import SanityError

        raise SanityError(
            f"{path.name}: {r['country']} {int(r['year'])} {r['measure']} = {r['value']:.6g} "
            f"{r['unit']} is negative; expected a non-negative value. Check the cell in the "
            "source file.", others[negative])
    return frame

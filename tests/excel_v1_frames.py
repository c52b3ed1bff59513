"""The frames behind the format-1 exports in ``tests/data/excel_v1/`` (written by defbudget's
first Excel writer, kept verbatim in ``benchmarks/_excel_baseline.py``).

``python tests/excel_v1_frames.py`` wrote them once with that writer; the tests in
``test_excel_v1.py`` read them with today's :func:`defbudget.read_excel_export` and compare
with these frames, rebuilt here value by value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from defbudget import schema

#: Text the writer had to escape or protect (formula-like, control characters, a lone
#: surrogate, Excel's own _xHHHH_ escape written literally, CJK, an emoji).
TRICKY_TEXT = ["=1+1", "+81 3", "-5", "@SUM(A1:A2)", "", " lead", "trail ", "a\r\nb", "a\rb",
               "_x0041_", "_x005F_x0041_", "tab\tx", "\x00\x0b", "\ud800", "\ufffe",
               "日本の防衛費", "🙂", "x" * 500]


def tidy(n_years: int = 3, *, country="Japan", unit="JPY", measure="defense_budget",
         values=None, **columns) -> pd.DataFrame:
    """A small tidy frame of Japanese fiscal years in whole yen (synthetic values)."""
    years = list(range(2023, 2023 + n_years))
    values = values if values is not None else [7.0e12 + 1.0e11 * i + 0.1 for i in
                                                range(n_years)]
    data = {"country": country, "iso3": "JPN", "year": years, "period": "FY",
            "fy_start_month": 4, "measure": measure, "basis": "mod_excl_saco_realignment",
            "value": values, "unit": unit, "price_basis": "current", "stage": "enacted",
            "source": "my-own-source"}
    data.update(columns)
    return schema.coerce(pd.DataFrame(data))


def dtypes_frame() -> pd.DataFrame:
    """Every column kind the format stores: numpy, nullable, string, object; tricky text."""
    n = len(TRICKY_TEXT)
    frame = tidy(n, values=[0.1 + 0.2, -0.0, 1e300, 5e-324, np.nan, 1 / 3] + [1e9] * (n - 6),
                 flag=[None, None, None, None, "unavailable"] + [None] * (n - 5),
                 note=TRICKY_TEXT, fx_rate=[1 / 3, np.nan, 2.0, 1e-17] + [150.5] * (n - 4))
    frame["int64"] = np.array([2**62, -(2**63), 2**53 + 1, *range(n - 3)], dtype="int64")
    frame["uint8"] = np.arange(n, dtype="uint8")
    frame["f32"] = np.array([0.1, -1.5, np.nan, 3e38] + [0.0] * (n - 4), dtype="float32")
    frame["Int64"] = pd.array([1, None, -(2**60)] + [4] * (n - 3), dtype="Int64")
    frame["Float64"] = pd.array([0.1, None, 2.5, -0.0] + [1.0] * (n - 4), dtype="Float64")
    frame["boolean"] = pd.array([True, None, False] + [True] * (n - 3), dtype="boolean")
    frame["bool"] = [i % 2 == 0 for i in range(n)]
    frame["string_na"] = pd.array(["=x", None, ""] + ["b"] * (n - 3), dtype="string")
    frame["object"] = pd.Series(["s", 3, 2.5, None, True] + ["=y"] * (n - 5), dtype=object)
    frame["=formula name"] = "text"
    return frame


def japan_frame() -> pd.DataFrame:
    """The shipped Japan MOD budgets, FY2020 onwards (fresh RangeIndex)."""
    import defbudget

    frame = defbudget.load("japan_mod_budget")
    return frame.loc[frame["year"] >= 2020].reset_index(drop=True)


def dict_frames() -> dict[str, pd.DataFrame]:
    """Two named frames, one of them a ratio series."""
    return {"Japan": tidy(2), "Japan, share": tidy(2, unit="ratio", values=[0.013, 0.014],
                                                   measure="milex_share_gdp")}


EXPORTS = {"dtypes.xlsx": dtypes_frame, "japan_fy2020.xlsx": japan_frame,
           "dict.xlsx": dict_frames}


if __name__ == "__main__":  # pragma: no cover - run once, with the format-1 writer
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "benchmarks"))
    from _excel_baseline import to_excel  # type: ignore[import-not-found]

    for name, build in EXPORTS.items():
        to_excel(build(), root / "tests" / "data" / "excel_v1" / name, overwrite=True,
                 title="defbudget format-1 export (test fixture)")

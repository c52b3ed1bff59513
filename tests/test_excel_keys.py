"""Format 3: repetitive columns stored as one row key into a table in ``_meta`` (issue 16,
"read-back >= 10x"); read-back bounded before parsing; the guard's chunked scan."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from defbudget import schema
from defbudget.errors import SourceFormatError
from defbudget.excel import _guard, read_excel_export, to_excel
from defbudget.excel._guard import sheet_paths
from defbudget.excel._keys import KEY_HEADER

sys.path.insert(0, str(Path(__file__).resolve().parent))

from excel_v1_frames import TRICKY_TEXT

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "excel_export.py"


def two_countries() -> pd.DataFrame:
    """8 rows: Japan 2020-23 in yen, then China 2020-23 in yuan (made-up values)."""
    return schema.coerce(pd.DataFrame({
        "country": ["Japan"] * 4 + ["China"] * 4, "iso3": ["JPN"] * 4 + [None] * 4,
        "year": [2020, 2021, 2022, 2023] * 2, "period": "CY", "fy_start_month": 1,
        "measure": "milex", "basis": "sipri", "value": [1.5, 2.5, 3.5, 4.5, 5.0, 6.0, 7.0, 8.0],
        "unit": ["JPY"] * 4 + ["CNY"] * 4, "price_basis": "current", "source": "mine"}))


def meta_json(path: Path) -> dict:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("_meta").to_python()
    return json.loads("".join(r[1] for r in rows if r[0] == "json"))


def tidy_rows(path: Path, sheet: str = "_tidy") -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def rewrite(path: Path, sheet: str, edit) -> None:
    with zipfile.ZipFile(path) as z:
        member = sheet_paths(z)[sheet]
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts[member] = edit(parts[member].decode()).encode()
    if "xl/sharedStrings.xml" in parts:  # a small export is written in memory: its text
        parts["xl/sharedStrings.xml"] = edit(parts["xl/sharedStrings.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_repetitive_columns_become_one_key_column(tmp_path):
    frame = two_countries()
    path = to_excel(frame, tmp_path / "x.xlsx")
    rows = tidy_rows(path)
    # 8 rows allow 2 combinations: every text column and fy_start_month go in the key;
    # year (4 values) and the floats stay cells
    assert rows[0] == [KEY_HEADER, "year", "value"]
    assert [r[0] for r in rows[1:]] == [0.0] * 4 + [1.0] * 4
    assert [r[1] for r in rows[1:]] == [2020.0, 2021.0, 2022.0, 2023.0] * 2
    spec = meta_json(path)["frames"][0]
    assert spec["coded"] == ["country", "iso3", "period", "fy_start_month", "measure",
                             "basis", "unit", "price_basis", "base_year", "stage", "flag",
                             "source"]
    table = dict(zip(spec["coded"], spec["table"], strict=True))
    assert table["country"] == ["Japan", "China"] and table["iso3"] == ["JPN", None]
    assert table["unit"] == ["JPY", "CNY"] and table["fy_start_month"] == [1, 1]
    assert table["base_year"] == [None, None]
    pd.testing.assert_frame_equal(read_excel_export(path), frame, check_exact=True)


def test_visible_data_sheet_still_shows_the_text(tmp_path):
    path = to_excel(two_countries(), tmp_path / "x.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    cells = {c for name in book.sheet_names if not name.startswith("_")
             for row in book.get_sheet_by_name(name).to_python() for c in row}
    assert {"Japan", "China"} <= cells


def test_key_outside_the_table_is_a_clear_error(tmp_path):
    path = to_excel(two_countries(), tmp_path / "x.xlsx")
    rewrite(path, "_tidy", lambda xml: xml.replace('<c r="A3"><v>0</v>', '<c r="A3"><v>7</v>'))
    with pytest.raises(SourceFormatError, match=r"x\.xlsx.*sheet '_tidy'.*key column, data "
                                                r"row 2 holds 7.0, not a key .*0 to 1"):
        read_excel_export(path)


def test_key_as_text_is_a_clear_error(tmp_path):
    path = to_excel(two_countries(), tmp_path / "x.xlsx")
    rewrite(path, "_tidy", lambda xml: xml.replace(
        '<c r="A2"><v>0</v>', '<c r="A2" t="inlineStr"><is><t>Japan</t></is>'))
    with pytest.raises(SourceFormatError, match=r"key column, data row 1 holds 'Japan'"):
        read_excel_export(path)


def test_damaged_key_table_is_a_clear_error(tmp_path):
    path = to_excel(two_countries(), tmp_path / "x.xlsx")
    # drop China from the country list: the table's lists no longer have one length
    rewrite(path, "_meta", lambda xml: xml.replace(
        '"Japan","China"', '"Japan"'))
    with pytest.raises(SourceFormatError, match=r"x\.xlsx.*key table in _meta is damaged"):
        read_excel_export(path)


def test_key_table_value_of_wrong_type_is_a_clear_error(tmp_path):
    path = to_excel(two_countries(), tmp_path / "x.xlsx")
    rewrite(path, "_meta", lambda xml: xml.replace('"Japan","China"', '"Japan",5'))
    with pytest.raises(SourceFormatError, match=r"value for column 'country' that its dtype"):
        read_excel_export(path)


def test_read_back_over_the_size_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    path = to_excel(two_countries(), tmp_path / "x.xlsx")
    monkeypatch.setattr(_guard, "MAX_READ_CELLS", 20)  # the sheet has 9 x 3 = 27 cells

    def no_parse(*args, **kwargs):
        raise AssertionError("calamine was asked to parse")

    monkeypatch.setattr("python_calamine.CalamineWorkbook.from_path", no_parse)
    monkeypatch.setattr("defbudget.excel._read._meta_rows",
                        lambda archive, members, p: _meta_rows_openpyxl(p))
    with pytest.raises(SourceFormatError, match=r"x\.xlsx.*'_tidy' holds 9 rows x 3 columns "
                                                r"\(27 cells.*over the read-back limit of 20 "
                                                r"cells"):
        read_excel_export(path)


def _meta_rows_openpyxl(path: Path) -> list[list]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in book["_meta"].iter_rows(values_only=True)]


@pytest.mark.parametrize("chunk", range(65, 65 + 48))
def test_guard_scan_is_not_fooled_by_a_chunk_boundary(tmp_path, monkeypatch, chunk):
    """Every cut of '<c r=' or '&amp;' by the end of an inflated chunk is seen whole (a cut
    '<c r=' once looked like a cell without a reference: a 1,000,000-row export was
    refused)."""
    frame = two_countries()
    frame["note"] = [f"a & b <{i}>" for i in range(8)]
    path = to_excel(frame, tmp_path / "x.xlsx")
    monkeypatch.setattr(_guard, "_CHUNK", chunk)
    pd.testing.assert_frame_equal(read_excel_export(path), frame, check_exact=True)


_pool_text = st.one_of(st.none(), st.sampled_from(TRICKY_TEXT), st.text(max_size=8))


@st.composite
def repetitive_frames(draw):
    """12-24 rows made of 1-3 row templates of codable columns (text with NA and tricky
    text, int64, Int64 with NA, bool, boolean with NA), years and floats per row."""
    templates = draw(st.lists(st.fixed_dictionaries({
        "country": st.sampled_from(["Japan", "China", "=1+1", "日本"]),
        "note": _pool_text, "source": st.sampled_from(TRICKY_TEXT),
        "i64": st.integers(-(2**63), 2**63 - 1), "m64": st.one_of(st.none(), st.integers(
            -(2**63), 2**63 - 1)), "b": st.booleans(), "mb": st.one_of(st.none(),
                                                                      st.booleans())}),
        min_size=1, max_size=3))
    n = draw(st.integers(12, 24))
    picks = draw(st.lists(st.integers(0, len(templates) - 1), min_size=n, max_size=n))
    rows = [templates[p] for p in picks]
    frame = pd.DataFrame({
        "country": [r["country"] for r in rows], "year": list(range(1990, 1990 + n)),
        "period": "CY", "fy_start_month": 1, "measure": "milex", "basis": "sipri",
        "value": draw(st.lists(st.floats(allow_nan=False, width=64), min_size=n,
                               max_size=n)),
        "unit": "USD", "price_basis": "current", "source": [r["source"] for r in rows],
        "flag": "estimate"})
    frame = schema.coerce(frame)
    frame["note"] = pd.array([r["note"] for r in rows], dtype="str")
    frame["i64"] = np.array([r["i64"] for r in rows], dtype="int64")
    frame["m64"] = pd.array([r["m64"] for r in rows], dtype="Int64")
    frame["b"] = np.array([r["b"] for r in rows], dtype=bool)
    frame["mb"] = pd.array([r["mb"] for r in rows], dtype="boolean")
    return frame


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(frame=repetitive_frames())
def test_round_trip_of_coded_columns_hypothesis(tmp_path, frame):
    out = to_excel(frame, tmp_path / "h.xlsx", overwrite=True)
    pd.testing.assert_frame_equal(read_excel_export(out), frame, check_exact=True)
    header = tidy_rows(out)[0]
    assert header[0] == KEY_HEADER and "i64" not in header and "country" not in header


@pytest.mark.slow
def test_million_row_read_back_peak_memory_under_1500_mb(tmp_path):
    """Export, then read back in another child; both peaks are VmHWM of their process."""
    for mode in ("new", "read"):
        out = subprocess.run([sys.executable, str(BENCH), "--child", mode, "--rows",
                              "1000000", "--out", str(tmp_path)], capture_output=True,
                             text=True, timeout=600, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["rows"] == 1_000_000
    assert result["peak_rss_mb"] < 1500, result
    assert re.fullmatch(r"read", result["mode"])


@pytest.mark.parametrize("edit", [
    lambda xml: xml.replace('{"name":"year","kind":"int"', '{"kind":"int"', 1),
    lambda xml: xml.replace('"coded":["country"', '"coded":["value","country"', 1),
    lambda xml: xml.replace('"coded":["country"', '"coded":"country","x":["country"', 1),
])
def test_meta_column_specs_or_coded_list_edited_is_a_clear_error(tmp_path, edit):
    path = to_excel(two_countries(), tmp_path / "x.xlsx")
    with zipfile.ZipFile(path) as z:
        shared = z.read("xl/sharedStrings.xml").decode()
    assert '{"name":"year","kind":"int"' in shared and '"coded":["country"' in shared
    rewrite(path, "_meta", edit)
    with pytest.raises(SourceFormatError, match=r"x\.xlsx.*(no export holds|key table in "
                                                r"_meta is damaged)"):
        read_excel_export(path)
